"""Tables as the table questions read them: CSV (its delimiter sniffed), JSON records or one object
(nested keys flattened to "server.port"), or labelled lines such as a receipt's ("Total 45.90"); and
a cell's number ("$1,200", "15%"). A malformed table is an error naming its line, not a guess."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from typing import Any

from agentnet.collaborators.mathtext import labelled_values
from agentnet.errors import UserError

MAX_ROWS = 200_000


class TableError(UserError):
    code = "table_unreadable"


@dataclass
class Table:
    columns: list[str]
    rows: list[dict[str, Any]]
    fields: dict[str, Any]  # a single record's fields (JSON object, labelled lines)


def cell_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace(",", "").lstrip("$\u20ac\u00a3").rstrip("%")
    try:
        return float(text)
    except ValueError:
        return None


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def read_table(text: str) -> Table:
    """The table in ``text``. Empty text and a CSV header with no rows under it are tables with no
    rows (``query_table`` says so), not "no table found": that error let the next collaborator answer
    "2 words, 1 line" for the rows of a header-only CSV."""
    stripped = text.strip()
    if not stripped:
        return Table([], [], {})
    if stripped[:1] in ("{", "["):
        try:
            return _from_json(json.loads(stripped))
        except json.JSONDecodeError:
            pass
        except RecursionError:  # deeper than json reads: no table nests so deep
            raise TableError(
                "the JSON is nested too deep to read (hundreds of levels)", hint="hand over records: a list of objects"
            ) from None
    labelled = labelled_values(stripped)
    lines = [line for line in stripped.splitlines() if line.strip()]
    if labelled and len(labelled) * 2 >= len(lines):
        return Table(["label", "value"], [{"label": k, "value": float(v)} for k, v in labelled.items()], labelled)
    # Blank lines before the header are the file's lines too: an error names the line as an editor shows it.
    skipped = text[: len(text) - len(text.lstrip())].count("\n")
    return _from_csv(stripped, single_line=len(lines) == 1, skipped=skipped)


def _from_csv(stripped: str, *, single_line: bool, skipped: int = 0) -> Table:
    try:
        dialect = csv.Sniffer().sniff(stripped[:4096], delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.DictReader(io.StringIO(stripped), delimiter=delimiter)
    try:
        rows = _rows(reader, skipped)
    except csv.Error as exc:  # a cell over csv's field limit ("field larger than field limit (131072)")
        raise TableError(
            f"the CSV cannot be read at line {reader.line_num + 1 + skipped}: {exc}",
            hint="check the quotes on that line (an unclosed quote runs on to the end of the file)",
        ) from None
    columns = [c.strip() for c in reader.fieldnames or []]
    if not rows and single_line and len(set(columns) - {""}) >= 2:
        return Table(columns, [], {})  # a header row alone: named columns, no rows yet
    if not columns or not rows:
        raise no_table()
    return Table(columns, _decimal_commas(rows) if delimiter != "," else rows, {})


def _rows(reader: csv.DictReader[str], skipped: int) -> list[dict[str, Any]]:
    rows = []
    for index, row in enumerate(reader):
        if index >= MAX_ROWS:
            error = TableError(f"the table has more than {MAX_ROWS:,} rows", hint="filter it before asking")
            # A table question about it: text statistics answered "rows per city" with its word count.
            error.conclusive = True
            raise error
        if None in row:
            # More cells than the header names: which column each belongs to is a guess (the extra
            # ones were dropped, and the answer came from the rest without a word).
            error = TableError(
                f"line {reader.line_num + skipped} has {len(reader.fieldnames or []) + len(row[None])} cells, "
                f"the header {len(reader.fieldnames or [])}",
                hint="fix that line (a comma inside a value needs quotes) or the header",
            )
            error.conclusive = True  # the data is malformed: no other collaborator should guess from it
            raise error
        rows.append({k.strip(): (v or "").strip() for k, v in row.items() if k is not None})
    return rows


# A number written with a decimal comma ("1,50", "1.234,5", "€ 12,25"), and one that shows it is one:
# its comma is followed by other than three digits, or its thousands are grouped with dots.
_COMMA_NUMBER = re.compile(
    r"^(?P<sign>[-+]?)(?P<money>[$\u20ac\u00a3]?\s*)(?P<int>\d{1,3}(?:\.\d{3})+|\d+),(?P<frac>\d+)(?P<pct>\s*%?)$"
)


def _decimal_commas(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cells of a table that writes decimal commas ("1,50" in a ';'-separated file, as spreadsheets in
    much of Europe save it), rewritten with a decimal point: read as thousands, 1,50 + 0,80 + 12,25 added
    up to 1455. A table whose every such cell could be thousands ("1,500") is left as written."""
    shaped = [m for row in rows for value in row.values() if (m := _COMMA_NUMBER.match(str(value)))]
    if not any(len(m.group("frac")) != 3 or "." in m.group("int") for m in shaped):
        return rows

    def point(value: Any) -> Any:
        match = _COMMA_NUMBER.match(str(value))
        if match is None:
            return value
        number = f"{match.group('int').replace('.', '')}.{match.group('frac')}"
        return f"{match.group('sign')}{match.group('money')}{number}{match.group('pct')}"

    return [{key: point(value) for key, value in row.items()} for row in rows]


def no_table() -> TableError:
    return TableError("no table found: give CSV with a header row, JSON, or 'label value' lines")


def _from_json(data: Any) -> Table:
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list) and v and all(isinstance(i, dict) for i in v)]
        if len(lists) == 1:
            data = lists[0]
        else:
            flat = _flatten(data)
            return Table(["field", "value"], [{"field": k, "value": v} for k, v in flat.items()], flat)
    if isinstance(data, list) and all(isinstance(i, dict) for i in data):
        rows = [_flatten(i) for i in data]
        columns = list(dict.fromkeys(k for row in rows for k in row))
        return Table(columns, rows, {})
    raise TableError("the JSON is neither records (a list of objects) nor an object")
