"""`runs list` writes its table line by line (cli/grid.py) instead of through Rich's Table, which laid
out every cell first (22 s for 20000 runs; bench/runs_scale.py has the figures). The lines are Rich's:
the same when the table fits, every cell's words kept and no line wider than the terminal when it
does not, wide characters measured as Rich does."""

from __future__ import annotations

import io

from rich.cells import cell_len
from rich.console import Console
from rich.table import Column, Table

from agentnet.cli.grid import GridColumn, grid_lines
from agentnet.cli.render import cells

COLUMNS = [GridColumn("id"), GridColumn("status", 6), GridColumn("started", 10), GridColumn("took", 4),
           GridColumn("tokens", 6), GridColumn("cost", 7), GridColumn("task", 10)]  # fmt: skip
ROWS = [
    ["5f0c2a9e1b7d", "succeeded", "2026-12-07 10:05:27", "1.2 s", "150", "$0.0000", "What is 15% of 240?"],
    ["a53469322cde", "not running", "2026-12-07 10:06:18", "-", "0", "$0.0012",
     "Count the words in notes.txt, then multiply the answer by 4"],
    ["0c9d7e2f4a11", "failed", "2026-12-07 11:00:00", "13.1 s", "2048", "$0.5000",
     "翻译这句话 蜜蜂会酿蜜 然后把它读出来"],
]  # fmt: skip


def rich_lines(width: int) -> list[str]:
    table = Table(*(Column(c.header, no_wrap=c.min_width is None) for c in COLUMNS), show_edge=False)
    for row in ROWS:
        table.add_row(*cells(*row))
    out = Console(file=io.StringIO(), width=width, highlight=False)
    out.print(table)
    return out.file.getvalue().splitlines()  # type: ignore[attr-defined]


def test_a_table_that_fits_is_rich_s_table_line_for_line() -> None:
    assert list(grid_lines(COLUMNS, ROWS, 200)) == rich_lines(200)


def test_a_narrow_table_wraps_its_cells_and_keeps_every_word_and_the_whole_id() -> None:
    for width in (80, 60):
        lines = list(grid_lines(COLUMNS, ROWS, width))
        assert {cell_len(line) for line in lines} == {cell_len(lines[0])}
        assert cell_len(lines[0]) <= max(width, 75)  # the least every column can be: ids whole
        column = {i: [] for i in range(len(COLUMNS))}
        for line in lines[2:]:
            for i, part in enumerate(line.split("│")):
                column[i].append(part.strip())
        for i in range(len(COLUMNS)):
            assert "".join(column[i]).replace(" ", "") == "".join(row[i] for row in ROWS).replace(" ", ""), width
        assert [part for part in column[0] if part] == [row[0] for row in ROWS]
    assert max(cell_len(line) for line in grid_lines(COLUMNS, ROWS, 80)) <= 80


def test_a_terminal_too_narrow_for_every_column_leaves_out_the_least_needed_ones() -> None:
    """Below 75 columns (12-character ids) the table was wider than the terminal: every line 75 wide."""
    columns = [GridColumn("id"), GridColumn("status", 6), GridColumn("started", 10, drop=4),
               GridColumn("took", 4, drop=3), GridColumn("tokens", 6, drop=2), GridColumn("cost", 7, drop=1),
               GridColumn("task", 10)]  # fmt: skip
    expected = {74: 6, 65: 6, 64: 5, 56: 5, 55: 4, 49: 4, 48: 3, 36: 3}
    for width, shown in expected.items():
        lines = list(grid_lines(columns, ROWS, width))
        assert max(cell_len(line) for line in lines) <= width, (width, lines)
        headers = [part.strip() for part in lines[0].split("┃")]
        assert len(headers) == shown and headers[0] == "id" and headers[-1] == "task", (width, headers)
        ids = [line.split("│")[0].strip() for line in lines[2:]]
        assert [part for part in ids if part] == [row[0] for row in ROWS], width
    assert [part.strip() for part in next(grid_lines(columns, ROWS, 74)).split("┃")] == [
        "id", "status", "started", "took", "tokens", "task"
    ]  # fmt: skip
    assert list(grid_lines(columns, ROWS, 200)) == rich_lines(200)  # a table that fits keeps them all
