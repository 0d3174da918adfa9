"""A table question about a column the table lacks, through the real CLI on the default network: the
run fails naming the columns there are (it once answered "35.33 (mean of age)" for "the average price
in people.json", the table's one numeric column standing in for the missing one)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agentnet.collaborators.tables import TableError, query_table

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def ran(task: str) -> dict[str, Any]:
    """The JSON result of `agentnet run --json TASK` on the default network (real CLI, no daemon)."""
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    done = subprocess.run([AGENTNET, "run", "--json", task], capture_output=True, text=True, timeout=300, env=env,
                          stdin=subprocess.DEVNULL, check=False)  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


PEOPLE = '[{"name": "Ann", "age": 34, "city": "Oslo"}, {"name": "Bob", "age": 27, "city": "Rome"}]'


@pytest.mark.usefixtures("agentnet_home")
def test_a_missing_column_is_named_not_replaced() -> None:
    Path("people.json").write_text(PEOPLE)
    result = ran("what is the average price in people.json")
    assert result["status"] == "failed", result
    assert "the table has no column 'price': its columns are name, age, city" in result["error"]["message"]


def test_columns_that_are_there_still_answer() -> None:
    assert query_table(PEOPLE, "what is the average age?").text == "30.5 (mean of age)"
    assert query_table("item,price\napple,1.2\ncherry,4.75\n", "which is the most expensive item?").text == (
        "cherry (max price: 4.75)"
    )
    with pytest.raises(TableError, match="no column 'salary'"):
        query_table(PEOPLE, "what is the highest salary?")


@pytest.mark.usefixtures("agentnet_home")
def test_a_row_with_more_cells_than_the_header_is_named() -> None:
    """The extra cells were dropped, and the average came from the rest without a word."""
    Path("ragged.csv").write_text("item,price,qty\napple,1.20,10\nbanana,0.50,25,extra\ncherry,4.75,3\n")
    result = ran("what is the average price in ragged.csv")
    assert result["status"] == "failed", result
    # The tool reads the text, not the name: the file is named by the node that handed it over.
    assert "ragged.csv: line 3 has 4 cells, the header 3" in result["error"]["message"], result["error"]


def test_a_ragged_line_is_counted_from_the_top_of_the_file() -> None:
    """Blank lines before the header were cut before the lines were counted: line 3 was line 5."""
    with pytest.raises(TableError, match="line 5 has 3 cells"):
        query_table("\n\nitem,price\napple,1.20\nbanana,0.50,x\n", "how many rows?")


PRICES = "item,price\napple,1.20\nbanana,0.50\ncherry,4.75\n"
AGES = '[{"name": "Ann", "age": 34, "city": "Oslo"}, {"name": "Bob", "age": 27, "city": "Rome"}, ' \
    '{"name": "Cy", "age": 45, "city": "Oslo"}]'  # fmt: skip


@pytest.mark.usefixtures("agentnet_home")
def test_the_cheapest_row_is_named() -> None:
    """It read "item is the" as a condition (item == "the") and failed, and the step fell back to
    find-duplicates ("0 near-duplicate pairs")."""
    Path("prices.csv").write_text(PRICES)
    result = ran("which item is the cheapest in prices.csv")
    assert result["status"] == "succeeded", result
    assert result["answer"] == "banana (min price: 0.5)"


@pytest.mark.parametrize(
    ("table", "question", "answer"),
    [
        (AGES, "who is the oldest in people.json", "Cy (max age: 45)"),  # it answered "3 rows"
        (AGES, "who is the youngest?", "Bob (min age: 27)"),
        (AGES, "who is the oldest in Oslo?", "Cy (max age: 45)"),
        (AGES, "who is older, Ann or Bob?", "Ann (max age: 34)"),  # the rows it names, not Cy
        (AGES, "who is younger, Ann or Cy?", "Ann (min age: 34)"),
        (
            '[{"name": "Ann", "born": 1990}, {"name": "Bob", "born": 1985}]',
            "who is the oldest?",
            "Bob (min born: 1985)",
        ),  # the earliest birth year
        (PRICES, "which item is the most expensive", "cherry (max price: 4.75)"),
        (PRICES, "which item is the cheapest", "banana (min price: 0.5)"),
        (PRICES, "which item has the lowest price?", "banana (min price: 0.5)"),
        (PRICES, "which item has the highest price?", "cherry (max price: 4.75)"),
    ],
)
def test_superlatives_name_the_row(table: str, question: str, answer: str) -> None:
    assert query_table(table, question).text == answer


def test_a_superlative_without_its_column_names_the_columns() -> None:
    with pytest.raises(TableError, match="cannot tell which column 'tallest' compares: the table's columns "
                       "are name, age, city") as raised:  # fmt: skip
        query_table(AGES, "who is the tallest?")
    assert raised.value.conclusive and "highest age" in (raised.value.hint or "")


TIED = '[{"name": "Ann", "age": 41}, {"name": "Bob", "age": 41}, {"name": "Cy", "age": 25}]'


@pytest.mark.parametrize(
    ("table", "question", "answer"),
    [
        (TIED, "who is the oldest?", "Ann and Bob (both max age: 41)"),
        (TIED, "who is older, Ann or Bob?", "Ann and Bob (both max age: 41)"),
        (TIED, "who is the youngest?", "Cy (min age: 25)"),
        ("item,price\na,1\nb,1\nc,1\nd,2\n", "which item is the cheapest", "a, b and c (all 3 min price: 1)"),
    ],
)
def test_rows_tied_for_a_superlative_are_all_named(table: str, question: str, answer: str) -> None:
    """Only the first of the tied rows was named ("Ann (max age: 41)"), as though Bob were younger."""
    assert query_table(table, question).text == answer


@pytest.mark.usefixtures("agentnet_home")
def test_tied_rows_through_the_cli() -> None:
    Path("tied.csv").write_text("item,price\napple,0.5\nbanana,0.5\ncherry,4.75\n")
    result = ran("which item is the cheapest in tied.csv")
    assert result["status"] == "succeeded", result
    assert result["answer"] == "apple and banana (both min price: 0.5)"


@pytest.mark.usefixtures("agentnet_home")
def test_label_value_lines_name_no_columns_so_a_named_measure_is_their_value() -> None:
    """ "What is the highest price in invoice.txt?" failed: "the table has no column 'price': its columns
    are label, value" (label/value lines have no header to name)."""
    Path("invoice.txt").write_text("Coffee 3.50\nBagel 2.25\nJuice 4.10\n")
    result = ran("What is the highest price in invoice.txt?")
    assert result["status"] == "succeeded" and result["answer"] == "juice (max value: 4.1)", result
    assert query_table("Coffee 3.50\nBagel 2.25\n", "what is the total cost?").text == "5.75 (sum of value)"
