"""Questions over tabular data: CSV, JSON (records or one object) and labelled lines such as a
receipt's ("Total 45.90"). "How many rows have a price over 20?", "What is the average rating?",
"What is the total amount where region is North?", "Which city has the highest population?",
"What is the total on this receipt?", "What is server.port?".

The question is read against the data's own column names: a column is named by its header words
(``unit_price`` is "unit price"), a comparison with a number filters the rows on the column it tells
("older than 30", "a price under 5": ``comparisons``), a condition by a comparison word after a
column ("is", "equals"), an aggregate by its usual words (count, sum/total, average, highest,
lowest); "who", "which" and "list" ask for the rows themselves ("Ann, Bob and Di (3 rows where age >
30)"). The table itself is read by ``tableread``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import Field

from agentnet.collaborators import groups
from agentnet.collaborators.comparisons import Comparison, comparisons
from agentnet.collaborators.mathtext import AGGREGATES, aggregate
from agentnet.collaborators.superlatives import Ranking, ranking, unknown_column
from agentnet.collaborators.tablefields import asked_of_rows, joined, show_value
from agentnet.collaborators.tableread import Table, TableError, cell_number, no_table, read_table
from agentnet.nodes.outputs import ToolOutput

_COMPARE = [
    (">=", r"at\s+least|no\s+less\s+than|>=|or\s+more"),
    ("<=", r"at\s+most|no\s+more\s+than|<=|or\s+less"),
    ("!=", r"is\s+not|isn't|not\s+equal\s+to|!=|other\s+than"),
    (">", r"exceeds?|exceeding|over|above|greater\s+than|more\s+than|higher\s+than|larger\s+than|bigger\s+than|>"),
    ("<", r"below|under|less\s+than|lower\s+than|smaller\s+than|fewer\s+than|<"),
    ("==", r"equals?|equal\s+to|is|=|=="),
    ("of", r"are|of"),  # "==" only before a number or one of the column's values: not "age of people"
]
_VALUE = re.compile(r"\s*(?:\"([^\"]+)\"|'([^']+)'|(-?\d[\d,]*(?:\.\d+)?)|([A-Za-z][\w-]*))")


def _norm(text: str) -> str:
    """Lower case, '_' and '.' between words as spaces: same length as ``text``, so offsets match."""
    return re.sub(r"(?<=[a-z0-9])[._](?=[a-z0-9])", " ", text.lower().replace("_", " "))


def _aliases(names: list[str]) -> dict[str, str]:
    """How a question may name each column: all its words, or one of its words no other column has."""
    aliases = {" ".join(_norm(name).split()): name for name in names}
    counts: dict[str, list[str]] = {}
    for name in names:
        for word in set(_norm(name).split()):
            if len(word) >= 3 and not word.isdigit():
                counts.setdefault(word, []).append(name)
    for word, owners in counts.items():
        if len(owners) == 1:
            aliases.setdefault(word, owners[0])
    return {alias: name for alias, name in aliases.items() if alias}


def mentions(question: str, names: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, name) of each name the question mentions (as words; a plural 's' allowed)."""
    text = _norm(question)
    found: list[tuple[int, int, str]] = []
    for alias, name in sorted(_aliases(names).items(), key=lambda item: -len(item[0])):
        pattern = r"\s+".join(re.escape(word) for word in alias.split())
        for match in re.finditer(rf"\b{pattern}(?:e?s)?\b", text):
            if not any(match.start() < end and match.end() > start for start, end, _ in found):
                found.append((match.start(), match.end(), name))
    return sorted(found)


def _condition(question: str, table: Table, used: list[tuple[int, int, str]]) -> tuple[str, str, Any] | None:
    """The first comparison the question makes on a column it names: the column mentioned last before
    the comparison word (at most two words before it), and the value after it."""
    text = _norm(question)
    for _, end, column in used:
        later = [start for start, _, _ in used if start >= end]
        rest = text[end : min(later, default=len(text))]
        for op, words in _COMPARE:
            match = re.match(rf"\s*(?:[a-z]+\s+){{0,2}}?(?:{words})(?![a-z])", rest)
            if match is None:
                continue
            value = _VALUE.match(question[end + match.end() :])
            raw = next((g for g in value.groups() if g is not None), "") if value is not None else ""
            # "which item is the cheapest": "is the" is no condition on the item column.
            if raw and raw.lower() not in ("the", "a", "an") and (op != "of" or _holds(table, column, raw)):
                number = cell_number(raw)
                return column, "==" if op == "of" else op, number if number is not None else raw
    return _cell_named(question, table)


