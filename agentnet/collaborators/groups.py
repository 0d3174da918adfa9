"""A table's rows counted, added up or averaged per value of a column: "How many people live in each
city?", "How many rows per city?", "the average age by city", "Which city has the most people?", "the
most common city".

The table tool read no group in these: "how many rows per city" was answered with all the rows ("6
rows"), and "which city has the most people" was refused for a column "people" the table lacks. A
group is a column named after "per", "each", "by" or "for every", or asked for by "which COLUMN has
the most (or fewest) ...", "the most common COLUMN".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from agentnet.collaborators.tableread import Table, cell_number
from agentnet.nodes.outputs import ToolOutput

# The words before a column that make it the group: "per city", "in each city", "grouped by city".
_PER = re.compile(r"\b(?:per|each|every|by|grouped\s+by|broken\s+down\s+by)\s+(?:the\s+)?$", re.IGNORECASE)
# "Which city has the most people", "what city appears most often", "which city is the most common"; not
# "which item is the most expensive", a ranking by a number column.
_WHICH = re.compile(r"\b(?:which|what)\s+(?:the\s+)?$", re.IGNORECASE)
# The file may be named between ("Which city in people.csv has the most people?" was refused: no column "people").
_MOST_AFTER = re.compile(
    r"^(?:\s+(?:in|of|from)\s+[\w./-]+\.[a-z]\w*)?\s+(?:(?:has|have|had)\s+(?:the\s+)?(?P<which>most|fewest|least|highest\s+number\s+of|lowest\s+number\s+of)"
    r"\b(?P<rest>\s+[a-z]+)?|(?:appears|occurs|comes\s+up|shows\s+up)\s+(?P<often>most|least)\b"
    r"|is\s+(?:the\s+)?(?P<common>most|least)\s+(?:common|frequent)\b)",
    re.IGNORECASE,
)
# "the most common city", "the least frequent city".
_COMMON_BEFORE = re.compile(
    r"\b(?P<which>most|least)\s+(?:common|frequent|popular|often\s+(?:seen|listed))\s+$", re.IGNORECASE
)
# "Which region has the highest total revenue": the groups ranked by their sums. It was read as the
# highest revenue of one row ("south (max revenue: 250)" where north's three rows made 300).
_TOTAL_AFTER = re.compile(
    r"^(?:\s+(?:in|of|from)\s+[\w./-]+\.[a-z]\w*)?\s+(?:has|have|had|made|makes|earned|earns|got|gets)\s+"
    r"(?:the\s+)?(?P<which>highest|largest|biggest|greatest|most|lowest|smallest|least)\s+"
    r"(?:total|combined|overall|summed)\b",
    re.IGNORECASE,
)
_SHOWN = 20
# "Sort the rows by city" orders them: no group.
_SORTED = re.compile(r"\b(?:sort|sorted|order|ordered|rank|ranked|arrange|arranged)\b", re.IGNORECASE)


def answer(question: str, table: Table, rows: list[dict[str, Any]], named: list[tuple[int, int, str]],
           numeric: list[str], op: str | None) -> ToolOutput | None:  # fmt: skip
    """The per-group answer ``question`` asks of ``rows``, or None when it names no group. ``named``
    are the columns it mentions (start, end, name), ``op`` the aggregate it names."""
    lowered = question.lower()
    for start, end, column in named:
        before, after = lowered[:start], lowered[end:]
        if (per := _PER.search(before)) is not None and not (
            per.group(0).lower().startswith("by") and _SORTED.search(lowered)
        ):
            return _per_group(column, rows, named, numeric, op)
        if _WHICH.search(before) and (total := _top_total(after, column, rows, named, numeric, end)) is not None:
            return total
        most = _MOST_AFTER.match(after) if _WHICH.search(before) else None
        # "which city has the most people": a word after "most" that names a number column ("the most
        # sales") ranks by that column's values, which the ranking reads (not a count).
        if most is not None and not _names_a_number(most.group("rest"), named, numeric, end):
            which = most.group("which") or most.group("often") or most.group("common")
            return _top(column, rows, which.lower().startswith(("most", "highest")))
        if (common := _COMMON_BEFORE.search(before)) is not None:
            return _top(column, rows, common.group("which").lower() == "most")
    return None


def _names_a_number(word: str | None, named: list[tuple[int, int, str]], numeric: list[str], after: int) -> bool:
    return bool(word) and any(start > after and column in numeric for start, _, column in named)


def _groups(column: str, rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The rows by their value of ``column``, in the order each value first appears."""
    found: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        value = str(row.get(column, "")).strip()
        if value:
            found.setdefault(value, []).append(row)
    return found


