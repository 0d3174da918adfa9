"""A time or a ratio is one word, as `wc -w` counts it: "Count the words in this text: Meet me at 10:30
tomorrow" was answered "6 words" through the real CLI (10 and 30 counted apart)."""

from __future__ import annotations

import pytest
from test_no_text_given import _run

from agentnet.collaborators.textstats import counts


@pytest.mark.usefixtures("agentnet_home")
def test_a_time_is_one_word() -> None:
    result = _run("Count the words in this text: Meet me at 10:30 tomorrow")
    assert result["status"] == "succeeded" and result["answer"] == "5 words", result


def test_only_a_colon_between_digits_joins() -> None:
    asked = {"a 3:1 ratio": 3, "Note: bring the keys": 4, "Time:10": 2, "don't stop": 2, "well-known e.g. things": 3}
    assert {text: counts(text)["words"] for text in asked} == asked
