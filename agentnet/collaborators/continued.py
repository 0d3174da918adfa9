"""An operation on the result a calculator step was handed: "Count the words in notes.txt and multiply
by 4", "the sum of the ages in people.csv, times 2", "... and divide it by 3".

The planner gives the calculator the clause ("multiply by 4") and the earlier step's answer ("13
words", "102 (sum of age)") as its data. The clause starts with an operator and has no left operand,
so the calculator refused it ("cannot start an expression with 'by'"), and the step fell through to
SmolLM2, which answered with Python advice. The answer handed on, when it starts with a number (the
collaborators' answers do) or is a tool's {"result": ...}, is the left operand."""

from __future__ import annotations

import json
import re

from agentnet.collaborators.mathtext import CalculatorError

# What names the result handed on: "it", "that number", "the count" ("... then multiply that number by
# 4" was refused: "cannot start an expression with 'by'").
_IT = r"(?:it|that|this|them|(?:the|that|this)\s+(?:result|answer|number|count|total|sum|value|amount))"
# A verb on "it" ("multiply it by 4", "divide the result by 3", "add 5 to it") as the operator it names.
_VERBS = (
    (re.compile(rf"^multiply\s+(?:{_IT}\s+)?by\b", re.I), "*"),
    (re.compile(rf"^divide\s+(?:{_IT}\s+)?by\b", re.I), "/"),
    (re.compile(r"^(?:add|plus)\b", re.I), "+"),
    (re.compile(r"^(?:subtract|take\s+away|minus)\b", re.I), "-"),
    (re.compile(r"^(?:times|multiplied\s+by)\b", re.I), "*"),
    (re.compile(r"^(?:divided\s+by|over)\b", re.I), "/"),
)
_LEAD = re.compile(r"^\s*(?:,\s*)?(?:and\s+)?(?:then\s+)?", re.I)
# "add 5 to it": the trailing pronoun is the operand already put first.
_TO_IT = re.compile(rf"\s+(?:to|from)\s+{_IT}\s*([?.!]?)\s*$", re.I)
_ONE_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?\s*%?\s*[?.!]?")
_STARTS_WITH_NUMBER = re.compile(r"^\s*(-?\d[\d,]*(?:\.\d+)?)(?![\d.,]*\s*[-/:]\s*\d)")


# Rounding the result ("What is 1000 divided by 7, rounded to 2 decimals?"): the calculator refused the
# part "rounded to 2 decimals" ("cannot start an expression with 'to'") and SmolLM2 answered 2.06.
_ROUNDED = re.compile(
    r"^(?:round(?:ed)?)\s+(?:(?:it|that|this|the\s+(?:result|answer|number))\s+)?(?:off\s+)?(?P<to>to\s+(?:the\s+"
    r"nearest\s+\d[\d,]*(?:\.\d+)?|\d+\s+(?:decimal\s+places?|decimals?|places?|dp)))"
    r"\s*[?.!]?\s*$",
    re.I,
)
# Roundings named without a number ("round it to the nearest whole number", "to the nearest cent"), as
# decimals: the rounding was dropped ("Convert 5 miles to km and then round it to the nearest whole number"
# answered 8.04672 km), with no number the part was no question of its own.
_NAMED_PLACES = re.compile(
    r"\bto\s+(?:the\s+)?nearest\s+(?P<what>whole\s+number|integer|whole|unit|dollar|euro|pound|cent|penny|tenth|hundredth)\b",
    re.I,
)
_PLACES = {"cent": 2, "penny": 2, "hundredth": 2, "tenth": 1}


# "..., then double it": the part had no number, so it was no question of its own ("cannot read the
# expression from ,"); as "multiply it by 2" it is one, on the result before.
_SCALED = re.compile(rf"\b(?P<verb>double|triple|quadruple|halve)\s+(?P<it>{_IT})\b", re.I)
_FACTORS = {"double": "multiply {} by 2", "triple": "multiply {} by 3", "quadruple": "multiply {} by 4",
            "halve": "divide {} by 2"}  # fmt: skip


def named_places(expression: str) -> str:
    """``expression`` with a rounding named in words as decimals ("to the nearest whole number": "to 0
    decimals") and a result doubled or halved as a multiplication ("double it": "multiply it by 2")."""
    expression = _SCALED.sub(lambda found: _FACTORS[found.group("verb").lower()].format(found.group("it")), expression)
    return _NAMED_PLACES.sub(lambda found: f"to {_PLACES.get(found.group('what').lower(), 0)} decimals", expression)


# A percentage or a share of the result ("and what is 10% of that?", "half of it"): the pronoun is the result.
_OF_IT = re.compile(
    rf"^(?:what\s+is\s+|what's\s+|how\s+much\s+is\s+|and\s+)?(?P<head>-?\d[\d,]*(?:\.\d+)?\s*%|half|a\s+(?:third|quarter))"
    rf"\s+of\s+{_IT}\s*[?.!]?\s*$",
    re.I,
)


# Sharing the result out ("Add a 15% tip to 64.80 and split it between 3 people"): refused, "'between' needs
# two numbers".
_SPLIT = re.compile(
    rf"^(?:split|share|divide)\s+{_IT}\s+(?:between|among|amongst|by|into|over)\s+(?P<count>\d+)(?:\s+[^\W\d]+){{0,2}}"
    rf"\s*[?.!]?\s*$",
    re.I,
)


def continued(expression: str, data: str) -> str | None:
    """``expression`` with the handed result as its left operand ("13 * 4"), or None when it is not
    an operation with one number ("add 5 and 3" has its own operands). Refused when it is one and
    nothing handed is a result."""
    rest = _LEAD.sub("", expression)
    if (rounding := _ROUNDED.match(rest)) is not None:
        return f"round {_left(expression, data, 'round')} {rounding.group('to')}"
    if (split := _SPLIT.match(rest)) is not None:
        return f"{_left(expression, data, 'split 90 between 3')} / {split.group('count')}"
    if (share := _OF_IT.match(rest)) is not None:
        return f"{share.group('head')} of {_left(expression, data, '10% of 80')}"
    for pattern, operator in _VERBS:
        found = pattern.match(rest)
        operand = _TO_IT.sub(r"\1", rest[found.end() :]).strip() if found else ""
        if found is not None and _ONE_NUMBER.fullmatch(operand):
            return f"{_left(expression, data, f'100 {operator} ' + operand.rstrip('?.!'))} {operator} {operand}"
    return None


def _left(expression: str, data: str, example: str) -> str:
    """The handed result an operation works on; refused when nothing handed is one (the parser read
    "plus 10" as 10 and "add 10%" as 0.1)."""
    left = _handed_result(data)
    if left is None:
        raise CalculatorError(
            f"{expression.strip()[:120]!r} has no number to work on: no result was handed to it",
            hint=f"write both numbers, e.g. '{example}'",
        )
    return left


def _handed_result(data: str) -> str | None:
    """The number a collaborator answered: its JSON "result", or the number its answer starts with."""
    text = data.strip()
    if text.startswith("{"):
        try:
            parsed = json.loads(text)
        except (json.JSONDecodeError, RecursionError):  # nested deeper than json reads
            return None
        result = parsed.get("result") if isinstance(parsed, dict) else None
        if isinstance(result, int | float) and not isinstance(result, bool):
            return str(result)
        text = str(parsed.get("text", "")) if isinstance(parsed, dict) else ""
    found = _STARTS_WITH_NUMBER.match(text)
    return found.group(1).replace(",", "") if found else None
