"""The calculator's functions and powers: square and cube roots, logarithms, rounding, factorials,
medians, and powers bounded to results of at most ``MAX_MAGNITUDE`` digits."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from agentnet.collaborators.mathtext import CalculatorError, NoAnswerError

MAX_MAGNITUDE = 1000  # decimal digits
# Called as "name(x, ...)"; "sqrt" and "cbrt" also as "the square/cube root of x".
FUNCTIONS = frozenset({"sqrt", "cbrt", "abs", "round", "floor", "ceil", "min", "max", "log", "ln"})
# 449! has 997 digits, 450! 1001.
_LARGEST_FACTORIAL = 449
_PLACES = 30


@dataclass(frozen=True)
class Value:
    number: Decimal
    percent: bool = False  # written as "N%": a fraction that "+" and "-" apply to the other side


def power(base: Decimal, exponent: Decimal) -> Decimal:
    if base == 0 and exponent < 0:
        raise NoAnswerError("division by zero (0 to a negative power)")
    magnitude = abs(base).adjusted() + 1 if base != 0 else 0
    if abs(exponent) > 10_000 or (abs(base) > 1 and magnitude * abs(exponent) > MAX_MAGNITUDE):
        raise NoAnswerError(
            f"refused: {base}^{exponent} would have more than {MAX_MAGNITUDE} digits",
            hint="the calculator works with numbers up to 10^1000",
        )
    if exponent == exponent.to_integral_value():
        return base ** int(exponent)
    if base < 0:
        raise NoAnswerError("a negative number to a fractional power is not a real number")
    return Decimal(float(base) ** float(exponent))


def apply(name: str, args: list[Value]) -> Value:
    numbers = [a.number for a in args]
    first = numbers[0]
    if name == "sqrt":
        if first < 0:
            raise NoAnswerError("the square root of a negative number is not a real number")
        return Value(first.sqrt())
    if name in ("log", "ln"):
        if first <= 0:
            raise CalculatorError(f"{name} needs a positive number")
        return Value(first.log10() if name == "log" else first.ln())
    simple: dict[str, Callable[[], Decimal]] = {
        "abs": lambda: abs(first),
        "floor": lambda: Decimal(math.floor(first)),
        "ceil": lambda: Decimal(math.ceil(first)),
        "min": lambda: min(numbers),
        "max": lambda: max(numbers),
        "cbrt": lambda: _cube_root(first),
        "round": lambda: rounded(first, int(numbers[1]) if len(numbers) > 1 else 0),
    }
    return Value(simple[name]())


def _cube_root(number: Decimal) -> Decimal:
    """Exact for cubes ("the cube root of 27" is 3, not 3.0000000000000004), and negative numbers have one."""
    root = abs(number) ** (Decimal(1) / 3)
    whole = root.to_integral_value()
    root = whole if whole**3 == abs(number) else root
    return -root if number < 0 else root


def factorial(value: Value) -> Value:
    number = value.number
    if number != number.to_integral_value() or number < 0:
        raise NoAnswerError(f"{number}! is not defined: a factorial needs a whole number, 0 or more")
    if number > _LARGEST_FACTORIAL:
        raise NoAnswerError(
            f"refused: {number}! would have more than {MAX_MAGNITUDE} digits",
            hint="the calculator works with numbers up to 10^1000",
        )
    return Value(Decimal(math.factorial(int(number))))


def median(values: list[Value]) -> Value:
    ordered = sorted(value.number for value in values)
    middle = len(ordered) // 2
    return Value(ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2)


def rounded(number: Decimal, places: int) -> Decimal:
    """Half away from zero, as calculators and people round: round(2.5) is 3 (Python's round gave 2)."""
    if not -_PLACES <= places <= _PLACES:  # the arithmetic keeps 34 digits
        raise NoAnswerError(f"cannot round to {places} decimal places", hint=f"give 0 to {_PLACES} places")
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
