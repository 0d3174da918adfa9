"""Numbers a request states before its question: "My receipt says Total 45.90. What is the total with a
15% tip?", "The bill is 80 dollars. What is 15% of it?".

The one-step plan hands the calculator the whole request. It read both sentences as one expression and
refused the full stop after "45.90" ("the calculator cannot read '.'"), and every other collaborator
failed too. A sentence before the question that states a labelled number ("Total 45.90", "the bill is
80 dollars") names a value, as a handed receipt's lines do; the question is then what is computed, with
"it" or "that" standing for the one number stated. The named numbers of the data a step was handed (a
JSON object's number fields, a receipt's lines) are read here too: the request may name either.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from agentnet.collaborators import units
from agentnet.collaborators.mathtext import KEYWORDS, WORD_OPS, labelled_values, tokens, without_file_names

# Where a sentence ends: a mark before a capital (a decimal point is followed by a digit, not a space).
_SENTENCE = re.compile(r"(?<=[.!?])(?<!\d!)\s+(?=[A-Z\"'])")  # "5!" is a factorial
# ... and where a number's "!" ends one: "I scored 5! Can you convert 5 km to miles?" exclaims (it was
# answered "I scored 5!: 120"); after "what is"/"calculate"/... the "!" is a factorial ("What is 5! Then
# add 2"), which the calculator's own reading splits after.
_EXCLAIMED = re.compile(r"(?<=\d)!\s+(?=[A-Z\"'])")
_ASKS = re.compile(
    r"^\W*(?:what|what's|how|calculate|compute|evaluate|work\s+out|find|and|then|so|is)\b", re.IGNORECASE
)
# A statement's verb between its label and its number ("the bill is 80", "my receipt says Total 45.90"),
# and the word after the number that names its unit ("80 dollars", "3200 a month"): neither is part of the label.
_VERB = re.compile(
    r"\s+(?:is|was|are|were|says|said|shows|showed|reads|came\s+to|comes\s+to|costs?|of|at|totalled|totaled)(?=\s+[$\u20ac\u00a3]?\s*-?\d)",
    re.IGNORECASE,
)
_UNIT_AFTER = re.compile(r"(\d)\s+(?:(?:a|an|per|each)\s+)?[^\W\d_]+\s*$")
# Labels that name no value: what is left of "I have 3", "we are 4" once the verb is gone.
_NO_NAME = frozenset(["i", "we", "you", "he", "she", "they", "it", "have", "has", "had", "there", "get", "got", "is",
                      "are", "was", "were", "what", "which", "how", "calculate", "compute"])  # fmt: skip
_PRONOUN = re.compile(r"\b(?:it|that|this)\b", re.IGNORECASE)


def asked(expression: str, context: str, handed: bool) -> tuple[str, dict[str, Decimal]]:
    """What is computed, and the values it may name: the labelled numbers of the data handed over, and
    those the request states before its question ("Total 45.90. What is the total with a 15% tip?")."""
    variables = context_values(context) if context != expression else {}
    if handed:
        expression = without_file_names(expression)
    if (found := question(expression)) is not None:
        return found[0], {**found[1], **variables}
    return expression, variables


def context_values(context: str) -> dict[str, Decimal]:
    """Named numbers in the data a step was given: a JSON object's number fields, or labelled lines."""
    data: Any = None
    if context.lstrip().startswith("{"):
        try:
            data = json.loads(context)
        except (json.JSONDecodeError, RecursionError):  # nested deeper than json reads
            data = None
    if isinstance(data, dict):
        found: dict[str, Decimal] = {}
        for key, value in data.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                found[" ".join(str(key).lower().replace("_", " ").split())] = Decimal(str(value))
        return found
    return labelled_values(context)


def question(expression: str) -> tuple[str, dict[str, Decimal]] | None:
    """The question of ``expression`` and the values stated before or after it, or None when it is one
    sentence, or another sentence is arithmetic of its own ("Compute 5 plus 3. Then add 2")."""
    sentences = [piece for sentence in _SENTENCE.split(expression.strip()) for piece in _exclaimed(sentence)]
    if len(sentences) < 2:
        return None
    asked = [sentence for sentence in sentences if sentence.rstrip().endswith("?")] or sentences[-1:]
    values: dict[str, Decimal] = {}
    for sentence in sentences:
        if sentence in asked:
            continue
        # A statement holds one number, named ("Total 45.90") or not ("I have 3 kids": scene, not
        # arithmetic); one with more, or an operator ("Calculate 4!"), is a question of its own.
        if [token.kind for token in tokens(sentence)] not in ([], ["num"]):
            return None
        found = _values(sentence)
        values.update({name: value for name, value in found.items() if name not in values})
    text = " ".join(asked)
    numbers = set(values.values())
    amounts = _amounts([sentence for sentence in sentences if sentence not in asked])
    if len(amounts) == 1 and numbers <= {amounts[0][1]} and not _names(text, values):
        text = _PRONOUN.sub(amounts[0][0], text)  # "I have 2.5 liters. How many cups is that?"
    elif len(numbers) == 1 and not _names(text, values):
        text = _PRONOUN.sub(str(numbers.pop()), text)  # "What is 15% of it?"
    return text, values


# An amount of a unit a statement gives ("I have 2.5 liters"), which names no value: "that" is the amount.
_AMOUNT = re.compile(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)\s*([^\W\d_]+)")


def _amounts(statements: list[str]) -> list[tuple[str, Decimal]]:
    found = [match for sentence in statements for match in _AMOUNT.finditer(sentence)]
    return [(match.group(0), Decimal(match.group(1).replace(",", ""))) for match in found
            if units.unit(match.group(2)) is not None]  # fmt: skip


def _exclaimed(sentence: str) -> list[str]:
    """``sentence`` cut after a number's "!" that exclaims ("I scored 5!" of "I scored 5! Can you ..."),
    the "!" dropped, where the words before it ask for nothing."""
    found = _EXCLAIMED.search(sentence)
    if found is None or _ASKS.match(sentence):
        return [sentence]
    return [sentence[: found.start()], *_exclaimed(sentence[found.end() :])]


def _values(sentence: str) -> dict[str, Decimal]:
    """The labelled numbers a statement gives, by the label's last word too ("total")."""
    line = _UNIT_AFTER.sub(r"\1", sentence.strip().rstrip(".!").rstrip())
    line = _VERB.sub(" ", line)
    found = labelled_values(line)
    named = {name: name.split()[-1] for name in found}
    return {name: found[name] for name, last in named.items() if last not in _NO_NAME | KEYWORDS | set(WORD_OPS)}


def _names(text: str, values: dict[str, Decimal]) -> bool:
    lowered = text.lower()
    return any(re.search(rf"\b{re.escape(name)}\b", lowered) for name in values)
