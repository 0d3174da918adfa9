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
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from agentnet.collaborators import continued, currency, numcompare, prices, quantities, rates, stated, totals, units
from agentnet.collaborators.arithmetic import evaluate, show
from agentnet.collaborators.mathtext import (
    CalculatorError,
    NoAnswerError,
    tokens,
)
from agentnet.nodes.outputs import ToolOutput


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
_IN_MORE_WORDS = re.compile(r"\s+[A-Za-z]")


def _refuse_a_lone_number(expression: str, variables: dict[str, Decimal]) -> None:
    """Refuse a request whose only arithmetic is one number written in passing ("Is 2028 a leap year?"):
    as a fallback the calculator answered 2028. A named value from the data ("the total") is an answer."""
    found = tokens(expression, variables)
    after = _AFTER_NUMBER.search(expression)
    word = after.group(1) if after else ""
    if after and word.lower() == "in" and _IN_MORE_WORDS.match(expression, after.end()):
        word = ""  # "120 in a week", "120 in total": the preposition, not 120 inches
    amount = units.unit(word) is not None or re.fullmatch(r"[A-Z]{3}", word) or _MONEY_SIGN.search(expression)
    if len(found) == 1 and found[0].kind == "num" and tokens(expression) == found and not amount:
        raise CalculatorError(f"no calculation in {expression[:120]!r}: its only number is {found[0].value}",
                              hint="write the arithmetic, e.g. '(3 + 4) * 2' or '15% of 240'")  # fmt: skip
