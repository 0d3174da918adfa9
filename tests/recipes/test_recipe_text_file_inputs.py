"""A recipe's ``type: file`` input that holds text (notes.txt, data.csv), through the real CLI with the
bundled collaborators and the embedded model: each step reads the file's text, as a plan's step
reads a text file handed over. Only the file's description reached them: the word counter counted
"notes.txt (text/plain, 47 bytes)" (5 words), the table tool found "only its header row", read-file
was handed the run's private copy (refused: outside the allowed directories), and the model was
asked about a file name."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

AGENTNET = str(Path(sys.executable).parent / "agentnet")
NOTES = "Bees make honey. They live in hives and dance.\n"
TABLE = "fruit,price,qty\napple,1.20,10\npear,0.80,5\nplum,2.50,4\n"
RECIPE = """\
name: files
inputs:
  notes: {type: file, description: a text}
  table: {type: file, default: data.csv}
steps:
  - {id: count, model: text-statistics, prompt: "Count the words of {{ inputs.notes }}"}
  - {id: total, model: table-query, prompt: "What is the total qty in {{ inputs.table }}?"}
  - {id: read, model: read-file, prompt: "Read {{ inputs.notes }}"}
  - {id: ask, model: smollm2, max_tokens: 16, prompt: "What do bees make? Answer from this text: {{ inputs.notes }}"}
"""


@pytest.mark.usefixtures("agentnet_home")
def test_a_text_file_input_reaches_tools_and_models_as_its_text() -> None:
    Path("notes.txt").write_text(NOTES)
    Path("data.csv").write_text(TABLE)
    Path("files.yaml").write_text(RECIPE)
    done = subprocess.run(
        [AGENTNET, "recipe", "run", "files.yaml", "--input", "notes=notes.txt", "--json"],
        capture_output=True, text=True, timeout=300, check=False, stdin=subprocess.DEVNULL,
        env={**os.environ, "AGENTNET_NO_DAEMON": "1"},
    )  # fmt: skip
    assert done.returncode == 0, (done.stdout, done.stderr)
    steps = json.loads(done.stdout)["steps"]
    assert steps["count"]["text"] == "9 words"
    assert steps["total"]["text"].startswith("19 (sum of qty)")  # not a filter on "apple" read from the data
    assert steps["read"]["text"] == NOTES
    assert "honey" in steps["ask"]["text"].lower(), steps["ask"]


@pytest.mark.usefixtures("agentnet_home")
def test_a_text_file_longer_than_the_steps_context_is_refused_naming_the_file_and_the_limit() -> None:
    """A text file input went into the prompt whole: a 5 MB file was tokenised for SmolLM2's 2048-token
    window before the model refused it (a remote model would have been sent all of it). Its text is
    bounded by the step's largest context window; a tool step (no window) still reads it all."""
    Path("big.txt").write_text("Bees make honey. " * 5000)  # ~85,000 characters: ~24,000 tokens
    Path("big.yaml").write_text(
        "name: big\ninputs:\n  doc: {type: file}\nsteps:\n"
        '  - {id: count, model: text-statistics, prompt: "Count the words of {{ inputs.doc }}"}\n'
        '  - {id: sum, model: smollm2, prompt: "Summarise: {{ inputs.doc }}"}\n'
    )
    done = subprocess.run(
        [AGENTNET, "recipe", "run", "big.yaml", "--input", "doc=big.txt", "--json"],
        capture_output=True, text=True, timeout=300, check=False, stdin=subprocess.DEVNULL,
        env={**os.environ, "AGENTNET_NO_DAEMON": "1"},
    )  # fmt: skip
    result = json.loads(done.stdout)
    assert done.returncode == 1, result
    assert result["steps"]["count"]["text"] == "15000 words", result
    error = result["error"]
    assert error["code"] == "input_too_long", error
    assert "big.txt" in error["message"] and "2,048 tokens ('smollm2')" in error["message"], error
    assert "step 'sum'" in error["message"] and "params.n_ctx" in error["hint"], error


@pytest.mark.usefixtures("agentnet_home")
def test_a_text_input_longer_than_the_steps_context_is_refused_naming_the_input_and_the_limit() -> None:
    """A ``type: text`` input had no bound: 119 kB of text went whole to the embedded model, which
    tokenised it (~28,000 tokens) only to fail with context_overflow. It has a text file's bound now:
    refused as ``input_too_long`` naming the input, the window and the fix before the model is called."""
    Path("long.yaml").write_text(
        "name: long\ninputs:\n  doc: {type: text}\nsteps:\n"
        '  - {id: count, model: text-statistics, prompt: "Count the words of {{ inputs.doc }}"}\n'
        '  - {id: sum, model: smollm2, prompt: "Summarise: {{ inputs.doc }}"}\n'
    )
    text = "Bees make honey. " * 7000  # 119,000 characters (one argument holds at most 128 kB)
    done = subprocess.run(
        [AGENTNET, "recipe", "run", "long.yaml", "--input", f"doc={text}", "--json"],
        capture_output=True, text=True, timeout=300, check=False, stdin=subprocess.DEVNULL,
        env={**os.environ, "AGENTNET_NO_DAEMON": "1"},
    )  # fmt: skip
    result = json.loads(done.stdout)
    assert done.returncode == 1, result
    assert result["steps"]["count"]["text"] == "21000 words", result  # a tool step reads it all
    error = result["error"]
    assert error["code"] == "input_too_long", error
    assert "input 'doc' (119,000 characters of text" in error["message"], error
    assert "2,048 tokens ('smollm2')" in error["message"] and "step 'sum'" in error["message"], error
    assert "a shorter text for 'doc'" in error["hint"] and "params.n_ctx" in error["hint"], error
