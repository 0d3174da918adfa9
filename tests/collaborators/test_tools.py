"""Dates, text statistics and table queries on real inputs."""

from __future__ import annotations

import json

import pytest

from agentnet.collaborators.dates import DateError, date_calc
from agentnet.collaborators.tables import TableError, query_table
from agentnet.collaborators.textstats import NoTextError, text_stats


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("What date is 90 days after 2024-03-01?", "2024-05-30 (Thursday)"),
        ("What date was 2 weeks before 1 March 2024?", "2024-02-16 (Friday)"),
        ("Add 1 month to January 31, 2024", "2024-02-29 (Thursday)"),  # clamped to the month's last day
        ("How many days are there between 2024-01-15 and March 1, 2024?", "46 days"),
        ("How many weeks between 2024-01-01 and 2024-03-04?", "9 weeks"),
        ("What day of the week is 2025-12-25?", "Thursday"),
        ("What time is it 3 hours 45 minutes after 22:30?", "02:15"),
        ("How long from 9:15 am to 5:40 pm?", "8 hours 25 minutes"),
    ],
)
def test_date_arithmetic(question: str, answer: str) -> None:
    assert date_calc(question).text == answer


def test_impossible_dates_and_missing_dates_are_errors() -> None:
    with pytest.raises(DateError, match="not a date"):
        date_calc("What day is 2024-02-30?")
    # "What day is it?" asks for today (dates.py, _today_answer); a day of something unnamed has no date.
    with pytest.raises(DateError, match="no date"):
        date_calc("What day is the party?")


def test_text_statistics_never_measure_the_request_itself() -> None:
    """With no text handed over the input is the request: its quoted text or what follows its colon is
    measured; a request with neither is refused, not counted."""
    asked = 'How many words are in "one two three"?'
    assert text_stats(asked, "words", request=asked).text == "3 words"
    asked = "Count the words of this: bees make honey."
    assert text_stats(asked, "words", request=asked).text == "3 words"
    with pytest.raises(NoTextError, match="no text to measure"):
        text_stats("count the words in notes.txt", "words", request="count the words in notes.txt")
    assert text_stats("a b", "words", request="count the words").text == "2 words"


def test_text_statistics_count_what_is_asked() -> None:
    text = "Bees make honey. They live in hives!\n\nWasps do not make honey."
    everything = text_stats(text)
    assert everything.data["words"] == 12 and everything.data["lines"] == 2 and everything.data["sentences"] == 3
    assert text_stats(text, "words").text == "12 words"
    assert text_stats("one", "word").text == "1 word"
    assert text_stats(text, "paragraphs").text == "2 paragraphs"


CITIES = "city,population,area_km2,country\nParis,2100000,105,France\nLyon,520000,48,France\n" \
    "Berlin,3600000,891,Germany\nMunich,1500000,310,Germany\n"  # fmt: skip


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("How many rows have a population over 1000000?", "3 rows"),
        ("Count the cities where population exceeds 2,000,000", "2 rows"),
        ("How many cities have an area of at least 310?", "2 rows"),
        ("How many rows have a population below 600000?", "1 row"),
        ("How many cities are in France?", "2 rows"),
        ("What is the average population?", "1930000"),
        ("What is the total area where country is Germany?", "1201"),
        ("Which city has the highest population?", "Berlin"),
        ("Which city has the smallest area?", "Lyon"),
    ],
)
def test_questions_over_csv(question: str, first: str) -> None:
    assert query_table(CITIES, question).text.startswith(first)


def test_receipts_json_records_and_objects() -> None:
    receipt = "Coffee 3.50\nBagel 2.25\nSubtotal 5.75\nTax 0.46\nTotal 6.21"
    assert query_table(receipt, "What is the total with tax?").text.startswith("6.21")
    assert query_table(receipt, "How much was the tax?").text.startswith("0.46")
    records = json.dumps([{"name": "a", "score": 3}, {"name": "b", "score": 9}, {"name": "c", "score": 5}])
    assert query_table(records, "Who has the highest score?").text.startswith("b")
    assert query_table(records, "How many records have a score of at least 5?").data["count"] == 2
    config = json.dumps({"server": {"host": "localhost", "port": 8080}, "debug": True})
    assert query_table(config, "What is the port?").data == {
        "field": "server.port",
        "value": 8080,
        "text": "8080 (server.port)",
    }


def test_text_without_a_table_is_an_error() -> None:
    with pytest.raises(TableError, match="no table"):
        query_table("just some words", "How many rows?")
