"""Comparisons with a number in a table question filter the rows on one column before the count, the
list or the aggregate: "how many people are older than 30" counted every row, "who is at least 33"
answered the youngest (the "least" of "at least"), "average age of people younger than 40" failed on
a condition "age == people"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_table_columns_run import ran

from agentnet.collaborators.tables import TableError, query_table

PEOPLE = json.dumps([{"name": "Ann", "age": 41, "city": "Paris"}, {"name": "Bob", "age": 41, "city": "Oslo"},
                     {"name": "Cy", "age": 25, "city": "Rome"}, {"name": "Di", "age": 33, "city": "Oslo"},
                     {"name": "Ed", "age": 19, "city": "Lima"}])  # fmt: skip
SHOP = "item,price,stock\napple,3.5,10\nbread,4.99,2\ncheese,12,5\nwine,25,0\n"
STAFF = "name,age,salary\nAnn,41,5000\nBob,29,4000\nCy,35,6000\n"  # two numeric columns
BORN = '[{"name": "Ann", "born": 1990}, {"name": "Bob", "born": 1985}, {"name": "Cy", "born": 2001}]'


@pytest.mark.parametrize(
    ("table", "question", "answer"),
    [
        (PEOPLE, "how many people are older than 30", "3 rows where age > 30"),
        (PEOPLE, "who is older than 30", "Ann, Bob and Di (3 rows where age > 30)"),
        (PEOPLE, "average age of people younger than 40", "25.6666666667 (mean of age where age < 40)"),
        (PEOPLE, "who is at least 33", "Ann, Bob and Di (3 rows where age >= 33)"),
        (PEOPLE, "list people aged 30 or more", "Ann, Bob and Di (3 rows where age >= 30)"),
        (PEOPLE, "names of people whose age is under 30", "Cy and Ed (2 rows where age < 30)"),
        (PEOPLE, "count people with age > 30", "3 rows where age > 30"),
        (PEOPLE, "how many are over 40", "2 rows where age > 40"),  # the one numeric column
        (PEOPLE, "average age of people older than 20 in Oslo", "37 (mean of age where age > 20 and city == Oslo)"),
        (PEOPLE, "who is younger than 19", "no rows where age < 19"),
        (PEOPLE, "how many people are older than 40", "2 rows where age > 40"),
        (PEOPLE, "how many people are 41 or older", "2 rows where age >= 41"),
        (PEOPLE, "how many people are younger than 20", "1 row where age < 20"),
        (SHOP, "rows where price is under 5", "apple and bread (2 rows where price < 5)"),
        (SHOP, "which items cost less than 5", "apple and bread (2 rows where price < 5)"),
        (SHOP, "how many items are cheaper than 5", "2 rows where price < 5"),
        (SHOP, "which items are more expensive than 10", "cheese and wine (2 rows where price > 10)"),
        (SHOP, "which items have more than 4 in stock", "apple and cheese (2 rows where stock > 4)"),
        (SHOP, "what is the total stock of items with a price of at most 12", "17 (sum of stock where price <= 12)"),
        (SHOP, "what is the highest price of items under $5", "bread (max price: 4.99)"),
        (BORN, "who is older than 1989", "Bob (1 row where born < 1989)"),  # a birth year: older is earlier
        (STAFF, "who is 35 years old or more", "Ann and Cy (2 rows where age >= 35)"),
        (STAFF, "who is 35 or older", "Ann and Cy (2 rows where age >= 35)"),
        (STAFF, "who is under 30 years of age", "Bob (1 row where age < 30)"),
        (STAFF, "who earns more than 4500", "Ann and Cy (2 rows where salary > 4500)"),
    ],
)
def test_a_comparison_filters_its_column(table: str, question: str, answer: str) -> None:
    assert query_table(table, question).text == answer


@pytest.mark.parametrize(
    ("question", "words"), [("how many items are above 10", "above 10"), ("list the rows over 3", "over 3")]
)
def test_a_comparison_whose_column_cannot_be_told_names_the_columns(question: str, words: str) -> None:
    with pytest.raises(TableError, match=f"cannot tell which column '{words}' compares: the table's columns are "
                       "item, price, stock") as raised:  # fmt: skip
        query_table(SHOP, question)
    assert raised.value.conclusive


def test_a_comparative_without_its_kind_of_column_is_named() -> None:
    with pytest.raises(TableError, match="cannot tell which column 'taller than 180' compares"):
        query_table(PEOPLE, "who is taller than 180")


@pytest.mark.usefixtures("agentnet_home")
@pytest.mark.parametrize(
    ("task", "answer"),
    [("count the people older than 30 in people.json", "3 rows where age > 30"),
     ("rows where price is under 5 in shop.csv", "apple and bread (2 rows where price < 5)"),
     ("which items in shop.csv cost more than 4", "bread, cheese and wine (3 rows where price > 4)")],
)  # fmt: skip
def test_comparisons_through_the_cli(task: str, answer: str) -> None:
    """Real files, the real CLI on the default network: it answered "5 rows", "2 rows where price < 5"
    and "0 rows where item > 4"."""
    Path("people.json").write_text(PEOPLE)
    Path("shop.csv").write_text(SHOP)
    result = ran(task)
    assert result["status"] == "succeeded" and result["answer"] == answer, result


def test_a_field_of_the_rows_a_question_names_is_its_value() -> None:
    """ "What is the price of cherry in prices.csv?" was answered "1 row where item == cherry"."""
    prices = "item,price,qty\napple,1.20,10\nbanana,0.50,25\ncherry,4.75,3\n"
    people = "name,age,city\nAnn,34,Lyon\nBob,27,Rome\nCleo,41,Lyon\n"
    assert query_table(prices, "What is the price of cherry in prices.csv?").text == "4.75 (price where item == cherry)"
    assert query_table(people, "What is the age of Ann?").text == "34 (age where name == Ann)"
    assert query_table(people, "What is the age of people in Lyon?").text == "34 and 41 (age where city == Lyon)"
    # Counts, lists and aggregates read as before.
    assert query_table(people, "How many people live in Lyon?").text == "2 rows where city == Lyon"
    assert query_table(people, "Who lives in Lyon?").text == "Ann and Cleo (2 rows where city == Lyon)"
    assert query_table(prices, "What is the total price?").text == "6.45 (sum of price)"


def test_the_group_with_the_most_rows_when_the_file_is_named_between() -> None:
    """ "Which city in people.csv has the most people?" was refused: the table has no column "people"."""
    people = "name,age,city\nAnn,34,Lyon\nBob,27,Rome\nCleo,41,Lyon\n"
    assert query_table(people, "Which city in people.csv has the most people?").text == "Lyon (2 of 3 rows)"