def _per_group(column: str, rows: list[dict[str, Any]], named: list[tuple[int, int, str]], numeric: list[str],
               op: str | None) -> ToolOutput:  # fmt: skip
    """ "Lyon 3, Paris 2, Berlin 1 (rows per city)", or a sum or an average of a number column per group."""
    groups = _groups(column, rows)
    measured = next((name for _, _, name in named if name in numeric and name != column), None)
    if op is None and measured is not None and all(len(members) == 1 for members in groups.values()):
        return _each_value(column, measured, groups)  # "the price of each fruit": not "apple 1, ..."
    if op in ("sum", "mean") and measured is not None:
        results = {value: _aggregate(op, measured, members) for value, members in groups.items()}
        what = f"{'total' if op == 'sum' else 'average'} {measured} per {column}"
    else:
        results = {value: Decimal(len(members)) for value, members in groups.items()}
        what = f"rows per {column}"
    ordered = sorted(results.items(), key=lambda item: -item[1])
    listed = [f"{value} {_show(number)}" for value, number in ordered[:_SHOWN]]
    more = f", {len(ordered) - _SHOWN} more" if len(ordered) > _SHOWN else ""
    shown = f"{', '.join(listed)}{more} ({what})"
    data = {"column": column, "groups": {value: float(number) for value, number in ordered}, "text": shown}
    return ToolOutput(shown, data)


def _each_value(column: str, measured: str, groups: dict[str, list[dict[str, Any]]]) -> ToolOutput:
    """ "apple 1.20, banana 0.50 (price per fruit)": each group's one row's value of ``measured``, in the
    table's order. It counted the rows instead ("apple 1, banana 1 (rows per fruit)")."""
    values = {value: str(members[0].get(measured, "")).strip() for value, members in groups.items()}
    listed = [f"{value} {cell}" for value, cell in list(values.items())[:_SHOWN]]
    more = f", {len(values) - _SHOWN} more" if len(values) > _SHOWN else ""
    shown = f"{', '.join(listed)}{more} ({measured} per {column})"
    return ToolOutput(shown, {"column": column, "measured": measured, "values": values, "text": shown})


def _aggregate(op: str, column: str, rows: list[dict[str, Any]]) -> Decimal:
    numbers = [Decimal(str(n)) for row in rows if (n := cell_number(row.get(column))) is not None]
    if not numbers:
        return Decimal(0)
    total = sum(numbers, Decimal(0))
    return total if op == "sum" else total / len(numbers)


def _top(column: str, rows: list[dict[str, Any]], most: bool) -> ToolOutput:
    """ "Lyon (3 of 6 rows)": the value of ``column`` the most (or fewest) rows have, every tied one."""
    groups = _groups(column, rows)
    if not groups:
        shown = f"no rows have a {column}"
        return ToolOutput(shown, {"column": column, "values": [], "text": shown})
    pick: Callable[..., int] = max if most else min
    count = pick(len(members) for members in groups.values())
    tied = [value for value, members in groups.items() if len(members) == count]
    rows_word = "row" if count == 1 else "rows"
    names = tied[0] if len(tied) == 1 else f"{', '.join(tied[:-1])} and {tied[-1]}"
    each = f"{count} {rows_word} each" if len(tied) > 1 else f"{count} of {len(rows)} rows"
    shown = f"{names} ({each})"
    return ToolOutput(shown, {"column": column, "values": tied, "count": count, "text": shown})


def _top_total(after: str, column: str, rows: list[dict[str, Any]], named: list[tuple[int, int, str]],
               numeric: list[str], end: int) -> ToolOutput | None:  # fmt: skip
    """ "north (max total revenue: 300)": the value of ``column`` whose rows add up to the most (or
    least) of the number column named after it, every tied one; None when the question asks no such thing."""
    asked = _TOTAL_AFTER.match(after)
    measured = next((name for start, _, name in named if start > end and name in numeric and name != column), None)
    if asked is None or measured is None:
        return None
    totals = {value: _aggregate("sum", measured, members) for value, members in _groups(column, rows).items()}
    if not totals:
        return None
    most = asked.group("which").lower() in ("highest", "largest", "biggest", "greatest", "most")
    best = (max if most else min)(totals.values())
    tied = [value for value, total in totals.items() if total == best]
    names = tied[0] if len(tied) == 1 else f"{', '.join(tied[:-1])} and {tied[-1]}"
    shown = f"{names} ({'max' if most else 'min'} total {measured}: {_show(best)})"
    data = {"column": column, "measured": measured, "values": tied, "value": float(best), "text": shown}
    return ToolOutput(shown, data)


def _show(number: Decimal) -> str:
    if number == number.to_integral_value():
        return str(int(number))
    return f"{number.quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
