"""Data no table tool can read fails as table_unreadable, in words: JSON nested past what Python's json
reads, and a CSV cell over the csv module's field limit (an unclosed quote). Handed to a run, the JSON
failed every tool as "tool_failed: RecursionError: maximum recursion depth exceeded while decoding a JSON
object" with the hint "check those models are up", and the cell as "tool_failed: Error: field larger
than field limit (131072)". Real CLI for the run."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_table_columns_run import ran

from agentnet.collaborators.tables import TableError, query_table

DEEP = '{"a":' * 50_000 + "1" + "}" * 50_000


def test_json_nested_too_deep_is_refused_in_words() -> None:
    with pytest.raises(TableError, match="nested too deep") as refused:
        query_table(DEEP, "how many rows?")
    assert refused.value.code == "table_unreadable" and "list of objects" in (refused.value.hint or "")


def test_a_cell_over_the_csv_field_limit_names_its_line() -> None:
    text = 'name,note\nann,ok\nbob,"never closed ' + "x" * 200_000 + "\n"
    with pytest.raises(TableError, match=r"cannot be read at line 3: field larger than field limit") as refused:
        query_table(text, "how many rows?")
    assert "unclosed quote" in (refused.value.hint or "")


@pytest.mark.usefixtures("agentnet_home")
def test_a_run_on_deeply_nested_json_says_so_without_a_python_error() -> None:
    Path("deep.json").write_text(DEEP)
    result = ran("How many rows are in deep.json?")
    shown = str(result)
    assert "RecursionError" not in shown and "maximum recursion depth" not in shown, shown[:2000]
