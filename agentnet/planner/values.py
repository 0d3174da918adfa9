"""Argument values for API-style tools, copied from the request.

``draft.link`` gives a tool's parameters the clause that asked for the step: the right words, not
the value. A value is usually written in the request itself: a quoted passage, a number, a date, a
time, a file name, a URL, an e-mail address, a name. Each parameter gets the span of the kind its
name, description and type ask for (``amount`` a number, ``date`` a date, ``name`` a name, ``message``
a quoted passage), read from its own clause first, then from the whole request; a span serves one
parameter of a step. A parameter no kind fits, or whose kind the request does not contain, keeps
the clause (the executor reads that as "no value": ``nodes.arguments``).
"""

from __future__ import annotations

import re

from agentnet.cards import CapabilityCard
from agentnet.planner import money, sentences, timezones
from agentnet.planner.extract import _FILE, _QUOTED, _URL, QUOTE_PLACEHOLDER, _typed_literal, mask_quotes
from agentnet.planner.plan import Step, StepInput

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
_NUMERIC_TYPES = {"number", "integer", "int", "float", "double"}


def kinds_of(parameter: dict[str, str]) -> list[str]:
    """The kinds of value a parameter takes, most likely first: from its type, its name, then its
    description ("phone", described as "the number or contact": a phone number, else a name). Not
    from a value the description quotes: the calculator's context, "Data ... its labelled values
    ('Total 45.90') can be named", read as an amount of money, took "4" of "multiply that by 4" in
    place of the count an earlier step handed it."""
    kinds = ["number"] if str(parameter.get("type", "")).lower() in _NUMERIC_TYPES else []
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


def fill(steps: list[Step], cards: dict[str, CapabilityCard], text: str) -> None:
    """Give the parameters of API-style steps values from the request ``text`` (in place)."""
    for step in steps:
        card = cards.get(step.capability)
        if card is not None and card.parameters:
            _fill_step(step, card.parameters, text)


def _fill_step(step: Step, parameters: list[dict[str, str]], text: str) -> None:
    """The values of one step's parameters (see ``fill``)."""
    kinds = {p.get("name"): kinds_of(p) for p in parameters}
    _content_reads_upstream(step, kinds)
    _unwire(step, kinds, text)
    by_name = {p.get("name"): p for p in parameters}
    # A handed-over input (a "user" input naming it) is read at run time: never replaced.
    open_items = [
        i
        for i in step.inputs
        if i.name in by_name and (i.kind == "literal" or (i.kind == "user" and i.value == step.instruction))
    ]
    texts = [step.instruction, text]
    # Examples first, so an option a parameter lists ("Uber") is not also taken as another's name.
    chosen = {id(i): named_example(examples_of(by_name[i.name]), texts) for i in open_items}
    used = {value for value in chosen.values() if value}
    untyped = [by_name[i.name] for i in open_items if not kinds[i.name] and not chosen[id(i)]]
    quoted, held = _clause_quotes(step.instruction, text, untyped) if untyped else ({}, set())
    for item in open_items:
        value = (
            chosen[id(item)]
            or _value(kinds[item.name], item.value, texts, used, str(item.name or ""))
            or _said(kinds[item.name], step)
        )
        # A parameter no kind fits ("the document to print", "the book to borrow") takes a file or
        # the quoted passage its own clause names.
        if value is None and not kinds[item.name]:
            value = _value(["file"], item.value, texts[:1], used) or quoted.get(str(item.name))
            value = None if value in used else value
            if value is None and item.value in held:  # another parameter's passage: no value here
                item.value = step.instruction
        if value is None:
            continue
        used.add(value)
        item.value = _as_typed(value, str(by_name[item.name].get("type", "")).lower())


def _as_typed(value: str, typed: str) -> str:
    """A value as its parameter's type writes it: a date in ISO form when it has a year, a number
    without thousands separators ("1,200.50" -> "1200.50")."""
    if typed == "date":
        return iso_date(value) or value
    return money.plain_number(value) if typed in _NUMERIC_TYPES else value


def _clause_quotes(clause: str, text: str, parameters: list[dict[str, str]]) -> tuple[dict[str, str], set[str]]:
    """The quoted passages a clause stands for, given to the parameters no kind fits: clauses are cut
    from the request with quoted passages masked ("borrow the quoted text from the library"), the k-th
    placeholder being the k-th passage. A passage goes to the parameter a word next to it names ("in
    the directory 'scratch'", "the 'scratch' folder"), and those named for none to the parameters
    left, in order: find_files(pattern, directory) gave "scratch" to the pattern, the first
    parameter, for "in the directory 'scratch'". Also the passages the clause holds:
    ``draft.link`` hands a quoted passage to the first parameter, which keeps it only when it is its."""
    masked = mask_quotes(text)
    start = masked.find(clause)
    if QUOTE_PLACEHOLDER not in clause or start < 0:
        return {}, set()
    passages = [m.group("body").strip() for m in _QUOTED.finditer(text) if _typed_literal(m.group("body")) == "text"]
    first = masked[:start].count(QUOTE_PLACEHOLDER)
    pieces = clause.split(QUOTE_PLACEHOLDER)
    held = passages[first : first + len(pieces) - 1]
    words = {str(p.get("name")): _naming_words(p) for p in parameters}
    given: dict[str, str] = {}
    unnamed: list[str] = []
    for k, passage in enumerate(held):
        near = _last_word(pieces[k]), _first_word(pieces[k + 1])
        named = [name for word in near for name in [_named(word, words)] if name is not None]
        if named and named[0] not in given:
            given[named[0]] = passage
        elif not named:
            unnamed.append(passage)
    # A passage no word names is the tool's object, which an API names first ("borrow 'Dune' from the
    # City Library": the book): in order, to the parameters no passage was named for.
    given.update(zip([name for name in words if name not in given], unnamed, strict=False))
    return given, set(held)


