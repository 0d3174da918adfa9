"""A table with no rows (a CSV header alone, an empty file), through the real CLI on the default
network: a count is 0 and anything else fails naming what the table holds. The table tool once said
"no table found" and the run fell back to text-statistics, which "answered" the rows of a header-only
CSV with "2 words, 1 line, 9 characters, 1 sentence"."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_table_columns_run import ran

from agentnet.collaborators.tables import TableError, query_table


@pytest.mark.usefixtures("agentnet_home")
def test_a_header_only_csv_has_0_rows_and_no_oldest() -> None:
    Path("people.csv").write_text("name,age\n")
    counted = ran("How many rows are in people.csv?")
    assert counted["status"] == "succeeded", counted
    assert counted["answer"] == "0 rows (the table has only its header row (name, age))", counted
    oldest = ran("Who is the oldest in people.csv?")
    assert oldest["status"] == "failed", oldest
    assert "the table has only its header row (name, age): there are no rows" in oldest["error"]["message"]


@pytest.mark.usefixtures("agentnet_home")
def test_an_empty_csv_is_said_to_be_empty() -> None:
    Path("empty.csv").write_text("")
    counted = ran("How many rows are in empty.csv?")
    assert counted["status"] == "succeeded" and counted["answer"] == "0 rows (the table has no data (it is empty))"


def test_a_request_without_a_table_is_still_no_table() -> None:
    """With nothing handed over, the tool's input is the request: its commas make no header."""
    request = "How many rows, if any, are there?"
    with pytest.raises(TableError, match="no table found") as raised:
        query_table(request, request)
    assert not raised.value.conclusive
    assert query_table("name,age\nAnn,34\n", "how many rows?").text == "1 row"
