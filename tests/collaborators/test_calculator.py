"""The calculator: arithmetic as people write it, through a parser (never eval), with refusals."""

from __future__ import annotations

import time

import pytest

from agentnet.collaborators.calculator import calculate
from agentnet.collaborators.mathtext import CalculatorError


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("(12.5 + 7.25) * 3", "59.25"),
        ("What is 15% of 240?", "36"),
        ("What is 17.5% of 2,480?", "434"),
        ("add 8% tax to 42.50", "45.9"),
        ("80 + 15%", "92"),
        ("What is 20% off 80?", "64"),
        ("increase 200 by 10%", "220"),
        ("7 times 8 minus 6", "50"),
        ("what is 3 plus 4 times 2", "11"),
        ("2 to the power of 10", "1024"),
        ("2^3^2", "512"),
        ("-3^2", "-9"),
        ("Subtract 7 from 20", "13"),
        ("Divide 144 by 12", "12"),
        ("What is the square root of 144?", "12"),
        ("3.5 squared", "12.25"),
        ("What is the average of 3, 5 and 10?", "6"),
        ("sum of 4, 5 and 6", "15"),
        ("0.1 + 0.2", "0.3"),  # decimal arithmetic: no 0.30000000000000004
        ("What is 1/3?", "0.3333333333"),
        ("Convert 5 miles to km", "8.04672 km"),
        ("How many feet are in 3 meters?", "9.842519685 ft"),
        ("How many kilometres are 34 miles?", "54.717696 km"),
        ("how many km is 2.5 miles", "4.02336 km"),
        ("37 degrees C in F", "98.6 \u00b0F"),
        ("Convert 2 kg to pounds", "4.4092452437 lb"),
    ],
)
def test_arithmetic_percentages_phrases_and_units(question: str, answer: str) -> None:
    assert calculate(question).text == answer


def test_labelled_values_of_the_given_data_can_be_named() -> None:
    receipt = "Coffee 3.50\nBagel 2.25\nSubtotal 5.75\nTax 0.46\nTotal 6.21"
    result = calculate("What is the total with a 15% tip?", receipt)
    assert result.text == "7.1415" and result.data["result"] == pytest.approx(7.1415)
    assert calculate("subtotal plus tax", '{"subtotal": 5.75, "tax": 0.46}').text == "6.21"


@pytest.mark.parametrize(
    "attack",
    [
        "__import__('os').system('echo hacked')",
        "().__class__.__bases__[0].__subclasses__()",
        "open('/etc/passwd').read()",
        "os.system('ls')",
        "lambda: 1",
        "[x for x in range(10)]",
    ],
)
def test_code_is_refused_not_evaluated(attack: str) -> None:
    with pytest.raises(CalculatorError) as caught:
        calculate(attack)
    assert caught.value.code == "calculator_refused" and "code" in caught.value.message


@pytest.mark.parametrize("huge", ["9**9**9", "2^100000", "10^1001", "(10^500)^3"])
def test_huge_exponents_are_refused_at_once(huge: str) -> None:
    started = time.perf_counter()
    with pytest.raises(CalculatorError, match="more than 1000 digits"):
        calculate(huge)
    assert time.perf_counter() - started < 1.0  # refused before computing, not after


@pytest.mark.parametrize(
    ("bad", "message"),
    [("1 / 0", "division by zero"), ("(3 + 4", "never closed"), ("what is the meaning of life", "no arithmetic")],
)
def test_errors_say_what_is_wrong(bad: str, message: str) -> None:
    with pytest.raises(CalculatorError, match=message):
        calculate(bad)


@pytest.mark.parametrize(
    ("question", "unknown"),
    [("convert 10 blorps to meters", "blorps"), ("convert 5 furlongs to parsecs", "furlongs"),
     ("how many blorps in 3 meters", "blorps"), ("5 km in smoots", "smoots"), ("what is 5 km in smoots?", "smoots"),
     ("2.5 kg into stones", "stones")],
)  # fmt: skip
def test_an_unknown_unit_is_named(question: str, unknown: str) -> None:
    """It failed on "to" ("cannot read the expression from to"), or read "how many blorps in 3 meters" as 3
    and "5 km in smoots" as 5 (the unknown target dropped)."""
    with pytest.raises(CalculatorError, match=f"unknown unit '{unknown}'") as caught:
        calculate(question)
    assert "length: m, km" in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("question", "answer"), [("5 miles in total", "5"), ("5 km in length", "5"), ("2 kg in grams", "2000 g")]
)
def test_a_word_after_in_that_says_how_is_no_unit(question: str, answer: str) -> None:
    assert calculate(question).text == answer


def test_converting_between_kinds_of_unit_is_an_error() -> None:
    with pytest.raises(CalculatorError, match="cannot convert"):
        calculate("5 km in kg")


