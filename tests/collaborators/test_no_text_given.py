"""Text tools on the default network, through the real CLI, when the text they should work on is
empty or missing: they answer about that text or fail, never about the request itself (a word
counter once counted the request's words for an empty file, and semantic search "found" the
request when the file it named did not exist, both runs succeeding)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def _run(request: str) -> dict:
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    done = subprocess.run([AGENTNET, "run", "--json", request], capture_output=True, text=True, timeout=300,
                          env=env, stdin=subprocess.DEVNULL, check=False)  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.usefixtures("agentnet_home")
def test_an_empty_file_has_no_words() -> None:
    Path("empty.txt").write_text("")
    result = _run("count the words in empty.txt")
    assert result["status"] == "succeeded" and result["answer"] == "0 words", result


@pytest.mark.usefixtures("agentnet_home")
def test_the_text_after_a_colon_is_counted_not_the_request() -> None:
    result = _run("Count the words of this text: bees make honey from nectar.")
    assert result["answer"] == "5 words", result


@pytest.mark.usefixtures("agentnet_home")
def test_a_missing_file_fails_the_run_instead_of_an_echo_of_the_request() -> None:
    result = _run("read the file missing.txt")
    # Ended before planning since d8d9ca4 (tests/cli/test_run_missing_file.py): no step, no answer.
    assert result["status"] == "failed" and result.get("answer") is None, result
    assert result["error"]["code"] == "file_not_found", result
    assert "missing.txt, but there is no such file" in result["error"]["message"]


@pytest.mark.usefixtures("agentnet_home")
def test_a_model_handed_only_an_empty_file_fails_naming_it() -> None:
    """SmolLM2 asked to summarise an empty file answered with the prompt's data note, and the run succeeded."""
    Path("empty.txt").write_text("\n")
    result = _run("summarize empty.txt")
    assert result["status"] == "failed" and result["answer"] is None, result
    assert "'empty.txt' is empty" in result["error"]["message"], result
