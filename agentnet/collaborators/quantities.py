"""Arithmetic on quantities when no unit is asked for: "5 km + 300 m", "2 kg minus 500 g", "3 hours 45
minutes plus 2 hours 30 minutes", "2.5 hours * 3".

The calculator's parser drops words, units among them, so "5 km + 300 m" was 305 and "2 kg minus 500 g"
was -498, answered as confidently as a right sum. Here each quantity is written in the first unit of its
kind ("5.3 km", as people and search engines answer), and the unit of the result comes from the
arithmetic itself: the expression is evaluated again with one kind's quantities doubled, and how the
result moves says that kind's power in it (doubled: km; unchanged: a ratio, "10 km / 500 m" is 20;
halved: per km). A result whose powers are not -1, 0 or 1, or that moves otherwise (km plus kg), has no
unit this calculator names, so it is refused, not answered as a bare number. Temperatures are left to
the parser (degrees do not add up as amounts)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from agentnet.collaborators import units
from agentnet.collaborators.mathtext import CalculatorError
from agentnet.collaborators.units import Unit

# "in" is inches only when nothing follows it: "3 in 10 people" is no length.
_NOT_INCHES = re.compile(r"\s*[\w(]")
_JOINED = re.compile(units.JOINER)


@dataclass(frozen=True)
class Quantity:
    span: tuple[int, int]
    pieces: list[tuple[Decimal, Unit]]  # each amount with its unit, larger unit first


@dataclass(frozen=True)
class Arithmetic:
    expression: str
    quantities: list[Quantity]
    targets: dict[str, Unit]  # per kind, the unit of its first quantity: the result's unit


def find(expression: str) -> Arithmetic | None:
    """The quantities of ``expression`` when it computes with them (two numbers at least, one of them a
    quantity of a kind that adds up); None when there is nothing for units to change."""
    found = _quantities(expression)
    if not found or len(re.findall(r"\d+(?:\.\d+)?", expression)) < 2:
        return None
    targets: dict[str, Unit] = {}
    for quantity in found:
        targets.setdefault(quantity.pieces[0][1].dimension, quantity.pieces[0][1])
    return Arithmetic(expression, found, targets)


def _quantities(text: str) -> list[Quantity]:
    """Each number with a unit that adds up; pieces joined by a space, a comma or "and", one kind and
    each smaller than the one before, are one quantity ("3 hours 45 minutes", "1 hour and 30 minutes")."""
    found: list[Quantity] = []
    for piece in units.PIECE.finditer(text):
        unit = units.unit(piece.group("unit"))
        if unit is None or unit.dimension == "temperature" or _not_a_quantity(piece, text):
            continue
        amount = Decimal(piece.group("number").replace(",", ""))
        if found and _continues(found[-1], unit, text[found[-1].span[1] : piece.start()]):
            last = found.pop()
            found.append(Quantity((last.span[0], piece.end()), [*last.pieces, (amount, unit)]))
        else:
            found.append(Quantity(piece.span(), [(amount, unit)]))
    return found


def _not_a_quantity(piece: re.Match[str], text: str) -> bool:
    """A number inside a word or another number ("x2 km", "1.5.3 m"), or "in" with words after it."""
    before = text[piece.start() - 1] if piece.start() else ""
    inches = piece.group("unit").lower() == "in" and _NOT_INCHES.match(text, piece.end()) is not None
    return inches or (before != "" and (before.isalnum() or before in ".,"))


def _continues(last: Quantity, unit: Unit, gap: str) -> bool:
    smaller = last.pieces[-1][1]
    return _JOINED.fullmatch(gap) is not None and unit.dimension == smaller.dimension and unit.factor < smaller.factor


def _written(arithmetic: Arithmetic, doubled: str | None) -> str:
    """The expression with each quantity as a number in its kind's target unit; ``doubled``'s kind twice."""
    text, last = [], 0
    for quantity in arithmetic.quantities:
        kind = quantity.pieces[0][1].dimension
        target = arithmetic.targets[kind]
        value = sum((units.convert(amount, piece, target) for amount, piece in quantity.pieces), Decimal(0))
        text += [arithmetic.expression[last : quantity.span[0]], f"({value * (2 if kind == doubled else 1)})"]
        last = quantity.span[1]
    return "".join([*text, arithmetic.expression[last:]])


def answer(
    arithmetic: Arithmetic, evaluate: Callable[[str], Decimal], show: Callable[[Decimal], str]
) -> tuple[str, dict[str, object]]:
    """The result with its unit ("5.3 km"), and the same in the smallest unit written when it reads
    better there ("6.25 h (375 min)")."""
    result = evaluate(_written(arithmetic, None))
    powers = {
        kind: _power(result, evaluate(_written(arithmetic, kind)), kind, arithmetic) for kind in arithmetic.targets
    }
    up = [arithmetic.targets[kind].symbol for kind, power in powers.items() if power == 1]
    down = [arithmetic.targets[kind].symbol for kind, power in powers.items() if power == -1]
    symbol = "\u00b7".join(up or (["1"] if down else [])) + "".join(f"/{name}" for name in down)
    text = f"{show(result)} {symbol}".strip()
    if len(up) == 1 and not down:
        text += _in_smallest(arithmetic, next(kind for kind, power in powers.items() if power == 1), result, show)
    return text, {"result": float(result), "unit": symbol, "text": text}


def _power(result: Decimal, doubled: Decimal, kind: str, arithmetic: Arithmetic) -> int:
    if result == 0:
        return 1 if doubled == 0 else _refuse(kind, arithmetic)
    for power, factor in ((1, 2), (0, 1), (-1, Decimal("0.5"))):
        if abs(doubled - result * factor) <= abs(result) * Decimal("1e-20"):
            return power
    return _refuse(kind, arithmetic)


def _refuse(kind: str, arithmetic: Arithmetic) -> int:
    kinds = " and ".join(sorted(arithmetic.targets))
    raise CalculatorError(
        f"cannot compute {arithmetic.expression[:120]!r}: its quantities ({kinds}) give no unit "
        f"the calculator names (the {kind} does not add up or cancel out)",
        hint="add or subtract quantities of one kind ('5 km + 300 m'), multiply or divide them by plain "
        "numbers, or ask for a conversion ('... in m')",
    )


def _in_smallest(arithmetic: Arithmetic, kind: str, result: Decimal, show: Callable[[Decimal], str]) -> str:
    written = [piece for q in arithmetic.quantities for _, piece in q.pieces if piece.dimension == kind]
    smallest = min(written, key=lambda piece: piece.factor)
    target = arithmetic.targets[kind]
    if smallest.factor >= target.factor or "." not in show(result):  # "4 h", not "4 h (240 min)"
        return ""
    return f" ({show(units.convert(result, target, smallest))} {smallest.symbol})"
