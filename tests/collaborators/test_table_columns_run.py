"""A table question about a column the table lacks, through the real CLI on the default network: the
run fails naming the columns there are (it once answered "35.33 (mean of age)" for "the average price
in people.json", the table's one numeric column standing in for the missing one)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentnet.collaborators.tables import TableError, query_table

AGENTNET = str(Path(sys.executable).parent / "agentnet")
PEOPLE = '[{"name": "Ann", "age": 34, "city": "Oslo"}, {"name": "Bob", "age": 27, "city": "Rome"}]'


@pytest.mark.usefixtures("agentnet_home")
def test_a_missing_column_is_named_not_replaced() -> None:
    Path("people.json").write_text(PEOPLE)
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    done = subprocess.run([AGENTNET, "run", "--json", "what is the average price in people.json"],
                          capture_output=True, text=True, timeout=300, env=env, stdin=subprocess.DEVNULL,
                          check=False)  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
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
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    done = subprocess.run([AGENTNET, "run", "--json", "what is the average price in ragged.csv"],
                          capture_output=True, text=True, timeout=300, env=env, stdin=subprocess.DEVNULL,
                          check=False)  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == "failed", result
    assert "line 3 has 4 cells, the header 3" in result["error"]["message"], result["error"]
