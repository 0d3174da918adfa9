"""A field asked of a table's rows, and how a cell is shown. "What is the price of cherry?" is the
cherry row's price (4.75, not "1 row"); "What is the price of kiwi?" of a table without a kiwi row
says there is none (it answered "3 rows": with no row named, the question fell through to a count of
all of them)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from agentnet.collaborators.arithmetic import show
from agentnet.collaborators.tableread import Table, TableError, cell_number
from agentnet.nodes.outputs import ToolOutput

# "List the prices of the fruits" asks the prices as "What are the prices of the fruits?" does.
ASKS_A_FIELD = re.compile(r"^\s*(?:what(?:'s|\s+is|\s+are|\s+was)|tell\s+me|give\s+me|list|show)\b", re.IGNORECASE)
# The field a question asks by name, whether or not the table has it: "the salary of Bob".
_ASKED_WORD = re.compile(
    r"^\s*\w+(?:'s)?(?:\s+(?:is|are|was|me))?\s+(?:the\s+)?([a-z][\w-]*)\s+(?:of|for)\s", re.IGNORECASE
)
# Words such a question asks that are no column: the rows' own names, values, how many.
_NO_FIELD = frozenset({"name", "names", "value", "values", "number", "numbers", "list", "rest", "details",
                       "data", "contents", "row", "rows", "one", "ones", "each", "all"})  # fmt: skip
# The row a field is asked of, after the column's name: "price of kiwi", 'price for "green tea"'.
_OF_ROW = re.compile(r"\s+(?:of|for)\s+(?:the\s+)?(?:\"([^\"]+)\"|'([^']+)'|([A-Za-z][\w-]*)(?![\w-]*\.[A-Za-z]))")
# Words after "of" that name no row: "the price of each item", "the price of it".
# fmt: off
_NO_ROW = frozenset({
    "a", "an", "all", "any", "both", "each", "every", "it", "its", "them", "they", "this", "that", "these",
    "those", "one", "ones", "row", "rows", "item", "items", "entry", "entries", "record", "records", "everything",
    "everyone", "people", "person", "things",
})
# fmt: on
_SHOWN_VALUES = 10
_SHOWN_ROWS = 20


def show_value(value: Any) -> str:
    number = cell_number(value)
    if number is None or (isinstance(value, str) and not re.fullmatch(r"[\s$\u20ac\u00a3\d,.%-]+", value)):
        return str(value)
    return show(Decimal(str(number)))


def joined(names: list[str]) -> str:
    """ "Ann", "Ann and Bob", "Ann, Bob and Di"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def asked_of_rows(
    question: str,
    table: Table,
    named: list[tuple[int, int, str]],
    conditions: list[Any],
    rows: list[dict[str, Any]],
    where: str,
) -> ToolOutput | None:
    """The column a "what is the X of Y" question asks of the rows it keeps; an error when Y is no
    row of the table; None when the question asks no field."""
    if not named:
        unknown_field(question, table)  # "What is the salary of Bob?" of a table without salaries
    if (field := asked_field(question, named, conditions)) is not None:
        return field_values(field, rows, where)  # "What is the price of cherry?": 4.75, not "1 row"
    if not conditions:
        if (each := of_every_row(question, table, named)) is not None:
            return each  # "What is the age of each person?": each row's, not "3 rows"
        absent_row(question, table, named)  # "What is the price of kiwi?" of a table without kiwi
    return None


# After "the X of": words for every row ("each person", "all of them", "the fruits" of a fruit column),
# and words for one row the question does not name ("it", "this").
_EVERY_ROW = frozenset({"each", "every", "all", "them", "they", "these", "those", "everyone", "everything", "people",
                        "persons", "rows", "items", "entries", "records", "things", "ones"})  # fmt: skip
_ONE_ROW = frozenset({"it", "its", "this", "that", "one"})


def of_every_row(question: str, table: Table, named: list[tuple[int, int, str]]) -> ToolOutput | None:
    """ "What is the age of each person?", "What are the prices of the fruits?": the column asked, row by
    row, labelled by the table's text column; "What is the price of it?" of a table of several rows names
    none of them: an error listing them. Each was answered with a count of the rows ("3 rows")."""
    if not ASKS_A_FIELD.match(question):
        return None
    columns = {c.lower() for c in table.columns}
    for _, end, column in named:
        match = _OF_ROW.match(question[end:])
        raw = next((g for g in match.groups() if g is not None), "").lower() if match is not None else ""
        label = _label(table, column)
        if raw in _ONE_ROW and len(table.rows) > 1:
            raise _which_row(raw, column, table, label)
        if raw in _EVERY_ROW | _ONE_ROW or re.sub(r"(?<=[a-z])e?s$", "", raw) in columns:
            return _row_by_row(column, table.rows, label)
    return None


