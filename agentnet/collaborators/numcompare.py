"""Which of two quantities is larger, as people ask it: "which is bigger, 2^30 or 10^9?", "is 3/7 less than
0.43?", "2^30 > 10^9". Only the reading is here; the calculator evaluates each side (``calculator``).

A question names its two sides and the order it asks about: "which is smaller, A or B" wants the smaller
one named, "is A bigger than B" a yes or no. Without this the calculator refused such questions ("cannot
read the expression from 10") and a chat model guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from agentnet.collaborators import units
from agentnet.collaborators.mathtext import CalculatorError

_MORE = r"bigger|larger|greater|higher|more|heavier|longer|taller|older"
_LESS = r"smaller|less|lower|fewer|lighter|shorter|younger"
_SIDE = r"[^,;?]+?"
# "which is bigger, A or B", "which number is larger: A or B", "what's greater - A or B"
_WHICH = re.compile(
    rf"^\s*(?:which|what)(?:'s|\s+(?:number|value|one)?\s*(?:is|'s)?)\s*(?:the\s+)?(?P<word>{_MORE}|{_LESS})"
    rf"\s*[,:\-\u2013\u2014]?\s*(?P<left>{_SIDE})\s+or\s+(?P<right>{_SIDE})\s*\??\s*$",
    re.IGNORECASE,
)
# "is A bigger than B", "is A more than B"
_IS = re.compile(
    rf"^\s*is\s+(?P<left>{_SIDE})\s+(?P<word>{_MORE}|{_LESS})\s+than\s+(?P<right>{_SIDE})\s*\??\s*$",
    re.IGNORECASE,
)
# "A > B", "A <= B"
_SIGN = re.compile(
    r"^\s*(?:is\s+)?(?P<left>[^<>=]+?)\s*(?P<sign>>=|<=|>|<|\u2265|\u2264)\s*(?P<right>[^<>=]+?)\s*\??\s*$",
    re.IGNORECASE,
)
_SIGNS = {">": ">", "<": "<", ">=": ">=", "<=": "<=", "\u2265": ">=", "\u2264": "<="}


@dataclass(frozen=True)
class Comparison:
    """Two sides as written, and what is asked: ``which`` names the larger (or smaller) side; otherwise
    whether ``left op right`` holds."""

    left: str
    right: str
    op: str  # ">", "<", ">=" or "<="
    which: bool


def find(text: str) -> Comparison | None:
    """The comparison ``text`` asks for, or None."""
    found = _WHICH.match(text)
    if found:
        return Comparison(found["left"].strip(), found["right"].strip(), _op(found["word"]), which=True)
    found = _IS.match(text)
    if found:
        return Comparison(found["left"].strip(), found["right"].strip(), _op(found["word"]), which=False)
    found = _SIGN.match(text)
    if found:
        return Comparison(found["left"].strip(), found["right"].strip(), _SIGNS[found["sign"]], which=False)
    return None


def _op(word: str) -> str:
    return ">" if re.fullmatch(_MORE, word, re.IGNORECASE) else "<"


# A side that is an amount and its unit: "5 miles", "8 km", "100 \u00b0F".
_AMOUNT = re.compile(r"^(?P<amount>.*?\d[\d,.]*)\s*(?P<unit>[A-Za-z\u00b0][A-Za-z\u00b2\u00b3/ ]*)$")


def answer(
    found: Comparison, value: Callable[[str], Decimal], show: Callable[[Decimal], str]
) -> tuple[str, dict[str, Any]]:
    """The answer's text and data, each side's number from ``value`` (the calculator's evaluation),
    written by ``show``.
    Sides with units are compared in the right side's unit; a unit on one side only is refused (5 miles
    against 8 is no question of size)."""
    (left, left_unit), (right, right_unit) = (_side(side, value) for side in (found.left, found.right))
    if (left_unit is None) != (right_unit is None):
        raise CalculatorError(
            f"cannot compare {found.left!r} with {found.right!r}: only one of them has a unit",
            hint="give both sides a unit, e.g. '5 miles or 8 km'",
        )
    if left_unit is not None and right_unit is not None:
        left = units.convert(left, left_unit, right_unit)
    holds = {">": left > right, "<": left < right, ">=": left >= right, "<=": left <= right}[found.op]
    data: dict[str, Any] = {"left": float(left), "right": float(right), "holds": holds}
    unit = f" {right_unit.symbol}" if right_unit is not None else ""
    values = f"{found.left} = {show(left)}{unit}, {found.right} = {show(right)}{unit}"
    if not found.which:
        text = f"{'yes' if holds else 'no'} ({values})"
    elif left == right:
        text = f"neither: they are equal ({values})"
    else:
        data["answer"] = found.left if holds else found.right
        text = f"{data['answer']} ({values})"
    return text, {**data, "text": text}


def _side(side: str, value: Callable[[str], Decimal]) -> tuple[Decimal, units.Unit | None]:
    amount = _AMOUNT.match(side)
    unit = units.unit(amount["unit"].strip()) if amount else None
    if amount and unit is not None:
        return value(amount["amount"]), unit
    return value(side), None
