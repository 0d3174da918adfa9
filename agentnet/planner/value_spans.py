"""The kinds of value a request holds (a URL, a date, a number, a name, ...) and how to read them.

``values`` fills API parameters with them: ``kinds_of`` says which kinds a parameter takes, from its
type, name and description; ``spans`` reads each kind's values from a text, most specific form first.
"""

from __future__ import annotations

import re

from agentnet.planner import money, sentences, timezones
from agentnet.planner.extract import _FILE, _QUOTED, _URL

_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_MONTHS = "january february march april may june july august september october november december".split()  # noqa: SIM905
# "May 1st, 2023": the year belongs to the date (an API wants it, and ISO form needs it).
_YEAR = r"(?:,?\s+\d{4}\b)?"
# The forms each kind of value takes in a request, most specific first.
SPANS: dict[str, re.Pattern[str]] = {
    "url": _URL,
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "file": _FILE,
    "time": re.compile(r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b|\b\d{1,2}:\d{2}\b|\bnoon\b|\bmidnight\b", re.IGNORECASE),
    "date": re.compile(
        rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b(?:next\s+|this\s+)?(?:{_WEEKDAY}|week|weekend|month)\b"
        rf"|\b(?:today|tomorrow|tonight|yesterday)\b|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b{_YEAR}"
        rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}{_YEAR}",
        re.IGNORECASE,
    ),
    "year": re.compile(r"\b(?:1[89]|2[01])\d{2}\b"),
    "phone": re.compile(r"(?<![\w-])\+?\d[\d ().-]{5,}\d(?![\w-])"),
    "number": re.compile(money.NUMBER),
    "quoted": _QUOTED,
    # A name's words are capitalised; a full stop after a long word ends the sentence ("in New York.
    # Can you"), one after a short one is an abbreviation ("Dr. Smith"); a house number belongs to
    # the street it opens ("123 Main St").
    "name": re.compile(
        r"(?<=[\s(,#@])(?:\d+\s+(?=[A-Z]))?(?:[A-Z](?:[\w'&.-]{0,2}\.|[\w'&-]*)|#[\w-]+)(?:\s+[A-Z](?:[\w'&.-]{0,2}\.|[\w'&-]*))*"
    ),
}
# Capitalised words that are not names: "I", a contraction ("I'll", "We're"), a month or a weekday
# ("at the Hilton Hotel for December 10th" names one place).
_NOT_NAME = re.compile(
    rf"^(?:(?:I|\w+'(?:ll|ve|m|d|re)|{_WEEKDAY}|{'|'.join(_MONTHS)})(?:\s+|$))+",
    re.IGNORECASE,
)
# Words of a parameter's name or description that say which kind of value it takes.
_WANTS: dict[str, frozenset[str]] = {
    "url": frozenset(["url", "link", "website", "uri", "webpage", "href"]),
    # Before "time" and "name": "timezone" is neither a clock time nor a place's name ("Asia/Tokyo").
    "timezone": frozenset(["timezone", "timezones", "tz", "zone"]),
    "email": frozenset(["email", "e-mail", "mail"]),
    "file": frozenset(["file", "path", "filename", "attachment"]),
    "time": frozenset(["time", "hour", "clock"]),
    "date": frozenset(["date", "day", "when", "deadline", "due"]),
    "year": frozenset(["year"]),
    "phone": frozenset(["phone", "mobile", "telephone"]),
    # An amount of money keeps its currency ("1200.50 USD"); one without is a number (money.py).
    "money": frozenset(["amount", "price", "cost", "fee", "budget", "salary", "payment", "fare", "total"]),
    "currency": frozenset(["currency", "currencies"]),
    "number": frozenset(
        ["number", "amount", "count", "quantity", "minutes", "hours", "seconds", "price", "temperature", "degrees"]
    ),
    "quoted": frozenset(["text", "message", "body", "content", "note", "words", "sentence"]),
    "name": frozenset(
        [
            "name",
            "person",
            "contact",
            "recipient",
            "client",
            "city",
            "place",
            "company",
            "channel",
            "restaurant",
            "location",
            "origin",
            "destination",
        ]
    ),
}
NUMERIC_TYPES = {"number", "integer", "int", "float", "double"}


def kinds_of(parameter: dict[str, str]) -> list[str]:
    """The kinds of value a parameter takes, most likely first: from its type, its name, then its
    description ("phone", described as "the number or contact": a phone number, else a name). Not
    from a value the description quotes: the calculator's context, "Data ... its labelled values
    ('Total 45.90') can be named", read as an amount of money, took "4" of "multiply that by 4" in
    place of the count an earlier step handed it."""
    kinds = ["number"] if str(parameter.get("type", "")).lower() in NUMERIC_TYPES else []
    name_words = set(re.findall(r"[a-z]+", str(parameter.get("name", "")).lower().replace("_", " ")))
    desc = _QUOTED.sub(" ", str(parameter.get("desc", parameter.get("description", ""))))
    desc_words = set(re.findall(r"[a-z]+", desc.lower()))
    for words in (name_words, desc_words):
        kinds += [kind for kind, wanted in _WANTS.items() if words & wanted and kind not in kinds]
    return [_directed(kind, name_words, desc_words) for kind in kinds]


_DIRECTIONS = {"currency_to": {"to", "target", "into"}, "currency_from": {"from", "source", "base"}}