def unknown_field(question: str, table: Table) -> None:
    """Raise when a "what is the X of ..." question asks a field X no column holds: it was answered with
    a count of the rows ("3 rows" for "What is the salary of each person?")."""
    asked = _ASKED_WORD.match(question) if ASKS_A_FIELD.match(question) else None
    word = asked.group(1).lower() if asked is not None else ""
    singular = re.sub(r"(?<=[a-z])e?s$", "", word)
    words = {w for c in table.columns for w in re.findall(r"[a-z0-9]+", c.lower())}
    if not word or word in _NO_FIELD or {word, singular, f"{singular}e"} & words:
        return
    error = TableError(
        f"the table has no {word!r} column: its columns are {', '.join(table.columns)}",
        hint=f"ask for one of those columns, e.g. 'the {table.columns[-1]} of each row'",
    )
    error.conclusive = True  # the table was read: another collaborator could only guess the answer
    raise error


def _label(table: Table, column: str) -> str | None:
    """The column that names a row: the first text column other than ``column``, one whose values tell
    the rows apart first (labelled by a city, "What is the name of each person?" lost one of two Lyon rows)."""
    numeric = {c for c in table.columns if any(cell_number(r.get(c)) is not None for r in table.rows)}
    text = [c for c in table.columns if c not in numeric and c != column]
    unique = [c for c in text if len({str(r.get(c, "")).strip() for r in table.rows}) == len(table.rows)]
    return next(iter(unique or text), None)


def _row_by_row(column: str, rows: list[dict[str, Any]], label: str | None) -> ToolOutput:
    """ "Ann 34, Bob 41, Di 29 (age per name)": each cell as the table writes it (as "the price of each
    fruit" lists them)."""
    if label is None or len({str(row.get(label, "")).strip() for row in rows}) < len(rows):
        return field_values(column, rows, "")  # no label tells the rows apart: the values in row order
    values = {str(row.get(label, "")).strip(): str(row.get(column, "")).strip() for row in rows}
    listed = [f"{name} {cell}" for name, cell in list(values.items())[:_SHOWN_ROWS]]
    more = f", {len(values) - _SHOWN_ROWS} more" if len(values) > _SHOWN_ROWS else ""
    shown = f"{', '.join(listed)}{more} ({column} per {label})"
    return ToolOutput(shown, {"column": column, "label": label, "values": values, "text": shown})


def _which_row(word: str, column: str, table: Table, label: str | None) -> TableError:
    held = list(dict.fromkeys(str(row.get(label, "")) for row in table.rows)) if label else []
    more = len(held) - _SHOWN_VALUES
    listed = joined(held[:_SHOWN_VALUES] + ([f"{more} more"] if more > 0 else [])) if held else ""
    error = TableError(
        f"{word!r} names no row of the table, which has {len(table.rows)} rows"
        + (f": the {label} column holds {listed}" if listed else ""),
        hint=f"ask the {column} of one row by name"
        + (f", e.g. 'the {column} of {held[0]}'" if held else "")
        + f", or of each row ('the {column} of each row')",
    )
    error.conclusive = True  # the table was read: another collaborator could only guess which row
    return error


def asked_field(question: str, named: list[tuple[int, int, str]], conditions: list[Any]) -> str | None:
    """The one column a "what is the X of ..." question asks of the rows its conditions keep."""
    asked = {name for _, _, name in named} - {column for column, _, _ in conditions}
    return asked.pop() if conditions and len(asked) == 1 and ASKS_A_FIELD.match(question) else None


def field_values(column: str, rows: list[dict[str, Any]], where: str) -> ToolOutput:
    values = [show_value(row.get(column)) for row in rows]
    shown = f"{joined(values) if values else 'no rows'} ({column}{where})"
    return ToolOutput(shown, {"column": column, "values": [row.get(column) for row in rows], "text": shown})


def absent_row(question: str, table: Table, named: list[tuple[int, int, str]]) -> None:
    """Raise when a "what is the X of Y" question names a row no cell holds: no other collaborator can
    know kiwi's price from this table, and a count of all the rows answers nothing asked."""
    if not ASKS_A_FIELD.match(question):
        return
    # Their names, and the values the table holds, as a question may write them: "the fruits", "apples".
    known = {str(value).lower() for row in table.rows for value in row.values()} | {c.lower() for c in table.columns}
    for _, end, column in named:
        match = _OF_ROW.match(question[end:])
        raw = next((g for g in match.groups() if g is not None), "") if match is not None else ""
        singular = re.sub(r"(?<=[a-z])e?s$", "", raw.lower())
        if (
            not raw
            or raw.lower() in _NO_ROW | known
            or known & {singular, f"{singular}e"}
            or cell_number(raw) is not None
        ):
            continue
        numeric = [c for c in table.columns if any(cell_number(r.get(c)) is not None for r in table.rows)]
        label = next((c for c in table.columns if c not in numeric and c != column), None)
        held = list(dict.fromkeys(str(row.get(label, "")) for row in table.rows)) if label else []
        more = len(held) - _SHOWN_VALUES
        listed = joined(held[:_SHOWN_VALUES] + ([f"{more} more"] if more > 0 else [])) if held else ""
        error = TableError(
            f"no row has {raw!r}, so it has no {column}" + (f": the {label} column holds {listed}" if listed else ""),
            hint=f"check the spelling, or ask the {column} of a row the table has",
        )
        error.conclusive = True  # the table was read: another collaborator could only guess the answer
        raise error
