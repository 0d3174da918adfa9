"""Long tables written line by line, in the look of Rich's edgeless table (``show_edge=False``).

Rich measures and lays out every cell of a table before it prints a line: about 0.5 ms a row, so
`agentnet runs list -n 20000` took 22 s to print. Here each column's width is the longest of its
cells, the columns allowed to wrap give up width when the table is wider than the terminal, and a
row's cells are wrapped and padded as text: the same lines, at the cost of string formatting.
A terminal too narrow for every column at its narrowest (`runs list` below 75 columns) gets fewer
columns, the least needed left out first, rather than lines wider than the terminal.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from rich.cells import cell_len

if TYPE_CHECKING:
    from rich.console import Console


@dataclass(frozen=True)
class GridColumn:
    header: str
    # The narrowest a column that may wrap gets when the table is wider than the terminal; None: never
    # wraps (an id `runs show` takes whole).
    min_width: int | None = None
    # Left out (lowest first) while the table is wider than the terminal with every column at its
    # narrowest; None: always shown.
    drop: int | None = None


def grid_lines(columns: Sequence[GridColumn], rows: Sequence[Sequence[str]], width: int) -> Iterator[str]:
    """The table's lines: the header, its rule, then each row (a wrapped cell adds lines to its row)."""
    naturals = [max([cell_len(c.header)] + [cell_len(row[i]) for row in rows]) for i, c in enumerate(columns)]
    shown = _fitting(columns, naturals, width)
    if len(shown) < len(columns):
        columns, naturals = [columns[i] for i in shown], [naturals[i] for i in shown]
        rows = [[row[i] for i in shown] for row in rows]
    widths = _widths(columns, naturals, width)
    yield "┃".join(f" {_pad(c.header, w)} " for c, w in zip(columns, widths, strict=True))
    yield "╇".join("━" * (w + 2) for w in widths)
    for row in rows:
        cells = [_wrap(text, w) for text, w in zip(row, widths, strict=True)]
        for line in range(max(len(cell) for cell in cells)):
            yield "│".join(
                f" {_pad(cell[line] if line < len(cell) else '', w)} " for cell, w in zip(cells, widths, strict=True)
            )


def _fitting(columns: Sequence[GridColumn], naturals: list[int], width: int) -> list[int]:
    """The indices of the columns to show: all, but for those left out (by their ``drop``) while the
    narrowest the table can be is wider than ``width``."""
    least = [min(n, c.min_width) if c.min_width is not None else n for c, n in zip(columns, naturals, strict=True)]
    shown = list(range(len(columns)))
    droppable = sorted((c.drop, i) for i, c in enumerate(columns) if c.drop is not None)
    for _, index in droppable:
        if sum(least[i] + 3 for i in shown) - 1 <= width:
            break
        shown.remove(index)
    return shown


def _widths(columns: Sequence[GridColumn], naturals: list[int], width: int) -> list[int]:
    """Each column's width: its longest cell's; then, while the table is wider than ``width``, the
    widest column that may wrap narrows, down to its ``min_width``."""
    widths = list(naturals)
    over = sum(w + 3 for w in widths) - 1 - width  # 1 space each side, a rule between columns
    while over > 0:
        shrinkable = [i for i, c in enumerate(columns) if c.min_width is not None and widths[i] > c.min_width]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        others = max([widths[i] for i in shrinkable if i != widest] + [columns[widest].min_width or 0])
        cut = min(over, widths[widest] - others) or 1
        widths[widest] -= cut
        over -= cut
    return widths


def _wrap(text: str, width: int) -> list[str]:
    if cell_len(text) <= width:
        return [text]
    if not text.isascii():  # wide characters: Rich measures them
        from rich.text import Text

        return [line.plain for line in Text(text).wrap(_measuring(), width)] or [""]
    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]


def _pad(text: str, width: int) -> str:
    return text + " " * (width - cell_len(text))


@cache
def _measuring() -> Console:
    from rich.console import Console

    return Console(width=1000)