# Words beside a quoted passage that name nothing: "the", "called" ("the folder called 'scratch'").
_FILLER = frozenset(["a", "an", "the", "called", "named", "titled", "labelled", "labeled", "of"])
# Words of three letters or more that name no parameter ("The directory to search from").
_DESC_STOP = frozenset(["the", "for", "with", "from", "and", "this", "that", "which", "its", "into", "your"])


def _naming_words(parameter: dict[str, str]) -> tuple[set[str], set[str]]:
    """The words that name a parameter beside a value: its name's ("search_dir": search, dir), then
    its description's ("The directory to search": directory, search)."""
    name = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(parameter.get("name", ""))).lower().replace("_", " ")
    desc = str(parameter.get("desc", parameter.get("description", ""))).lower()
    return _content_words(name), _content_words(desc)


def _content_words(text: str) -> set[str]:
    return {word for word in re.findall(r"[a-z]+", text) if len(word) > 2 and word not in _DESC_STOP}


def _last_word(piece: str) -> str:
    found = [w for w in re.findall(r"[\w'-]+", piece.lower()) if w not in _FILLER]
    return found[-1] if found else ""


def _first_word(piece: str) -> str:
    found = re.findall(r"[\w'-]+", piece.lower())
    return found[0] if found else ""


def _named(word: str, words: dict[str, tuple[set[str], set[str]]]) -> str | None:
    """The one parameter ``word`` (or its singular) names: by its name, else by its description ("the
    library to borrow the book from" names a book, but a parameter named ``book`` is the book); None
    when it names none or several."""
    forms = {word, word.removesuffix("s"), re.sub(r"ies$", "y", word)} - {""}
    for which in (0, 1):
        named = [name for name, own in words.items() if forms & own[which]]
        if named:
            return named[0] if len(named) == 1 else None
    return None


# "text Ana that I'm running late", "send an SMS to mum saying I landed safely": what is said.
_SAID = re.compile(r"\b(?:saying|that)\s+(?P<said>\S+(?:\s+\S+){2,})$", re.IGNORECASE)


def _said(kinds: list[str], step: Step) -> str | None:
    """A content parameter with no quoted passage takes what its clause reports as said."""
    found = _SAID.search(step.instruction) if kinds[:1] == ["quoted"] else None
    return found.group("said").strip(" .,;:!?") if found else None


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


def _value(kinds: list[str], current: object, texts: list[str], used: set[str], named: str = "") -> str | None:
    """The first span of the first kind the texts hold: the one the parameter's own name stands
    before in the step's clause (the first text: "to Rome from Oslo": ``from`` is Oslo, though Rome
    comes first), else the current value when it is one of them, else the first."""
    for kind in kinds:
        found = [v for where in texts for v in spans(where, kind) if v not in used]
        if not found:
            continue
        words = "|".join(re.escape(w) for w in re.findall(r"[a-z]+", named.lower().replace("_", " ")))
        # In the step's own clause only: the whole request names other steps' values too.
        after = [v for v in found if words and _follows(words, v, texts[0])]
        if after:
            return after[0]
        return current if isinstance(current, str) and current in found else found[0]
    return None


def _follows(words: str, value: str, where: str) -> bool:
    return re.search(rf"\b(?:{words})\s+(?:the\s+)?{re.escape(value)}", where, re.IGNORECASE) is not None


def _content_reads_upstream(step: Step, kinds: dict[str | None, list[str]]) -> None:
    """An earlier step's output is content: when it was wired to a parameter that takes something
    else (a name, a date) and the tool has a content parameter, the two trade places."""
    content = next((i for i in step.inputs if _first(kinds, i.name) == "quoted" and i.kind != "step"), None)
    for item in step.inputs:
        if content is not None and item.kind == "step" and _first(kinds, item.name) not in (None, "quoted"):
            item.name, content.name = content.name, item.name
            content = None


def _unwire(step: Step, kinds: dict[str | None, list[str]], text: str) -> None:
    """An earlier step's output fills a parameter only when it is content, or when the request holds
    no value of the parameter's kind ("text Bob's number": the contact search's output; "wake me at
    08:00" after an install: the time is written). Otherwise the step still runs after the one it was
    wired to, reading it as material (a nameless input), and the parameter is filled from the request."""
    for item in list(step.inputs):
        first = _first(kinds, item.name)
        if item.kind != "step" or item.name is None or first == "quoted":
            continue
        if first is not None and not spans(text, first):
            continue
        step.inputs.insert(
            step.inputs.index(item), StepInput(kind="user", name=item.name, value=step.instruction, type="text")
        )
        item.name = None


def _first(kinds: dict[str | None, list[str]], name: str | None) -> str | None:
    return next(iter(kinds.get(name) or []), None)
