"""A calculator that reads arithmetic as people write it, with a real parser (never ``eval``).

Operator precedence (a Pratt parser over ``mathtext`` tokens) with decimal arithmetic, so money adds
up exactly; percentages as calculators treat them ("80 + 15%" is 92, "15% of 240" is 36, "20% off 80"
is 64, "the total with a 15% tip"); phrases ("add 8% tax to 42.50", "subtract 7 from 20", "the square
root of 144", "the average of 3, 5 and 10", "3 dozen", "split 120 between 3 people"); unit conversion
("5 miles in km", "100 F to C", "2 feet 3 inches in cm"); money at a rate the request gives ("10 USD at
0.92 EUR per USD"); and named values from the data a step was given ("Total: 45.90" makes "the total" a
number). Refused: program code, results beyond 10^1000, and exponents beyond what fits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation, localcontext
from typing import Annotated

from pydantic import Field

from agentnet.collaborators import continued, currency, numcompare, prices, quantities, rates, stated, totals, units
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
from agentnet.nodes.outputs import ToolOutput

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


def calculate(
    expression: Annotated[
        str,
        Field(
            description="The arithmetic, as written: '(3 + 4) * 2', '15% of 240', 'add 8% tax to 42.50', "
            "'5 miles in km', or a question that contains it",
            json_schema_extra={"x-agentnet": "request"},
        ),
    ],
    context: Annotated[
        str,
        Field(
            description="Data the numbers may come from (a receipt, a table): its labelled values "
            "('Total 45.90') can be named in the expression",
            json_schema_extra={"x-agentnet": "input"},
        ),
    ] = "",
    handed: Annotated[
        bool, Field(description="Whether the data was handed over (a file, piped text, an earlier output)",
                    json_schema_extra={"x-agentnet": "handed"})
    ] = False,
) -> ToolOutput:  # fmt: skip
    """Evaluate arithmetic, percentages and unit conversions; the result first, then what was computed."""
    if (rate := rates.find(expression)) is not None:  # "150 a month ... after 2 years": before "150" reads alone
        return rates.answer(rate, show)
    if (changed := prices.change(expression, show)) is not None:  # "was 1200, now 960: what percent discount?"
        return changed
    expression, variables = stated.asked(continued.named_places(prices.rewritten(expression)), context, handed)
    if (follows := continued.continued(expression, context if handed else "")) is not None:
        expression = follows  # "multiply by 4" of "13 words": 13 * 4
    # "add them up" of handed numbers (an OCR'd receipt): their sum, not "no arithmetic found".
    if (total := totals.answer(expression, context if context != expression else "", show)) is not None:
        return total
    parts = _questions(expression)
    # "convert 5 miles to km and convert 3 kg to pounds" reads as one conversion, the first, and the
    # second was dropped: two conversions are two questions.
    # "Convert 10 km to miles, then round it to 1 decimal" read as the conversion alone, the rounding
    # dropped: an operation on the result is a question of its own.
    if sum(_converts(part) for part in parts) < 2 and not any(_works_on_result(part) for part in parts[1:]):
        try:
            return _one(expression, variables)
        except CalculatorError as exc:
            # "what's 15% of 80 and convert 5 miles to km": two questions, each answered, when the whole
            # reads as no one expression (the one-step plan hands the tool the whole request). Not when it
            # was read and has no answer: "round(1, 40)" was then cut at its comma ("round( is never closed").
            if len(parts) < 2 or isinstance(exc, NoAnswerError):
                raise
    results = _answers(parts, variables)
    if len(results) == 1:
        return results[0][1]
    text = "\n".join(f"{part}: {result.text}" for part, result in results)
    return ToolOutput(text, {"results": [result.data for _, result in results], "text": text})


def _answers(parts: list[str], variables: dict[str, Decimal]) -> list[tuple[str, ToolOutput]]:
    """Each question's answer; one that works on the result before it ("what is 10 percent of 250, minus
    5", "convert 10 km to miles, then round it to 1 decimal") joins it, in its unit ("6.2 mi")."""
    results: list[tuple[str, ToolOutput]] = []
    for part in parts:
        follows = continued.continued(part, results[-1][1].text) if results else None
        if follows is None:
            results.append((part, _one(part, variables)))
            continue
        result = _one(follows, variables)
        if _ASKED_AGAIN.match(part):  # "..., and what is 10% of that?": a question of its own, both answered
            results.append((part, result))
            continue
        before, done = results.pop()
        if unit := done.data.get("unit"):
            result = ToolOutput(f"{result.text} {unit}", {**result.data, "unit": unit, "text": f"{result.text} {unit}"})
        results.append((f"{before}, {part}", result))
    return results


