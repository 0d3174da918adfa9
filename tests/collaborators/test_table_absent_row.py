"""A field asked of a row the table does not have: "What is the price of kiwi?" of a table without kiwi
answered "3 rows" (with no row named, the question fell through to counting all of them). It is a
conclusive error now, saying which values the table holds; rows it has still answer, plurals too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentnet.collaborators.tables import TableError, query_table

PRICES = "fruit,price\napple,1.20\nbanana,0.50\npear,0.80\npeach,2\n"
AGENTNET = str(Path(sys.executable).parent / "agentnet")


@pytest.mark.parametrize(
    "question", ["What is the price of kiwi?", "what's the price for 'green tea'?", "Tell me the price of Kiwi"]
)
def test_a_row_the_table_lacks_is_named_absent(question: str) -> None:
    with pytest.raises(TableError, match=r"no row has '[\w ]+', so it has no price: the fruit column holds apple, "
                       r"banana, pear and peach") as caught:  # fmt: skip
        query_table(PRICES, question)
    assert caught.value.conclusive


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("What is the price of apple?", "1.2 (price where fruit == apple)"),
        ("What is the price of apples?", "1.2 (price where fruit == apple)"),  # was "4 rows"
        ("What is the price of peaches?", "2 (price where fruit == peach)"),
        ("How many rows?", "4 rows"),
        ("What is the price of each fruit?", None),  # no row asked: not refused
    ],
)
def test_rows_the_table_has_still_answer(question: str, answer: str | None) -> None:
    output = query_table(PRICES, question)
    assert answer is None or output.text == answer


PEOPLE = "name,age,city\nAnn,34,Lyon\nBob,41,Paris\nDi,29,Lyon\n"


@pytest.mark.parametrize(
    ("table", "question", "answer"),
    [
        # A field asked of every row, in words other than "each <column>": each row's, not "3 rows".
        (PEOPLE, "What is the age of each person?", "Ann 34, Bob 41, Di 29 (age per name)"),
        (PEOPLE, "What are the ages of the people?", "Ann 34, Bob 41, Di 29 (age per name)"),
        (PEOPLE, "What is the city of every row?", "Ann Lyon, Bob Paris, Di Lyon (city per name)"),
        (PRICES, "What are the prices of the fruits?", "apple 1.20, banana 0.50, pear 0.80, peach 2 (price per fruit)"),
        # Asked as a command: the names alone were listed ("apple, banana, pear and peach (4 rows)").
        (PRICES, "List the prices of the fruits.", "apple 1.20, banana 0.50, pear 0.80, peach 2 (price per fruit)"),
        (PEOPLE, "Show the ages of the people", "Ann 34, Bob 41, Di 29 (age per name)"),
        # Labelled by the city, two Lyon rows were one: "Lyon Di, Paris Bob (name per city)".
        (PEOPLE, "What is the name of each person?", "Ann, Bob and Di (name)"),
        ("name,city\nAnn,Lyon\nBob,Paris\nAnn,Nice\n", "What is the city of each row?", "Lyon, Paris and Nice (city)"),
        ("fruit,price\nfig,3.10\n", "What is the price of it?", "fig 3.10 (price per fruit)"),  # the one row
        # Not a field of every row: as before.
        (PEOPLE, "How many people live in Lyon?", "2 rows where city == Lyon"),
        (PEOPLE, "What is the age of Bob?", "41 (age where name == Bob)"),
    ],
)
def test_a_field_of_every_row(table: str, question: str, answer: str) -> None:
    assert query_table(table, question).text == answer


def test_a_field_of_it_names_no_row_of_several() -> None:
    """ "What is the price of it?" of four fruits answered "4 rows": which row "it" is, the table cannot say."""
    with pytest.raises(TableError, match=r"'it' names no row of the table, which has 4 rows: the fruit column holds "
                       r"apple, banana, pear and peach") as caught:  # fmt: skip
        query_table(PRICES, "What is the price of it?")
    assert caught.value.conclusive
    assert "the price of apple" in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("What is the salary of each person?", "salary"),
        ("What is the salary of Bob?", "salary"),
        ("Tell me the heights of everyone", "heights"),
        ("What is the price of it?", "price"),
    ],
)
def test_a_field_no_column_holds_is_named_absent(question: str, word: str) -> None:
    """A field the table has no column for was answered with a count of the rows ("3 rows", "1 row where
    name == Bob"): no other collaborator can know it from this table."""
    expected = rf"the table has no '{word}' column: its columns are name, age, city"
    with pytest.raises(TableError, match=expected) as caught:
        query_table(PEOPLE, question)
    assert caught.value.conclusive


@pytest.mark.usefixtures("agentnet_home")
def test_the_run_says_kiwi_is_absent() -> None:
    Path("prices.csv").write_text(PRICES)
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    task = "What is the price of kiwi in prices.csv?"
    done = subprocess.run([AGENTNET, "run", "--json", task], env=env, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL, check=False)  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == "failed", result
    assert "prices.csv: no row has 'kiwi', so it has no price" in result["error"]["message"], result["error"]
