"""OCR with RapidOCR (``rapidocr-onnxruntime``, the ``agentnet[vision]`` extra): the PP-OCRv4
detection and recognition ONNX models ship inside its wheel, so reading an image needs no network.

The engine is loaded once per process and used under a lock. Words the detector finds are grouped
into lines (by vertical overlap, left to right), so the text reads as the image does; the JSON data
keeps every line with its box and confidence.
"""

from __future__ import annotations

import importlib.util
import threading
import warnings
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from agentnet.errors import ModelFileError, UserError
from agentnet.nodes.outputs import ToolOutput

DISTRIBUTION = "rapidocr-onnxruntime"
MODULE = "rapidocr_onnxruntime"
_engine: Any = None
_lock = threading.Lock()


def installed() -> bool:
    """RapidOCR can be imported (checked without importing it)."""
    return importlib.util.find_spec(MODULE) is not None


def _shared_engine() -> Any:
    global _engine
    if _engine is None:
        if not installed():
            raise ModelFileError(
                f"OCR needs {DISTRIBUTION}, which is not installed", hint="pip install 'agentnet[vision]'"
            )
        from rapidocr_onnxruntime import RapidOCR

        _engine = RapidOCR()
    return _engine


def _lines(found: list[Any]) -> list[dict[str, Any]]:
    """Detected words grouped into lines: a word joins a line when its vertical centre lies within the
    line's height."""
    words = []
    for box, text, score in found:
        ys = [point[1] for point in box]
        xs = [point[0] for point in box]
        words.append({"text": text, "score": float(score), "x": min(xs), "top": min(ys), "bottom": max(ys), "box": box})
    words.sort(key=lambda w: (w["top"] + w["bottom"]) / 2)
    lines: list[list[dict[str, Any]]] = []
    for word in words:
        centre = (word["top"] + word["bottom"]) / 2
        if lines and lines[-1][0]["top"] <= centre <= lines[-1][0]["bottom"]:
            lines[-1].append(word)
        else:
            lines.append([word])
    out = []
    for line in lines:
        line.sort(key=lambda w: w["x"])
        out.append(
            {
                "text": " ".join(w["text"] for w in line),
                "confidence": round(min(w["score"] for w in line), 4),
                "boxes": [[[round(float(v), 1) for v in point] for point in w["box"]] for w in line],
            }
        )
    return out


class ImageError(UserError):
    """The file handed over is no image, or the image holds no text: conclusive, as any other
    collaborator asked instead would make the text up (a summary of an empty read once 'succeeded')."""

    code = "image_unreadable"
    conclusive = True


# The longest side RapidOCR reads at (its det max_side_len): a larger image is scaled down to it first.
_READ_SIDE = 2000


def _too_many_pixels(shown: str, most: int) -> ImageError:
    return ImageError(
        f"the image is {shown}, more than the {most:,} pixels the OCR tool decodes",
        hint=f"scale it down or crop the part with the text (text is read at {_READ_SIDE} px on the longest side)",
    )


def _image_size(image: Path) -> tuple[int, int]:
    """The image's width and height (read from its header, nothing decoded); an ``ImageError`` saying what
    the file is when it is no image, or when decoding it would take more memory than any text needs: a
    small PNG of 30000x30000 px failed as "tool 'ocr' failed: DecompressionBombError", hinting at models."""
    from PIL import Image, UnidentifiedImageError

    most = Image.MAX_IMAGE_PIXELS or 89_478_485
    try:
        with warnings.catch_warnings():  # refused below, in words: not also a warning on stderr
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(image) as opened:
                width, height = opened.size
    except Image.DecompressionBombError:
        raise _too_many_pixels(f"over {2 * most:,} pixels", most) from None
    except (UnidentifiedImageError, OSError):
        raise _not_an_image(image) from None
    if width * height > most:  # Pillow only warns up to twice its limit; RapidOCR would decode it all
        raise _too_many_pixels(f"{width}x{height} px ({width * height:,} pixels)", most)
    return width, height


def _not_an_image(image: Path) -> ImageError:
    head = image.read_bytes()[:200]
    try:
        what = f"it holds text ({head.decode('utf-8').strip()[:60]!r}...)" if head else "it is empty (0 bytes)"
    except UnicodeDecodeError:
        what = f"its {image.stat().st_size:,} bytes are in no image format it reads"
    return ImageError(
        f"the file handed over as an image is not one: {what}",
        hint="hand over a PNG, JPEG, WebP, BMP, GIF or TIFF image (its name's suffix does not make it one)",
    )


def _no_text(size: tuple[int, int]) -> ImageError:
    width, height = size
    hint = "hand over an image with text on it"
    if max(size) > _READ_SIDE:
        hint = (
            f"the image is read scaled down to {_READ_SIDE} px on its longest side, where small text is lost: "
            "crop the part with the text, or scale the image down yourself and check the text stays legible"
        )
    return ImageError(f"no text found in the image ({width}x{height} px)", hint=hint)


def read_image_text(
    image: Annotated[
        Path, Field(description="The image file (PNG, JPEG, ...)", json_schema_extra={"x-agentnet": "input"})
    ],
) -> ToolOutput:
    """Read the text written in an image (a sign, a receipt, a screenshot, a table): text by line."""
    if not image.is_file():
        raise UserError(f"no image file at {image}", hint="pass the image with --input FILE")
    engine = _shared_engine()  # first: without the vision extra, Pillow is missing too
    size = _image_size(image)
    with _lock:
        found, _ = engine(str(image))
    lines = _lines(found or [])
    text = "\n".join(line["text"] for line in lines)
    if not text.strip():
        raise _no_text(size)
    return ToolOutput(text, {"text": text, "lines": lines})