def _directed(kind: str, *texts: set[str]) -> str:
    """A currency converted from ("from_currency", "the base currency") or to ("to_currency",
    "the target currency"), by the name, else the description, when it says one of the two: "convert
    it to euros" names only the currency converted to."""
    for words in texts if kind == "currency" else ():
        said = [directed for directed, wanted in _DIRECTIONS.items() if words & wanted]
        if len(said) == 1:
            return said[0]
    return kind


# "The platform to order the taxi at, eg. Uber, Didi etc.": the description's examples.
_EXAMPLES = re.compile(r"\b(?:e\.?g\.?|for example|such as)[,:]?\s+(.+?)(?:,?\s+etc\.?)?\s*$", re.IGNORECASE)
_OPTIONS = re.compile(r"[a-z]+(?:(?:,\s*|,?\s+or\s+)[a-z]+)+")
_SUFFIXES = r"(?:s|es|ing|ed|ation|ations|er|ers)?"


def examples_of(parameter: dict[str, str]) -> list[str]:
    """The values a parameter's description gives as examples, longest first."""
    desc = str(parameter.get("desc", parameter.get("description", ""))).strip()
    found = _EXAMPLES.search(desc)
    # A description that is nothing but a list of options ("driving, walking, transit or cycling").
    listed = _OPTIONS.fullmatch(desc)
    text = found.group(1) if found else desc if listed else ""
    items = re.split(r",|\bor\b|\band\b", text) if text else []
    return sorted({item.strip(" .") for item in items if item.strip(" .")}, key=len, reverse=True)


def named_example(examples: list[str], texts: list[str]) -> str | None:
    """The first example a text names, as a word or a form of it ("buying" names "buy", "installation"
    "install"): a free-text parameter whose description lists examples takes one, not the clause."""
    for where in texts:
        for example in examples:
            *head, last = example.lower().split()
            stem = last[:-1] if last.endswith("e") and len(last) > 3 else last
            words = [re.escape(w) for w in head] + [rf"{re.escape(stem)}(?:e|{re.escape(stem[-1])})?{_SUFFIXES}"]
            if len(last) >= 2 and re.search(r"\b" + r"\s+".join(words) + r"\b", where, re.IGNORECASE):
                return example
    return None


# Kinds read by their own module, not by one pattern.
_READERS = {
    "timezone": timezones.zones,
    "money": money.amounts,
    "currency": money.currencies,
    "currency_from": lambda text: money.currencies(text, "from"),
    "currency_to": lambda text: money.currencies(text, "to"),
}


def spans(text: str, kind: str) -> list[str]:
    if kind in _READERS:
        return _READERS[kind](text)
    found = list(SPANS[kind].finditer(text))
    if kind == "name":
        found = [m for m in found if not _sentence_word(text, m)]
    # A quoted passage is kept as written, its own full stop included; other spans lose the sentence's.
    values = [m.group("body").strip() if kind == "quoted" else _within_sentence(text, m) for m in found]
    if kind == "name":
        values = [
            _POSSESSIVE.sub("", value) if _owns(text, m) else value for value, m in zip(values, found, strict=True)
        ]
        # "for 25 USD": a house number and a capitalised word, but an amount, not a place.
        values = [_NOT_NAME.sub("", value) for value in values if not money.is_money(value)]
    return [value for value in values if value]


_POSSESSIVE = re.compile(r"'s$")
_OWNED = re.compile(r"\s+(?!(?:on|at|in|for|to|and|or|with|by|from|this|next|today|tonight|tomorrow)\b)[a-z]")


def _owns(text: str, match: re.Match[str]) -> bool:
    """ "Marco's number" names Marco (what follows is his); "at Luigi's on Friday" names Luigi's."""
    return match.group(0).endswith("'s") and _OWNED.match(text, match.end()) is not None


def _sentence_word(text: str, match: re.Match[str]) -> bool:
    """One capitalised word opening a sentence ("Can you ...", "Also, ...") is capitalised for the
    sentence, not for a name; one after an abbreviation ("Arsenal vs. Chelsea") is a name."""
    return " " not in match.group(0).strip() and sentences.opens(text, match.start())


def _within_sentence(text: str, match: re.Match[str]) -> str:
    """A span up to the end of its sentence: a name's words run on across a short word's full stop
    ("Dr. Smith"), but not into the next sentence ("at 123 Main St. Can you ..." names "123 Main St")."""
    end = min(sentences.boundaries(text, match.start(), match.end()), default=match.end())
    return text[match.start() : end].strip(" .,;:!?")


_DATE_PARTS = re.compile(
    r"(?:(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]+)\.?|([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?),?\s+(\d{4})"
)


def iso_date(value: str) -> str | None:
    """The ISO form of "May 1st, 2023" or "1st of May 2023" as 2023-05-01, for a parameter typed ``date`` (an API
    takes ISO dates); None for a date without a year ("May 1st" names no day an API can take)."""
    parts = _DATE_PARTS.fullmatch(value.strip().lower())
    if parts is None:
        return None
    day, month = (parts[1], parts[2]) if parts[1] else (parts[4], parts[3])
    number = next((i + 1 for i, name in enumerate(_MONTHS) if len(month) >= 3 and name.startswith(month)), None)
    if number is None or not 1 <= int(day) <= 31:
        return None
    return f"{parts[5]}-{number:02d}-{int(day):02d}"
