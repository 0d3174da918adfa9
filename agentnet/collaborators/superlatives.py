"""Which row is the most or least of something: "who is the oldest", "which item is the cheapest",
"the most expensive one", "who is older, Ann or Bob?".

A superlative (or comparative) word names a direction (max or min) and the kind of column it
compares: "oldest" is the highest age (or the earliest birth year), "cheapest" the lowest price.
The table's columns are matched by their words against that kind. Without this, "who is the oldest
in people.json" read as no aggregate at all and answered "3 rows". A word whose column cannot be
told from the table (no such column, none named) is an error naming the columns, not a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PRICE = ("price", "cost", "fee", "fare", "rate", "amount", "value")
_AGE_DATES = ("born", "birth", "birthday", "year", "date", "founded", "since", "established")
_DATES = ("date", "year", "time", "created", "updated", "released", "published", "founded", "established")
_DURATION = ("time", "duration", "seconds", "minutes", "hours")
_WEALTH = ("wealth", "worth", "income", "salary", "revenue", "net")
# (words, op, kinds of column, kinds on which the op flips): "oldest" is the highest age, the lowest year.
_RULES: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = [
    (r"oldest|older|eldest|elder", "max", ("age",), _AGE_DATES),
    (r"youngest|younger", "min", ("age",), _AGE_DATES),
    (r"newest|newer|latest|most\s+recent|more\s+recent", "max", _DATES, ("age",)),
    (r"earliest|earlier", "min", _DATES, ("age",)),
    (r"cheapest|cheaper|least\s+expensive|less\s+expensive|least\s+costly", "min", _PRICE, ()),
    (r"most\s+expensive|more\s+expensive|priciest|pricier|dearest|most\s+costly|costliest", "max", _PRICE, ()),
    (r"tallest|taller", "max", ("height",), ()),
    (r"shortest|shorter", "min", ("height", "length", "duration", "distance"), ()),
    (r"longest|longer", "max", ("length", "duration", "distance", "time"), ()),
    (r"heaviest|heavier", "max", ("weight", "mass"), ()),
    (r"lightest|lighter", "min", ("weight", "mass"), ()),
    (r"fastest|faster|quickest|quicker", "max", ("speed",), _DURATION),
    (r"slowest|slower", "min", ("speed",), _DURATION),
    (r"richest|richer|wealthiest|wealthier", "max", _WEALTH, ()),
    (r"poorest|poorer", "min", _WEALTH, ()),
    (r"most\s+populous|most\s+populated|more\s+populous", "max", ("population", "inhabitants", "residents"), ()),
    (r"least\s+populous|less\s+populous", "min", ("population", "inhabitants", "residents"), ()),
    (r"hottest|hotter|warmest|warmer", "max", ("temperature", "temp"), ()),
    (r"coldest|colder|coolest|cooler", "min", ("temperature", "temp"), ()),
    (r"best|better|top\s+rated|highest\s+rated", "max", ("score", "rating", "points", "grade", "stars"), ()),
    (r"worst|worse|lowest\s+rated", "min", ("score", "rating", "points", "grade", "stars"), ()),
    (r"nearest|nearer|closest|closer", "min", ("distance",), ()),
    (r"farthest|furthest|farther|further\s+away", "max", ("distance",), ()),
]


@dataclass(frozen=True)
class Ranking:
    op: str  # "max" or "min"
    column: str | None  # the column the word compares, when the table has one of its kind
    word: str  # as the question wrote it
    comparative: bool  # "older", "cheaper": between the rows the question names


def _words(name: str) -> set[str]:
    return {w.rstrip("s") if len(w) > 3 else w for w in re.split(r"[^a-z0-9]+", name.lower()) if w}


def _of_kind(columns: list[str], kinds: tuple[str, ...]) -> str | None:
    """The first column (in the kinds' order) one of whose words is one of the kinds."""
    for kind in kinds:
        for column in columns:
            if kind in _words(column):
                return column
    return None


def ranking(question: str, numeric: list[str]) -> Ranking | None:
    """The superlative or comparative the question asks about, and the numeric column it compares."""
    lowered = question.lower()
    for words, op, kinds, flipped in _RULES:
        match = re.search(rf"\b(?:{words})\b", lowered)
        if match is None:
            continue
        word = match.group(0)
        if re.match(r"\s+than\b", lowered[match.end() :]):
            return None  # "older than 30" is a condition, not a ranking
        comparative = not re.search(r"est$|^most|^least|rated$", word)
        op, column = _column(op, kinds, flipped, numeric)
        return Ranking(op, column, " ".join(word.split()), comparative)
    return None


def _column(op: str, kinds: tuple[str, ...], flipped: tuple[str, ...], numeric: list[str]) -> tuple[str, str | None]:
    """The op and the column of a word's kind ("older": the highest age, or the lowest birth year)."""
    column = _of_kind(numeric, kinds)
    if column is None and (column := _of_kind(numeric, flipped)) is not None:
        op = "min" if op == "max" else "max"
    return op, column


# Verbs that say which column a comparison after them is on: "items that cost less than 5".
_VERBS: list[tuple[str, tuple[str, ...]]] = [
    (r"costs?|costing|priced(?:\s+at)?|sells?\s+for|sold\s+for", _PRICE),
    (r"aged", ("age",)),
    (r"weighs?|weighing", ("weight", "mass")),
    (r"earns?|earning|makes?|making", _WEALTH),
]
VERBS = "|".join(words for words, _ in _VERBS)


def verb_column(verb: str, numeric: list[str]) -> str | None:
    """The column a verb before a comparison is about ("cost": the price column), if the table has one."""
    kinds = next((kinds for words, kinds in _VERBS if re.fullmatch(words, " ".join(verb.split()))), ())
    return _of_kind(numeric, kinds)


def compared(word: str, numeric: list[str]) -> tuple[str, str | None] | None:
    """What a comparative word before "than" compares ("older than 30": max, the age column), when it
    is one of the words above; the column is None when the table has none of its kind."""
    for words, op, kinds, flipped in _RULES:
        if re.fullmatch(words, " ".join(word.split())):
            return _column(op, kinds, flipped, numeric)
    return None


def unknown_column(ranked: Ranking, columns: list[str], numeric: list[str]) -> tuple[str, str]:
    """(message, hint) when no column is of the word's kind and the question named none: an answer
    from another column would be a guess."""
    example = (numeric or columns)[-1]
    return (
        f"cannot tell which column {ranked.word!r} compares: the table's columns are {', '.join(columns)}",
        f"name the column to compare, e.g. 'which row has the highest {example}'",
    )
