"""Where a plain "and" or a comma does not part two requests (``extract`` cuts a sentence into clauses
there otherwise), and what of a clause's closing punctuation is its own ("5!")."""

from __future__ import annotations

import re

PLAIN_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
# A number, or a number and its unit, just before a plain "and", and a number just after it.
_NUMBER_BEFORE = re.compile(r"(?:^|\s)[(\[]?[-+$\u20ac\u00a3]?\d[\w.,:/%-]*(?:\s+[a-z]+)?$", re.IGNORECASE)
_NUMBER_AFTER = re.compile(r"[-+$\u20ac\u00a3]?\d")
# A word that takes two things at once, then one short object (no list, no "two"/"both" of its own) right
# before the "and": "the difference between X and Y", "compare cats and dogs".
_PAIRING = re.compile(
    r"\b(?:between|compare|compared|comparing|contrast|contrasting)\s+(?P<first>[^,;]{1,40})$", re.IGNORECASE
)
_COMPLETE = re.compile(r"\b(?:and|two|both|each|all|these|those|them|they)\b", re.IGNORECASE)


# The rest of a sentence after a comma is the end of a list of alternatives: short items, the last after "or".
_ITEM = r"[^\s,;]+(?:\s+[^\s,;]+){0,2}"
_ALTERNATIVES = re.compile(rf"(?:{_ITEM},\s*)*{_ITEM},?\s+or\s+{_ITEM}\s*[.?!]?\s*$", re.IGNORECASE)
_LIST_COMMA = re.compile(r",\s*")


def joins_alternatives(sentence: str, match: re.Match[str]) -> bool:
    """A comma inside a list of alternatives ending in "or" parts no requests: "classify notes.txt as
    animals, food or finance" names three labels (cut there, "food or finance" was a clause of its own
    and the classification lost two of its labels)."""
    return bool(_LIST_COMMA.fullmatch(match.group(0)) and _ALTERNATIVES.match(sentence, match.end()))


# "Which is heavier, a kilo of feathers or a kilo of steel?": a question word and a few words before the
# comma, and after it nothing but two options joined by "or" (each a short phrase, no list of its own).
_CHOICE_HEAD = re.compile(r"^\s*(?:which|who|what)(?:['\u2019]s)?(?:\s+[^\s,;]+){0,4}$", re.IGNORECASE)
_OPTION = r"[^\s,;]+(?:\s+[^\s,;]+){0,5}"
_CHOICE = re.compile(rf"{_OPTION}\s+or\s+{_OPTION}\s*[.?!]?\s*$", re.IGNORECASE)


def joins_choice(sentence: str, match: re.Match[str]) -> bool:
    """The comma of a question that asks to choose between two options parts no requests: "Which is
    heavier, a kilo of feathers or a kilo of steel?" (cut there, "Which is heavier" and "Which a kilo of
    feathers or a kilo of steel" were scored apart, neither saying what was asked). Options of up to
    six words: ``joins_alternatives`` takes lists of shorter ones anywhere in a sentence."""
    return bool(
        _LIST_COMMA.fullmatch(match.group(0))
        and _CHOICE_HEAD.match(sentence[: match.start()])
        and _CHOICE.match(sentence, match.end())
    )


def joins_pair(sentence: str, match: re.Match[str]) -> bool:
    """A plain "and" that gives a pairing word its second object, not a second request: "the difference
    between machine learning and deep learning", "compare cats and dogs as pets" (cut there, "deep
    learning" and "dogs as pets" were clauses of their own: the second went to a chat model alone, and
    the first lost what it compares with). Not when the first object is already complete ("compare the
    two texts and summarise them"), nor after more than a few words."""
    if not PLAIN_AND.fullmatch(match.group(0)):
        return False
    before = _PAIRING.search(sentence[: match.start()])
    if before is None:
        return False
    first = before.group("first").split()
    return len(first) <= 4 and not _COMPLETE.search(before.group("first"))


def joins_numbers(sentence: str, match: re.Match[str]) -> bool:
    """A plain "and" between two numbers joins operands or parts of one quantity, not two requests: "add
    5 and 7", "the days between 2026-01-01 and 2026-03-01", "3 hours and 45 minutes after 22:30" (cut
    there, "add 5" was a step of its own and the 7 was lost)."""
    if not PLAIN_AND.fullmatch(match.group(0)):
        return False
    return bool(_NUMBER_BEFORE.search(sentence[: match.start()]) and _NUMBER_AFTER.match(sentence, match.end()))


# A comma before what describes the person just named parts no requests: "How old is my dad, born 3 March
# 1958?" (cut there, "How old is my dad" and "born 3 March 1958" were scored apart, neither read as an age
# from a birth date, and SmolLM2 answered "Your dad is 30 years old").
_DESCRIBED = re.compile(r"(?:who\s+was\s+)?born\b", re.IGNORECASE)


def joins_description(sentence: str, match: re.Match[str]) -> bool:
    return bool(_LIST_COMMA.fullmatch(match.group(0)) and _DESCRIBED.match(sentence, match.end()))


# A plain "and" after a number that goes on to say more of the same thing, with a number of its own: "A
# laptop was 1200 and now costs 960", "My rent is 1500 and goes up 4%". Cut there, "now costs 960" was a
# request of its own, SmolLM2 took it as a step, and the question after it lost the first price.
_MORE_OF_IT = re.compile(
    r"(?:now\s+|then\s+|still\s+|later\s+)?(?:costs?|is|was|were|are|went|goes|comes?|weighs?|sells?|has|had|dropped|"
    r"rose|fell|increased|decreased)\b[^,;.?!]*?\d",
    re.IGNORECASE,
)


def joins_statement(sentence: str, match: re.Match[str]) -> bool:
    if not PLAIN_AND.fullmatch(match.group(0)):
        return False
    return bool(_NUMBER_BEFORE.search(sentence[: match.start()]) and _MORE_OF_IT.match(sentence, match.end()))


# Each says whether a match of ``extract``'s cut leaves the sentence whole.
JOINS = (joins_numbers, joins_pair, joins_alternatives, joins_choice, joins_description, joins_statement)
_EDGES = " ,.;:!?-"
_FACTORIAL = re.compile(r"\d!")


def trim(piece: str) -> str:
    """``piece`` without the punctuation around it, but for a factorial's "!" ("What is 5!?": read as
    "What is 5", the question went to SmolLM2, which answered 10)."""
    text = piece.strip(_EDGES)
    end = piece.find(text) + len(text)
    return text + "!" if text and _FACTORIAL.match(piece, end - 1) else text