# Where one question ends and the next begins: ";", "?", a factorial's "!" before words ("What is 5! Then
# add 2", which was refused: "cannot read the expression from add"), or "and"/a comma before more numbers.
_QUESTIONS = re.compile(
    r"\s*(?:[;?]\s*(?:and\s+)?|(?<=\d!)\s+(?:and\s+)?(?=[a-z])|,?\s+and\s+(?=\D*\d)|,\s+(?=\D*\d))\s*",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_ASKED_AGAIN = re.compile(r"^\W*(?:and\s+)?(?:what\s+is|what's|how\s+much\s+is)\b", re.IGNORECASE)


def _questions(expression: str) -> list[str]:
    """The questions of ``expression``, a compound quantity ("1 hour and 30 minutes in minutes") kept whole."""
    kept = [compound.span for compound in units.compounds(expression)]
    parts, start = [], 0
    for separator in _QUESTIONS.finditer(expression):
        if not any(begin < separator.start() < end for begin, end in kept):
            parts.append(expression[start : separator.start()])
            start = separator.end()
    parts.append(expression[start:])
    return [part.strip() for part in parts if _DIGIT.search(part)]


def _works_on_result(part: str) -> bool:
    try:
        return continued.continued(part, "1") is not None
    except CalculatorError:
        return False


def _converts(text: str) -> bool:
    return any(find(text) for find in (units.compounds, units.find_conversion, currency.find_exchange))


def _one(expression: str, variables: dict[str, Decimal]) -> ToolOutput:
    comparison = numcompare.find(expression)
    if comparison is not None:
        return ToolOutput(*numcompare.answer(comparison, lambda side: evaluate(side, variables), show))
    # Before units: "10 USD in EUR" reads as no unit conversion, and the words dropped, as 10.
    exchange = currency.find_exchange(expression)
    if exchange is not None:
        money = currency.exchanged(evaluate(exchange.amount, variables), exchange)
        text = f"{money:f} {exchange.dst}"
        data = {"result": float(money), "unit": exchange.dst, "from": exchange.src, "rate": str(exchange.rate)}
        return ToolOutput(text, {**data, "text": text})
    compounds = units.compounds(expression)
    if compounds:
        # Before the one-unit conversion, which reads "2 feet 3 inches to cm" as "3 inches to cm".
        compound = compounds[0]
        result = units.compound_value(compound)
        text = f"{show(result)} {compound.dst.symbol}"
        source = "+".join(piece.symbol for _, piece in compound.pieces)
        return ToolOutput(text, {"result": float(result), "unit": compound.dst.symbol, "from": source, "text": text})
    conversion = units.find_conversion(expression)
    if conversion is not None:
        amount, src, dst = conversion
        value = evaluate(amount, variables)
        result = units.convert(value, src, dst)
        text = units.in_targets(expression, value, src, dst, show)
        return ToolOutput(text, {"result": float(result), "unit": dst.symbol, "from": src.symbol, "text": text})
    if (arithmetic := quantities.find(expression)) is not None:  # no target unit: "5 km + 300 m"
        return ToolOutput(*quantities.answer(arithmetic, lambda text: evaluate(text, variables), show))
    try:
        if (unknown := units.unknown_unit(expression, asked=True)) is None:
            result = evaluate(expression, variables)
            unknown = units.unknown_target(expression)
    except CalculatorError:
        if (unknown := units.unknown_unit(expression)) is None:
            raise
    if unknown is not None:
        raise CalculatorError(
            f"unknown unit {unknown!r} in {expression[:120]!r}", hint=f"units it converts: {units.known_units()}"
        )
    _refuse_a_lone_number(expression, variables)
    return ToolOutput(show(result), {"result": float(result), "text": show(result)})


# A number and the word after it, and money signs: "10 km", "10 USD" and "$5" are amounts, read as 10 and 5.
_AFTER_NUMBER = re.compile(r"\d[\d,.]*\s*([A-Za-z\u00b0][A-Za-z\u00b2/]*)")
_MONEY_SIGN = re.compile(r"[$\u20ac\u00a3]\s*\d")


def _refuse_a_lone_number(expression: str, variables: dict[str, Decimal]) -> None:
    """Refuse a request whose only arithmetic is one number written in passing ("Is 2028 a leap year?"):
    as a fallback the calculator answered 2028. A named value from the data ("the total") is an answer."""
    found = tokens(expression, variables)
    after = _AFTER_NUMBER.search(expression)
    word = after.group(1) if after else ""
    amount = units.unit(word) is not None or re.fullmatch(r"[A-Z]{3}", word) or _MONEY_SIGN.search(expression)
    if len(found) == 1 and found[0].kind == "num" and tokens(expression) == found and not amount:
        raise CalculatorError(f"no calculation in {expression[:120]!r}: its only number is {found[0].value}",
                              hint="write the arithmetic, e.g. '(3 + 4) * 2' or '15% of 240'")  # fmt: skip