def _holds(table: Table, column: str, raw: str) -> bool:
    """Whether ``raw`` is a number or one of ``column``'s values."""
    if cell_number(raw) is not None:
        return True
    return any(str(row.get(column, "")).strip().lower() == raw.lower() for row in table.rows)


def _cell_named(question: str, table: Table) -> tuple[str, str, Any] | None:
    """A text value of some column that the question names ("cities in France"): rows equal to it."""
    text = _norm(question)
    for column in table.columns:
        for row in table.rows:
            cell = row.get(column)
            named = isinstance(cell, str) and len(cell) >= 2 and cell_number(cell) is None
            if named and re.search(rf"\b{re.escape(_norm(str(cell)))}(?:e?s)?\b", text):  # "apples": the apple row
                return column, "==", cell
    return None


def _test(cell: Any, op: str, value: Any) -> bool:
    number = cell_number(cell)
    if isinstance(value, float) and number is not None:
        return {">": number > value, ">=": number >= value, "<": number < value, "<=": number <= value,
                "==": number == value, "!=": number != value}[op]  # fmt: skip
    equal = str(cell).strip().lower() == str(value).strip().lower()
    return equal if op == "==" else (not equal if op == "!=" else False)


def _lookup(question: str, table: Table) -> ToolOutput | None:
    named = mentions(question, list(table.fields))
    if not named:
        return None
    field = named[0][2]
    value = table.fields[field]
    shown = show_value(value)
    return ToolOutput(f"{shown} ({field})", {"field": field, "value": _plain(value), "text": f"{shown} ({field})"})


def _plain(value: Any) -> Any:
    return float(value) if hasattr(value, "is_finite") else value


def query_table(
    data: Annotated[
        str,
        Field(description="The table: CSV with a header row, JSON, or 'label value' lines",
              json_schema_extra={"x-agentnet": "input"}),
    ],
    question: Annotated[
        str,
        Field(description="What to find: a count of rows matching a condition, a sum, an average, the highest "
              "or lowest, or a field's value", json_schema_extra={"x-agentnet": "request"}),
    ],
) -> ToolOutput:  # fmt: skip
    """Answer a question over a table: counts, lists, sums, averages, extremes, filtered by conditions."""
    table = read_table(data)
    if not table.rows:
        if data.strip() == question.strip():
            raise no_table()  # no table was handed over: the request's own words are no header
        return _no_rows(question, table)
    numeric = [c for c in table.columns if any(cell_number(r.get(c)) is not None for r in table.rows)]
    compared = _comparisons(question, table, numeric)
    # The comparisons read, their words are no aggregate ("at least" is no "least", "more than" no "most").
    rest = _blanked(question, compared)
    op = aggregate(rest)
    # One record (an object, a receipt): "the total", "the tax" name its fields.
    if table.fields and op in (None, "sum") and not compared and (found := _lookup(question, table)) is not None:
        return found
    named = mentions(rest, table.columns)
    conditions = [(c.column, c.op, c.value) for c in compared if c.column is not None]
    kept = [r for r in table.rows if all(_test(r.get(column), o, value) for column, o, value in conditions)]
    if (per_group := groups.answer(rest, table, kept, named, numeric, op)) is not None:
        return per_group  # "how many people live in each city", "which city has the most people"
    if (other := _condition(rest, table, named)) is not None:
        conditions.append(other)
    rows = [r for r in table.rows if all(_test(r.get(column), o, value) for column, o, value in conditions)]
    where = " where " + " and ".join(f"{c} {o} {show_value(v)}" for c, o, v in conditions) if conditions else ""
    if (ranked := ranking(rest, numeric)) is not None and op in (None, "max", "min"):
        return _ranked(ranked, rest, table, rows, named, numeric, where)
    if op is None and (asked := asked_of_rows(rest, table, named, conditions, rows, where)) is not None:
        return asked  # "What is the price of cherry?": 4.75, not "1 row"
    if op is None and _LISTING.search(rest):
        return listed(table, rows, numeric, where)
    if op in (None, "count"):
        shown = f"{len(rows)} {_rows(len(rows))}{where}"
        counted = {"count": len(rows), "condition": conditions[0] if conditions else None, "conditions": conditions}
        return ToolOutput(shown, {**counted, "text": shown})
    return _numeric(op, rest, table, rows, named, conditions[0] if conditions else None, where)