@pytest.mark.parametrize(
    ("questions", "answers"),
    [
        ("what's 15% of 80 and convert 5 miles to km", ["what's 15% of 80: 12", "convert 5 miles to km: 8.04672 km"]),
        ("2+2? and 3*3?", ["2+2: 4", "3*3: 9"]),
        ("12*7; 5 km in miles", ["12*7: 84", "5 km in miles: 3.1068559612 mi"]),
        # Two conversions: the whole read as the first one alone.
        (
            "convert 5 miles to km and convert 3 kg to pounds",
            ["convert 5 miles to km: 8.04672 km", "convert 3 kg to pounds: 6.6138678655 lb"],
        ),
        ("100 F to C, 0 C to F", ["100 F to C: 37.7777777778 \u00b0C", "0 C to F: 32 \u00b0F"]),
    ],
)
def test_several_questions_are_each_answered(questions: str, answers: list[str]) -> None:
    """The one-step plan hands the calculator the whole request: two questions in it, each answered,
    failed to parse ("cannot read the expression from and") and a word tool stood in."""
    assert calculate(questions).text.splitlines() == answers


def test_one_expression_with_and_stays_one() -> None:
    assert calculate("What is the average of 3, 5 and 10?").text == "6"
    with pytest.raises(CalculatorError, match="no arithmetic"):
        calculate("what is the meaning of life and of death")


@pytest.mark.parametrize(
    ("question", "src", "dst"),
    [("10 USD in EUR", "USD", "EUR"), ("convert 10 USD to EUR", "USD", "EUR"), ("what is $10 in euros?", "USD", "EUR"),
     ("How many yen is 10 dollars?", "USD", "JPY"), ("10 pounds in euros", "GBP", "EUR")],
)  # fmt: skip
def test_money_without_a_rate_is_a_conclusive_error(question: str, src: str, dst: str) -> None:
    """ "10 USD in EUR" answered 10: the currency words named no unit and were dropped."""
    expected = f"cannot convert {src} to {dst}: agentnet has no exchange rates"
    with pytest.raises(CalculatorError, match=expected) as caught:
        calculate(question)
    assert caught.value.conclusive  # a chat model asked instead makes a rate up
    assert f"at <rate> {dst} per {src}" in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("question", "answer"),
    [("10 USD at 0.92 EUR per USD", "9.20 EUR"), ("convert 10 USD to EUR at 0.92", "9.20 EUR"),
     ("100 EUR at 1.09 USD per EUR", "109.00 USD"), ("10 USD in EUR at 1.09 USD per EUR", "9.17 EUR"),
     ("10 pounds in kg", "4.5359237 kg"), ("10 USD in total", "10")],
)  # fmt: skip
def test_money_converts_at_the_rate_the_request_gives(question: str, answer: str) -> None:
    assert calculate(question).text == answer


@pytest.mark.parametrize(
    ("question", "message"),
    [("10 USD at 0.92", "names no currency"), ("10 USD to EUR at 0.92 GBP per USD", "not a rate between USD and EUR")],
)
def test_a_rate_that_does_not_fit_is_named(question: str, message: str) -> None:
    with pytest.raises(CalculatorError, match=message):
        calculate(question)


@pytest.mark.parametrize(
    ("question", "answer"),
    [("convert 2 feet and 3 inches to cm", "68.58 cm"), ("2 feet 3 inches in cm", "68.58 cm"),
     ("1 hour and 30 minutes in minutes", "90 min"), ("5 lb 4 oz in kg", "2.3813599425 kg"),
     ("5 lb, 4 oz in kg", "2.3813599425 kg"), ("6 ft 2 in to m", "1.8796 m"),
     ("how many cm in 2 feet 3 inches", "68.58 cm"), ("how many minutes are in 1 hour and 30 minutes?", "90 min")],
)  # fmt: skip
def test_a_compound_quantity_is_one_quantity(question: str, answer: str) -> None:
    """ "convert 2 feet and 3 inches to cm" was answered piecewise ("convert 2 feet: 2", "3 inches to cm:
    7.62 cm"), and "2 feet 3 inches in cm" as 3 inches alone."""
    assert calculate(question).text == answer


@pytest.mark.parametrize(
    ("questions", "answers"),
    [("1 hour and 30 minutes in minutes and 5 km in miles",
      ["1 hour and 30 minutes in minutes: 90 min", "5 km in miles: 3.1068559612 mi"]),
     ("5 km in miles and 3 kg in lb", ["5 km in miles: 3.1068559612 mi", "3 kg in lb: 6.6138678655 lb"]),
     # Not one quantity: a smaller unit first is two amounts.
     ("10 km and 5 miles in km", ["10 km: 10", "5 miles in km: 8.04672 km"])],
)  # fmt: skip
def test_a_compound_quantity_beside_other_questions(questions: str, answers: list[str]) -> None:
    assert calculate(questions).text.splitlines() == answers


def test_a_compound_quantity_of_another_kind_is_an_error() -> None:
    with pytest.raises(CalculatorError, match=r"cannot convert ft \(length\) to kg"):
        calculate("2 feet 3 inches in kg")


def test_the_names_of_handed_files_are_dropped() -> None:
    receipt = "Subtotal 5.75\nTax 0.46\nTotal 6.21"
    assert calculate("add a 15% tip to the total in receipt.txt", receipt, handed=True).text == "7.1415"
    assert calculate("what is the total of docs/q3.txt times 2", receipt, handed=True).text == "12.42"
    assert calculate("what is 3.5 kg in lb", "", handed=True).text == "7.7161791765 lb"
    with pytest.raises(CalculatorError, match="cannot read"):
        calculate("add a 15% tip to the total in receipt.txt", receipt)  # nothing handed: the name stays
