"""Inputs the end-to-end bench generates: PNG images with rendered text (signs, receipts, tables),
CSV files and text documents, written into a folder. Everything is made here (Pillow and the DejaVu
fonts Debian ships), so the bench needs no data files and no network.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")


def _font(size: int) -> Any:
    from PIL import ImageFont

    font_file = next((Path(d) / "DejaVuSans.ttf" for d in FONT_DIRS if (Path(d) / "DejaVuSans.ttf").is_file()), None)
    return ImageFont.truetype(str(font_file), size) if font_file else ImageFont.load_default(size)


def render_text(lines: list[str], path: Path, size: int = 44) -> Path:
    """A white PNG with ``lines`` in black DejaVu Sans, words well apart (as a sign is written)."""
    from PIL import Image, ImageDraw

    font = _font(size)
    gap = size // 2
    widths = [sum(font.getlength(w) for w in line.split()) + gap * (len(line.split()) - 1) for line in lines]
    image = Image.new("RGB", (int(max(widths)) + 2 * size, (len(lines) * 2 + 1) * size), "white")
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        x = float(size)
        for word in line.split():
            draw.text((x, size + row * 2 * size), word, font=font, fill="black")
            x += font.getlength(word) + gap
    image.save(path)
    return path


def render_columns(rows: list[list[str]], path: Path, size: int = 36) -> Path:
    """A PNG table: each row's cells in fixed columns (a receipt's item and price, a table's fields)."""
    from PIL import Image, ImageDraw

    font = _font(size)
    columns = max(len(row) for row in rows)
    widths = [max(font.getlength(row[c]) for row in rows if c < len(row)) + 2 * size for c in range(columns)]
    image = Image.new("RGB", (int(sum(widths)) + 2 * size, (len(rows) * 2 + 1) * size), "white")
    draw = ImageDraw.Draw(image)
    for r, row in enumerate(rows):
        x = float(size)
        for c, cell in enumerate(row):
            draw.text((x, size + r * 2 * size), cell, font=font, fill="black")
            x += widths[c]
    image.save(path)
    return path


def write_csv(rows: list[list[str]], path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_text(text: str, path: Path) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
