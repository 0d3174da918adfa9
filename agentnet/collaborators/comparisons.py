"""Comparisons with a number in a table question, each a filter on one column: "older than 30", "a
price under 5", "at least 3 in stock", "30 or more", "age > 30", "more expensive than 10".

The column is the one the comparison's own word implies ("older" compares ages, "cheaper" prices:
``superlatives.compared``) or the verb before it ("cost less than 5", "aged 30 or more"), else a
numeric column named right after the number ("4 in stock") or a few words before the comparison
("price is under 5"), else the table's only numeric column. When none of these tells it, the question
is an error naming the columns: counting over a guessed column answers another question. Without
this, "how many people are older than 30" counted every row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agentnet.collaborators.superlatives import VERBS, compared, verb_column

_OR_EQUAL = r"\s+than\s+or\s+equal\s+to"
_BEFORE = [
    (">=", rf"at\s+least|no\s+(?:less|fewer)\s+than|not\s+(?:less|fewer)\s+than|(?:greater|more){_OR_EQUAL}|>=|\u2265"),
    ("<=", rf"at\s+most|no\s+more\s+than|not\s+more\s+than|(?:less|fewer){_OR_EQUAL}|up\s+to|<=|\u2264"),
    (">", r"(?:more|greater|higher|larger|bigger)\s+than|exceed(?:s|ing)?|over|above|>"),
    ("<", r"(?:less|fewer|lower|smaller)\s+than|under|below|<"),
]
_AFTER = [
    (">=", r"or\s+(?:more|over|above|higher|greater|older)|and\s+(?:up|over|above|older)|\+"),
    ("<=", r"or\s+(?:less|fewer|under|below|lower|younger)|and\s+(?:under|below|younger)"),
]
_NUMBER = re.compile(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?(?![\w])")
_MONEY = r"\s*[$\u20ac\u00a3]?\s*"
# "older than", "more expensive than": a comparative word that says which column it compares.
_COMPARATIVE = re.compile(rf"\b((?:more|less)\s+[a-z]+|[a-z]+er)\s+than{_MONEY}$")
# Between a column's name and the comparison: "price is under", "age of people over"; not "and", ",".
_GAP = re.compile(r"^(?:\s+(?!and\b|or\b|but\b)[a-z]+){0,3}\s*$")


@dataclass(frozen=True)
class Comparison:
    op: str  # ">", ">=", "<", "<="
    value: float
    column: str | None  # None when the question does not tell which
    words: str  # as the question wrote it ("older than 30")
    span: tuple[int, int]  # in the question


def comparisons(text: str, mentioned: list[tuple[int, int, str]], numeric: list[str]) -> list[Comparison]:
    """Each comparison with a number in ``text`` (the question in lower case), its column told by the
    rules above; ``mentioned`` are the columns the question names, where (``tables.mentions``)."""
    named = [(start, end, name) for start, end, name in mentioned if name in numeric]
    found = []
    for number in _NUMBER.finditer(text):
        read = _operator(text, number)
        if read is None:
            continue
        op, start, end, word = read
        if word is not None:
            direction, column = compared(word, numeric) or ("max", None)
            op = ">" if direction == "max" else "<"
        else:
            column = _verb(text, start, number.end(), numeric) or _after(text, named, number.end())
            column = column or _before(text, named, start)
            column = column or _only(numeric)
        value = float(number.group(0).replace(",", ""))
        found.append(Comparison(op, value, column, " ".join(text[start:end].split()), (start, end)))
    return found


def _operator(text: str, number: re.Match[str]) -> tuple[str, int, int, str | None] | None:
    """(op, where the comparison starts and ends, its comparative word if it has one: "older")."""
    before = text[: number.start()]
    for op, words in _BEFORE:
        if (match := re.search(rf"(?<![a-z])(?:{words}){_MONEY}$", before)) is not None:
            return op, match.start(), number.end(), None
    if (match := _COMPARATIVE.search(before)) is not None and compared(match.group(1), []) is not None:
        return "", match.start(), number.end(), match.group(1)
    for op, words in _AFTER:
        if (match := re.match(rf"\s*(?:[a-z]+\s+){{0,2}}?(?:{words})(?![a-z])", text[number.end() :])) is not None:
            return op, number.start(), number.end() + match.end(), None
    return None


# After the number, words that say it is an age: "30 years old", "30 years of age", "30 or older".
_AGE_AFTER = re.compile(
    r"\s*(?:(?:or\s+[a-z]+\s+)?years?\s+(?:old|of\s+age)|(?:years?\s+)?(?:or|and)\s+(?:older|younger))\b"
)


def _verb(text: str, start: int, number_end: int, numeric: list[str]) -> str | None:
    """The column a verb right before the comparison is about ("cost less than 5" compares prices), or
    the words after its number ("over 30 years old" compares ages)."""
    if _AGE_AFTER.match(text[number_end:]):
        return verb_column("aged", numeric)
    match = re.search(rf"\b({VERBS})\s*$", text[:start])
    return verb_column(match.group(1), numeric) if match is not None else None


def _after(text: str, named: list[tuple[int, int, str]], number_end: int) -> str | None:
    """A numeric column named right after the number: "more than 4 in stock", "over 30 years"."""
    return next((name for start, _, name in named
                 if start >= number_end and re.fullmatch(r"\s*(?:(?:in|of|on)\s+)?", text[number_end:start])),
                None)  # fmt: skip


def _before(text: str, named: list[tuple[int, int, str]], start: int) -> str | None:
    """The last numeric column named a few words before the comparison: "price is under 5"."""
    return next((name for _, end, name in reversed(named) if end <= start and _GAP.match(text[end:start])), None)


def _only(numeric: list[str]) -> str | None:
    return numeric[0] if len(numeric) == 1 else None
