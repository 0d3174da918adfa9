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
from agentnet.planner.extract import _FILE, _QUOTED, _URL
from agentnet.planner.plan import Step

_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# The forms each kind of value takes in a request, most specific first.
SPANS: dict[str, re.Pattern[str]] = {
    "url": _URL,
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "file": _FILE,
    "time": re.compile(r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b|\b\d{1,2}:\d{2}\b|\bnoon\b|\bmidnight\b", re.IGNORECASE),
    "date": re.compile(
        rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b(?:next\s+|this\s+)?(?:{_WEEKDAY}|week|weekend|month)\b"
        rf"|\b(?:today|tomorrow|tonight|yesterday)\b|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b"
        rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}",
        re.IGNORECASE,
    ),
    "phone": re.compile(r"(?<![\w-])\+?\d[\d ().-]{5,}\d(?![\w-])"),
    "number": re.compile(r"(?<![\w.:-])[-+]?\d+(?:[.,]\d+)?(?![\w:])"),
    "quoted": _QUOTED,
    "name": re.compile(r"(?<=[\s(,#@])(?:[A-Z][\w'&.-]*|#[\w-]+)(?:\s+[A-Z][\w'&.-]*)*"),
}
# Words of a parameter's name or description that say which kind of value it takes.
_WANTS: dict[str, frozenset[str]] = {
    "url": frozenset(["url", "link", "website", "uri", "webpage", "href"]),
    "email": frozenset(["email", "e-mail", "mail"]),
    "file": frozenset(["file", "path", "filename", "attachment"]),
    "time": frozenset(["time", "hour", "clock"]),
    "date": frozenset(["date", "day", "when", "deadline", "due"]),
    "phone": frozenset(["phone", "mobile", "telephone"]),
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
    description ("phone", described as "the number or contact": a phone number, else a name)."""
    kinds = ["number"] if str(parameter.get("type", "")).lower() in _NUMERIC_TYPES else []
    name_words = set(re.findall(r"[a-z]+", str(parameter.get("name", "")).lower().replace("_", " ")))
    desc_words = set(re.findall(r"[a-z]+", str(parameter.get("desc", parameter.get("description", ""))).lower()))
    for words in (name_words, desc_words):
        kinds += [kind for kind, wanted in _WANTS.items() if words & wanted and kind not in kinds]
    return kinds


def spans(text: str, kind: str) -> list[str]:
    found = SPANS[kind].finditer(text)
    values = [(m.group("body") if kind == "quoted" else m.group(0)).strip(" .,;:!?") for m in found]
    return [value for value in values if value]


def fill(steps: list[Step], cards: dict[str, CapabilityCard], text: str) -> None:
    """Give the parameters of API-style steps values from the request ``text`` (in place)."""
    for step in steps:
        card = cards.get(step.capability)
        if card is None or not card.parameters:
            continue
        kinds = {p.get("name"): kinds_of(p) for p in card.parameters}
        _content_reads_upstream(step, kinds)
        used: set[str] = set()
        for item in step.inputs:
            wanted = kinds.get(item.name) or []
            # A handed-over input (a "user" input naming it) is read at run time: never replaced.
            if not wanted or item.kind == "step" or (item.kind == "user" and item.value != step.instruction):
                continue
            value = _value(wanted, item.value, [step.instruction, text], used)
            if value is not None:
                used.add(value)
                item.value = value


def _value(kinds: list[str], current: object, texts: list[str], used: set[str]) -> str | None:
    """The first span of the first kind the texts hold (the current value when it is one of them)."""
    for kind in kinds:
        found = [v for where in texts for v in spans(where, kind) if v not in used]
        if found:
            return current if isinstance(current, str) and current in found else found[0]
    return None


def _content_reads_upstream(step: Step, kinds: dict[str | None, list[str]]) -> None:
    """An earlier step's output is content: when it was wired to a parameter that takes something
    else (a name, a date) and the tool has a content parameter, the two trade places."""
    content = next((i for i in step.inputs if _first(kinds, i.name) == "quoted" and i.kind != "step"), None)
    for item in step.inputs:
        if content is not None and item.kind == "step" and _first(kinds, item.name) not in (None, "quoted"):
            item.name, content.name = content.name, item.name
            content = None


def _first(kinds: dict[str | None, list[str]], name: str | None) -> str | None:
    return next(iter(kinds.get(name) or []), None)