def _no_rows(question: str, table: Table) -> ToolOutput:
    """A table without rows (an empty file, a header alone): a count is 0; anything else has no answer,
    and no other collaborator should make one up from the header's words."""
    what = f"only its header row ({', '.join(table.columns)})" if table.columns else "no data (it is empty)"
    if aggregate(question) == "count":
        shown = f"0 rows (the table has {what})"
        return ToolOutput(shown, {"count": 0, "condition": None, "conditions": [], "text": shown})
    error = TableError(
        f"the table has {what}: there are no rows to answer from",
        hint="check that this is the file you meant, or add its rows",
    )
    error.conclusive = True  # the table was read: another collaborator could only guess the answer
    raise error


# A question for the rows themselves: "who is older than 30", "which items cost less than 5".
_LISTING = re.compile(r"^\s*(?:who|which|list|show|name|give|find)\b|\brows?\s+(?:where|with|whose)\b|\bnames?\s+of\b",
                      re.IGNORECASE)  # fmt: skip
_SHOWN_ROWS = 20


def _rows(count: int) -> str:
    return "row" if count == 1 else "rows"


def listed(table: Table, rows: list[dict[str, Any]], numeric: list[str], where: str) -> ToolOutput:
    """The rows by their label (the first text column): "Ann, Bob and Di (3 rows where age > 30)"."""
    label = next((c for c in table.columns if c not in numeric), table.columns[0])
    names = [str(row.get(label, "")) for row in rows]
    if not names:
        shown = f"no rows{where}"
    else:
        more = len(names) - _SHOWN_ROWS
        first = names[:_SHOWN_ROWS] + ([f"{more} more"] if more > 0 else [])
        shown = f"{joined(first)} ({len(rows)} {_rows(len(rows))}{where})"
    return ToolOutput(shown, {"count": len(rows), "rows": rows, "text": shown})


def _comparisons(question: str, table: Table, numeric: list[str]) -> list[Comparison]:
    """The question's comparisons with numbers, each on a column it tells; else an error naming the columns."""
    found = comparisons(question.lower(), mentions(question, table.columns), numeric)
    for comparison in found:
        if comparison.column is None:
            error = TableError(
                f"cannot tell which column {comparison.words!r} compares: the table's columns are "
                f"{', '.join(table.columns)}",
                hint=f"name the column, e.g. 'rows where {(numeric or table.columns)[-1]} is {comparison.words}'",
            )
            error.conclusive = True  # the table was read: another collaborator could only guess the answer
            raise error
    return found


def _blanked(question: str, found: list[Comparison]) -> str:
    """The question with each comparison blanked out, offsets kept. Not as spaces: "price is under 5 in
    shop.csv" would read as "price is in"; a NUL is no word, no value and no space."""
    for comparison in found:
        start, end = comparison.span
        question = question[:start] + "\0" * (end - start) + question[end:]
    return question


_GENERIC = frozenset(
    [
        "value",
        "values",
        "number",
        "numbers",
        "amount",
        "amounts",
        "row",
        "rows",
        "one",
        "ones",
        "item",
        "items",
        "entry",
        "entries",
        "record",
        "records",
    ]
)


def _absent_column(question: str, op: str) -> str | None:
    """The word a question aggregates that names no column ("the average price in people.json" of a
    table without prices, which once answered the mean of its one numeric column, age): the word
    right after the aggregate's, before "in", "of", "for", "per", "across" or the end."""
    pattern = next(words for name, words in AGGREGATES if name == op)
    for match in re.finditer(pattern, question.lower()):
        after = re.match(r"\s+(?:the\s+)?([a-z]+)\s*(?:\b(?:in|of|for|per|across|among)\b|[?.!]?\s*$)",
                         question.lower()[match.end() :])  # fmt: skip
        if after is not None and after.group(1) not in _GENERIC:
            return after.group(1)
    return None


