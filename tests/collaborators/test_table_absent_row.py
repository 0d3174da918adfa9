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
        ("What is the price of it?", None),
    ],
)
def test_rows_the_table_has_still_answer(question: str, answer: str | None) -> None:
    output = query_table(PRICES, question)
    assert answer is None or output.text == answer


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
