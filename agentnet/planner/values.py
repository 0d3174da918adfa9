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
from agentnet.planner import money
from agentnet.planner.extract import _QUOTED, QUOTE_PLACEHOLDER, _typed_literal, mask_quotes
from agentnet.planner.plan import Step, StepInput
from agentnet.planner.value_spans import NUMERIC_TYPES, examples_of, iso_date, kinds_of, named_example, spans


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
    return money.plain_number(value) if typed in NUMERIC_TYPES else value


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
