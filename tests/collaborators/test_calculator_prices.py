"""Prices and amounts as people state them (collaborators/prices.py, rates.py): a percentage off or on
a price stated after it ("A jacket costs 80 dollars and is 25% off. What do I pay?" was refused: "the
expression ends too early"), items at a price each, the percentage change between two prices, and an
amount per period over a span ("If I save 150 a month, how much do I have after 2 years?" was refused as
the lone number 150). Also the roundings named in words, a share "of that" asked again, an exclamation
after a number ("I scored 5!" was answered 120) and today's date asked for without a date."""

from __future__ import annotations

import pytest

from agentnet.collaborators.calculator import calculate
from agentnet.collaborators.dates import date_calc, today
from agentnet.errors import UserError


@pytest.mark.parametrize(
    ("request_text", "answer"),
    [("A jacket costs 80 dollars and is 25% off. What do I pay?", "60"),
     ("A jacket costs 80 dollars with 25% off. What do I pay?", "60"),
     ("The shoes cost $120, 30% off. How much do I pay?", "84"),
     ("What is 80 with a 25% discount?", "60"),
     ("A 25% discount on 80", "60"),
     ("What is 1,200 with 10% off?", "1080"),
     ("80 reduced by 25%", "60"),
     # An increase: "25% more", "increased by", "goes up".
     ("What is 25% more than 80?", "100"),
     ("What is 40 increased by 15%?", "46"),
     ("My rent is 1500 and goes up 4%. What is the new rent?", "1560"),
     ("I earn 3200 a month and get a 5% raise. What do I earn now?", "3360"),
     # The forms read before are read as they were.
     ("What is 15% off 80?", "68"), ("25% off 80", "60"), ("Add 8% tax to 42.50", "45.9"),
     ("80 + 15% on top", "92"),
     # Items at a price each.
     ("How much is 3 coffees at 4.20 each?", "12.6"), ("4 tickets for $12.50 apiece", "50"),
     # A price shared by the people stated, asked per person; the statement alone asks nothing.
     ("A pizza costs 18 and we are 4 people. How much does each pay?", "4.5"),
     ("We are 3 friends and dinner cost 96. How much does each person pay?", "32"),
     ("The taxi was 45 for 3 people. How much per person?", "15"),
     # A change from one price to another, and a share of a number.
     ("A laptop was 1200 and now costs 960. What percent discount is that?", "20% less (from 1200 to 960)"),
     ("The price went from 50 to 65. What is the percentage increase?", "30% more (from 50 to 65)"),
     ("What percent of 80 is 20?", "25% (20 of 80)"),
     ("What percentage is 30 of 120?", "25% (30 of 120)"),
     ("What is 20% of 150 plus 10?", "40")],
)  # fmt: skip
def test_a_price_as_people_state_it(request_text: str, answer: str) -> None:
    assert calculate(request_text).text == answer


@pytest.mark.parametrize(
    ("request_text", "answer"),
    # The sharing after the amount: "cannot read the expression from split".
    [("64.80 split between 3 people", "21.6"), ("What is 90 shared among 3 friends?", "30"),
     ("what is 100 divided evenly between 4 people", "25"),
     # The verb first, and the result shared out, as before.
     ("split 120 between 3 people", "40"), ("Add a 15% tip to 64.80 and split it between 3 people", "24.84")],
)  # fmt: skip
def test_an_amount_split_between_people(request_text: str, answer: str) -> None:
    assert calculate(request_text).text == answer


@pytest.mark.parametrize(
    ("request_text", "answer"),
    [("If I save 150 a month, how much do I have after 2 years?", "3600 (150 a month over 2 years)"),
     ("I earn 3200 a month. What is that per year?", "38400 (3200 a month over 1 year)"),
     ("I drive 30 miles a day. How far do I drive in a week?", "210 miles (30 miles a day over 1 week)"),
     ("I pay 1,200 a year. How much is that a month?", "100 (1200 a year over 1 month)"),
     ("I earn 20 an hour. How much for 40 hours?", "800 (20 an hour over 40 hours)"),
     ("My hotel costs 120 a night. How much for 5 nights?", "600 (120 a night over 5 nights)"),
     # A week of nights is 7 of them; "that in a week" was read as "120 in a week", 120 inches, and answered 120.
     ("I pay 120 a night. How much is that in a week?", "840 (120 a night over 1 week)"),
     ("I save 50 a week. How much after 3 months?",
      "650 (50 a week over 3 months; a month as a twelfth of a year)")],
)  # fmt: skip
def test_an_amount_per_period_over_a_span(request_text: str, answer: str) -> None:
    assert calculate(request_text).text == answer


def test_a_rate_with_interest_or_hours_in_a_day_is_not_multiplied_out() -> None:
    """Interest is no simple product, and a day's working hours are not stated: neither is guessed."""
    with pytest.raises(UserError):
        calculate("If I save 150 a month with 5% interest, how much after 2 years?")
    with pytest.raises(UserError):
        calculate("I earn 20 an hour. How much do I make in a day?")
    with pytest.raises(UserError):
        calculate("The room is 120 a night. How much for a day?")


@pytest.mark.parametrize(
    ("request_text", "answer"),
    [("Convert 5 miles to km and then round it to the nearest whole number.", "8 km"),
     ("round 8.04672 to the nearest whole number", "8"),
     ("What is 1000 divided by 7, rounded to the nearest cent?", "142.86"),
     ("What is 25% of 80, and what is 10% of that?", "What is 25% of 80: 20\nwhat is 10% of that: 2"),
     ("What is 10 percent of 250, minus 5", "20"),
     # The result shared out; an amount stated before, converted.
     ("Add a 15% tip to 64.80 and split it between 3 people", "24.84"),
     ("I have 2.5 liters. How many cups is that?", "10.5668820943 cup"),
     ("My run was 5 km. What is that in miles?", "3.1068559612 mi"),
     ("I weigh 70 kg. Convert it to pounds.", "154.3235835294 lb"),
     # A result doubled or halved.
     ("What's 15% of 80 plus 5, then double it?", "34"), ("What is 7 times 6, then halve it", "21"),
     # An exclamation after a number is no factorial; after "what is" it is.
     ("I scored 5! Can you convert 5 km to miles?", "3.1068559612 mi"),
     ("I scored 5! What is double that?", "10"),
     ("What is 5! Then add 2", "122")],
)  # fmt: skip
def test_roundings_shares_of_that_and_exclamations(request_text: str, answer: str) -> None:
    assert calculate(request_text).text == answer


@pytest.mark.parametrize(
    "question", ["What's the date?", "tell me what day it is", "What day is it?", "the current date"]
)
def test_today_is_the_date_asked_for_without_one(question: str) -> None:
    day = today()
    assert date_calc(question).text == f"{day.isoformat()} ({day.strftime('%A')})"


def test_a_date_of_something_unnamed_is_still_refused() -> None:
    with pytest.raises(UserError, match="no date found"):
        date_calc("What is the date of the meeting?")
