"""Rows counted, added up or averaged per value of a column (collaborators/groups.py through the table
tool): "How many rows per city?" was answered "6 rows" (all of them), and "Which city has the most
people?" was refused for a column "people" the table lacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_table_columns_run import ran

from agentnet.collaborators.tables import query_table

PEOPLE = "name,age,city\nAlice,34,Lyon\nBob,28,Paris\nChloe,45,Lyon\nDavid,39,Berlin\nEmma,22,Paris\nFarid,51,Lyon\n"


@pytest.mark.parametrize(
    ("question", "answer"),
    [("How many rows per city?", "Lyon 3, Paris 2, Berlin 1 (rows per city)"),
     ("How many people live in each city?", "Lyon 3, Paris 2, Berlin 1 (rows per city)"),
     ("Count the rows by city", "Lyon 3, Paris 2, Berlin 1 (rows per city)"),
     ("How many people older than 30 live in each city?", "Lyon 3, Berlin 1 (rows per city)"),
     ("What is the average age per city?", "Lyon 43.33, Berlin 39, Paris 25 (average age per city)"),
     ("What is the total age by city?", "Lyon 130, Paris 50, Berlin 39 (total age per city)"),
     ("Which city has the most people in people.csv?", "Lyon (3 of 6 rows)"),
     ("Which city appears most often?", "Lyon (3 of 6 rows)"),
     ("What is the most common city?", "Lyon (3 of 6 rows)"),
     ("Which city is the most common?", "Lyon (3 of 6 rows)"),
     ("Which city has the fewest people?", "Berlin (1 of 6 rows)"),
     # No group: as before.
     ("Who lives in Lyon?", "Alice, Chloe and Farid (3 rows where city == Lyon)"),
     ("Which person has the highest age?", "Farid (max age: 51)"),
     ("How many people are in Lyon?", "3 rows where city == Lyon")],
)  # fmt: skip
def test_rows_per_group(question: str, answer: str) -> None:
    assert query_table(PEOPLE, question).text == answer


def test_tied_groups_are_all_named() -> None:
    table = "name,team\nAnn,red\nBob,blue\nCid,red\nDi,blue\nEd,green\n"
    assert query_table(table, "Which team has the most members?").text == "red and blue (2 rows each)"


def test_sorting_by_a_column_is_no_group() -> None:
    assert "per city" not in query_table(PEOPLE, "List the people sorted by city").text


@pytest.mark.parametrize(
    ("question", "answer"),
    [("which item is the most expensive", "cherry (max price: 4.75)"),
     ("Which item has the highest price?", "cherry (max price: 4.75)")],
)  # fmt: skip
def test_a_superlative_of_a_number_column_is_no_group(question: str, answer: str) -> None:
    """ "which item is the most expensive" was read as the item most rows have ("apple, banana and cherry
    (1 row each)")."""
    assert query_table("item,price\napple,1.20\nbanana,0.50\ncherry,4.75\n", question).text == answer


@pytest.mark.usefixtures("agentnet_home")
@pytest.mark.parametrize(
    ("task", "answer"),
    [("Which city has the most people in people.csv?", "Lyon (3 of 6 rows)"),
     ("How many rows per city in people.csv?", "Lyon 3, Paris 2, Berlin 1 (rows per city)")],
)  # fmt: skip
def test_groups_through_the_cli(task: str, answer: str) -> None:
    Path("people.csv").write_text(PEOPLE)
    result = ran(task)
    assert result["status"] == "succeeded" and result["answer"] == answer, result


PRICES = "fruit,price\napple,1.20\nbanana,0.50\npear,0.80\n"


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        # A number column asked of each group of one row: its values, not "apple 1, banana 1, pear 1".
        ("What is the price of each fruit?", "apple 1.20, banana 0.50, pear 0.80 (price per fruit)"),
        ("How many rows per fruit?", "apple 1, banana 1, pear 1 (rows per fruit)"),
        ("What is the total price per fruit?", "apple 1.2, pear 0.8, banana 0.5 (total price per fruit)"),
    ],
)
def test_a_value_per_group_of_one_row(question: str, answer: str) -> None:
    assert query_table(PRICES, question).text == answer


SALES = "region,month,revenue\nnorth,jan,100\nnorth,feb,100\nnorth,mar,100\nsouth,jan,250\neast,jan,250\n"


@pytest.mark.parametrize(
    ("question", "answer"),
    [("Which region has the highest total revenue in sales.csv?", "north (max total revenue: 300)"),
     ("which region had the biggest combined revenue", "north (max total revenue: 300)"),
     ("Which region has the lowest total revenue?", "south and east (min total revenue: 250)"),
     ("Which month has the highest total revenue?", "jan (max total revenue: 600)"),
     # One row's highest value, as before: no "total" asked.
     ("Which region has the highest revenue?", "south and east (both max revenue: 250)")],
)  # fmt: skip
def test_the_group_with_the_highest_total(question: str, answer: str) -> None:
    """Before, "the highest total revenue" was the highest revenue of one row: "south (max revenue: 250)",
    where north's three rows add up to 300."""
    assert query_table(SALES, question).text == answer
