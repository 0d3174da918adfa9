"""A table past the table tool's row limit, through the real CLI on the default network: the run fails
saying so, naming the file. After the table tool refused it, the step fell back to text statistics,
and "how many rows per city in big.csv" was answered "900003 words, 300001 lines, ..." as a success."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentnet.collaborators.tableread import MAX_ROWS

AGENTNET = str(Path(sys.executable).parent / "agentnet")


@pytest.mark.usefixtures("agentnet_home")
def test_rows_per_city_of_a_table_too_big_is_refused_not_word_counted() -> None:
    cities = ("Paris", "Lyon", "Nice")
    with Path("big.csv").open("w") as out:
        out.write("name,city,age\n")
        out.writelines(f"p{i},{cities[i % 3]},{i % 90}\n" for i in range(MAX_ROWS + 10))
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    done = subprocess.run([AGENTNET, "run", "--json", "How many rows per city in big.csv?"], capture_output=True,
                          text=True, timeout=300, env=env, stdin=subprocess.DEVNULL, check=False)  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == "failed", result
    assert "words" not in json.dumps(result), result
    assert f"big.csv: the table has more than {MAX_ROWS:,} rows" in result["error"]["message"], result["error"]
    assert result["error"]["hint"] == "filter it before asking"
