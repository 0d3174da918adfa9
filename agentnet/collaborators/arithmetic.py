"""The calculator's reader of arithmetic: a Pratt parser over ``mathtext`` tokens, with operator
precedence, phrases ("subtract 7 from 20", "the average of 3, 5 and 10", "split 120 between 3") and
percentages as calculators treat them, in decimal arithmetic so money adds up exactly (``evaluate``),
and a result as people write it (``show``). ``calculator.py`` is the tool that uses it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation, localcontext

from agentnet.collaborators.functions import (
    FUNCTIONS,
    MAX_MAGNITUDE,
    Value,
    apply,
    factorial,
    median,
    power,
    rounded,
)
from agentnet.collaborators.mathtext import (
    SCALES,
    CalculatorError,
    NoAnswerError,
    Token,
    tokens,
)

MAX_DEPTH = 60
_BINDING = {"+": 10, "-": 10, "with": 10, "*": 20, "/": 20, "mod": 20, "of": 20, "off": 20, "^": 30}


class Parser:
    def __init__(self, items: list[Token]) -> None:
        self.items = items
        self.index = 0
        self.depth = 0

    def peek(self) -> Token | None:
        return self.items[self.index] if self.index < len(self.items) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise CalculatorError("the expression ends too early", hint="check for a missing number")
        self.index += 1
        return token

    def accept(self, *values: str) -> bool:
        token = self.peek()
        if token is not None and token.kind != "num" and token.value in values:
            self.index += 1
            return True
        return False

    def parse(self) -> Value:
        if not any(item.kind == "num" for item in self.items):
            raise CalculatorError("no arithmetic found", hint="write numbers and operators, e.g. '(3 + 4) * 2'")
        value = self.expression()
        if self.peek() is not None:
            raise CalculatorError(
                f"cannot read the expression from {self.items[self.index].value!s}", hint="check the operators"
            )
        return value

    def expression(self, power: int = 0) -> Value:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise CalculatorError("the expression is nested too deeply")
        left = self.prefix()
        while True:
            token = self.peek()
            op = str(token.value) if token is not None and token.kind != "num" else ""
            if op not in _BINDING or _BINDING[op] <= power:
                break
            self.index += 1
            left = binary(op, left, self.expression(_BINDING[op] - (1 if op == "^" else 0)))
        left = self.postfix(left)
        self.depth -= 1
        return left

    def postfix(self, value: Value) -> Value:
        while True:
            if self.accept("%"):
                value = Value(value.number / 100, percent=True)
            elif self.accept("squared"):
                value = binary("^", value, Value(Decimal(2)))
            elif self.accept("cubed"):
                value = binary("^", value, Value(Decimal(3)))
            elif self.accept("!", "factorial"):
                value = factorial(value)
            else:
                return value

    def prefix(self) -> Value:
        token = self.take()
        if token.kind == "num":
            number = Decimal(token.value)
            while (scale := self.peek()) is not None and str(scale.value) in SCALES:
                number *= SCALES[str(self.take().value)]
            return self.postfix(Value(number))
        word = str(token.value)
        if word == "(":
            value = self.expression()
            if not self.accept(")"):
                raise CalculatorError("a '(' is never closed", hint="add the missing ')'")
            return self.postfix(value)
        if word in ("-", "+"):
            value = self.expression(25)
            return Value(-value.number if word == "-" else value.number, value.percent)
        handler = _PREFIX.get(word)
        if handler is None:
            raise CalculatorError(f"cannot start an expression with {word!r}", hint="check the operators")
        return handler(self, word)

    def items_list(self) -> list[Value]:
        """Operands separated by "and", ",", "to", "by" (e.g. "3, 5 and 10")."""
        found = [self.expression(10)]
        while self.accept("and", ",", "to", "by", "from"):
            found.append(self.expression(10))
        return found


def _function(parser: Parser, word: str) -> Value:
    opened = parser.accept("(")
    if word in ("sqrt", "cbrt") and not opened:
        return apply(word, [parser.expression(25)])
    if word == "round" and not opened:
        return _rounded(parser)
    if not opened:
        raise CalculatorError(f"{word} needs its arguments in parentheses, e.g. {word}(2.5)")
    args = [parser.expression()]
    while parser.accept(","):
        args.append(parser.expression())
    if not parser.accept(")"):
        raise CalculatorError(f"{word}( is never closed", hint="add the missing ')'")
    return apply(word, args)


def _rounded(parser: Parser) -> Value:
    """ "round 3.14159 to 2 decimals" (the words after the places dropped), "round 1234 to the nearest 100"."""
    number = parser.expression(25)
    if not parser.accept("to"):
        return apply("round", [number])
    nearest = parser.accept("nearest")
    places = parser.expression(25)
    if nearest:
        if places.number <= 0:
            raise CalculatorError("round to the nearest what? give a positive number, e.g. 'the nearest 100'")
        return Value(rounded(number.number / places.number, 0) * places.number)
    return apply("round", [number, places])


def _aggregate(parser: Parser, word: str) -> Value:
    values = parser.items_list()
    if word == "median":
        return median(values)
    if word in ("sum", "add"):
        total = values[0]
        for value in values[1:]:
            total = binary("+", total, value) if not total.percent else binary("+", value, total)
        return total
    if word in ("mean", "average"):
        return Value(sum((v.number for v in values), Decimal(0)) / len(values))
    product = Decimal(1)
    for value in values:
        product *= value.number
    return Value(product)


_JOINERS = {"subtract": ("from",), "between": ("and",), "split": ("among", "by", "into"),
            "divide": ("by", "into", "among")}  # fmt: skip


def _ordered(parser: Parser, word: str) -> Value:
    """ "subtract A from B", "multiply A by B", "divide A by B", "increase A by B", "between A and B"."""
    first = parser.expression(10)
    joiner = _JOINERS.get(word, ("by", "into"))
    if not parser.accept(*joiner):
        raise CalculatorError(f"'{word}' needs two numbers ('{word} A {joiner[0]} B')")
    second = parser.expression(10)
    if word == "subtract":
        return binary("-", second, first)
    if word == "between":
        return Value(abs(first.number - second.number))
    op = {"multiply": "*", "divide": "/", "split": "/", "increase": "+", "raise": "+"}.get(word, "-")
    return binary(op, first, second)


def _scaled(parser: Parser, word: str) -> Value:
    factor = Decimal("0.5") if word == "half" else Decimal(2)
    if word == "half" and parser.peek() is None:
        return Value(factor)
    return binary("*", Value(factor), parser.expression(20))


_PREFIX: dict[str, Callable[[Parser, str], Value]] = {
    **{name: _function for name in FUNCTIONS},
    **{name: _aggregate for name in ("sum", "add", "mean", "average", "median", "product")},
    "factorial": lambda parser, _word: factorial(parser.expression(25)),
    **{name: _ordered for name in ("subtract", "multiply", "divide", "increase", "decrease", "reduce", "raise",
                                   "lower", "between", "split")},
    **{name: _scaled for name in ("half", "twice", "double")},
}  # fmt: skip


def binary(op: str, left: Value, right: Value) -> Value:
    a, b = left.number, right.number
    if op in ("+", "with", "-"):
        sign = -1 if op == "-" else 1
        if right.percent and not left.percent:
            return Value(a * (1 + sign * b))
        return Value(a + sign * b, left.percent and right.percent)
    if op == "off":
        return Value(b * (1 - a)) if left.percent else Value(a - b)
    if op in ("*", "of"):
        return Value(a * b)
    if op in ("/", "mod"):
        if b == 0:
            raise NoAnswerError("division by zero")
        return Value(a / b if op == "/" else a % b)
    return Value(power(a, b))


def evaluate(text: str, variables: dict[str, Decimal] | None = None) -> Decimal:
    """The value of the arithmetic in ``text`` (named values from ``variables``)."""
    with localcontext() as context:
        context.prec = 34
        context.Emax = MAX_MAGNITUDE + 10
        context.Emin = -MAX_MAGNITUDE - 10
        try:
            value = Parser(tokens(text, variables)).parse()
        except (InvalidOperation, OverflowError) as exc:
            raise NoAnswerError(f"the result is out of range: {type(exc).__name__}") from None
    return value.number


def show(number: Decimal) -> str:
    """A result as people write it: no exponent, at most 10 decimals, no trailing zeros."""
    if number == number.to_integral_value() and abs(number) < Decimal(10) ** 30:
        return f"{int(number)}"
    text = f"{number.quantize(Decimal('1e-10')) if abs(number) < Decimal(10) ** 20 else number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