def _numeric(
    op: str,
    question: str,
    table: Table,
    rows: list[dict[str, Any]],
    named: list[tuple[int, int, str]],
    condition: tuple[str, str, Any] | None,
    where: str,
) -> ToolOutput:
    numeric = [c for c in table.columns if any(cell_number(r.get(c)) is not None for r in table.rows)]
    candidates = [name for _, _, name in named if name in numeric]
    # Label/value lines (a receipt, a budget) name no columns: "the highest price" of them is their value.
    lines = table.columns == ["label", "value"]
    if not candidates and not lines and (absent := _absent_column(question, op)) is not None:
        error = TableError(
            f"the table has no column {absent!r}: its columns are {', '.join(table.columns)}",
            hint="name one of its columns",
        )
        error.conclusive = True  # the table was read: another collaborator could only guess the answer
        raise error
    fallback = candidates or numeric
    column = next((c for c in candidates if not condition or c != condition[0]), fallback[0] if fallback else None)
    if column is None:
        error = TableError("no numeric column to aggregate", hint="name the column to add up or compare")
        error.conclusive = True  # the table was read: another collaborator could only guess the answer
        raise error
    values = [(n, r) for r in rows if (n := cell_number(r.get(column))) is not None]
    if not values:
        raise _no_numbers(where, column)
    if op in ("max", "min"):
        return _extreme(op, column, table, values, named, numeric)
    numbers = [n for n, _ in values]
    result = sum(numbers) if op == "sum" else sum(numbers) / len(numbers)
    shown = f"{show_value(round(result, 10))} ({op} of {column}{where})"
    return ToolOutput(shown, {"op": op, "column": column, "value": result, "rows": len(numbers), "text": shown})


def _extreme(
    op: str,
    column: str,
    table: Table,
    values: list[tuple[float, dict[str, Any]]],
    named: list[tuple[int, int, str]],
    numeric: list[str],
) -> ToolOutput:
    """The rows with the highest or lowest value of ``column``, shown by their label (a text column):
    every row tied for it ("Ann and Bob (both max age: 41)"), not the first of them as though alone."""
    number, row = (max if op == "max" else min)(values, key=lambda pair: pair[0])
    tied = [other for value, other in values if value == number]
    label = next((name for _, _, name in named if name != column and name in row), None)
    label = label or next((c for c in table.columns if c not in numeric), None)
    measure = f"{op} {column}: {show_value(number)}"
    if label is None:
        shown = f"{show_value(number)} ({op} {column})"
    elif len(tied) == 1:
        shown = f"{row[label]} ({measure})"
    else:
        names = [str(other.get(label, "")) for other in tied]
        more = len(names) - _SHOWN_ROWS
        shown = f"{joined(names[:_SHOWN_ROWS] + ([f'{more} more'] if more > 0 else []))} "
        shown += f"({'both' if len(tied) == 2 else f'all {len(tied)}'} {measure})"
    return ToolOutput(shown, {"op": op, "column": column, "value": number, "row": row, "rows": tied, "text": shown})


def _ranked(
    ranked: Ranking,
    question: str,
    table: Table,
    rows: list[dict[str, Any]],
    named: list[tuple[int, int, str]],
    numeric: list[str],
    where: str,
) -> ToolOutput:
    """ "Who is the oldest", "which item is the cheapest": the row ranked first on the column the
    word compares (or the numeric column the question names); "who is older, Ann or Bob" ranks the
    rows it names."""
    column = ranked.column or next((name for _, _, name in named if name in numeric), None)
    if column is None:
        message, hint = unknown_column(ranked, table.columns, numeric)
        error = TableError(message, hint=hint)
        error.conclusive = True  # the table was read: another collaborator could only guess the answer
        raise error
    among = _rows_named(question, table, numeric) if ranked.comparative else []
    values = [(n, r) for r in (among if len(among) >= 2 else rows) if (n := cell_number(r.get(column))) is not None]
    if not values:
        raise _no_numbers(where, column)
    return _extreme(ranked.op, column, table, values, named, numeric)


def _rows_named(question: str, table: Table, numeric: list[str]) -> list[dict[str, Any]]:
    """The rows one of whose text cells the question names ("Ann or Bob")."""
    text = _norm(question)
    return [
        row for row in table.rows
        if any(c not in numeric and len(str(row.get(c) or "")) >= 2
               and re.search(rf"\b{re.escape(_norm(str(row.get(c))))}\b", text) for c in table.columns)
    ]  # fmt: skip


def _no_numbers(where: str, column: str) -> TableError:
    error = TableError(f"no row{where} has a number in column {column!r}")
    error.conclusive = True  # the table was read: another collaborator could only guess the answer
    return error
