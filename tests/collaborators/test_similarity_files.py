"""Two files compared through the real CLI on the default network: the two files are the two texts
(their joined lines once were, and "how similar are a.txt and b.txt" compared a.txt's first two lines:
0.05 for two paraphrases)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentnet.collaborators.embeddings import EmbeddingInputError, text_similarity

AGENTNET = str(Path(sys.executable).parent / "agentnet")


@pytest.mark.usefixtures("agentnet_home")
def test_two_files_are_the_two_texts_compared() -> None:
    Path("a.txt").write_text("The cat sat on the mat.\nIt was a sunny day.\n")
    Path("b.txt").write_text("A cat was sitting on the mat.\nThe day was sunny.\n")
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    done = subprocess.run([AGENTNET, "run", "--json", "how similar are a.txt and b.txt"], capture_output=True,
                          text=True, timeout=300, env=env, stdin=subprocess.DEVNULL, check=False)  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == "succeeded" and result["answer"].endswith("(very similar)"), result


def test_more_than_two_passages_are_not_cut_to_the_first_two() -> None:
    lines = "first line about cats\nsecond line about dogs\nthird line about birds"
    with pytest.raises(EmbeddingInputError, match="the input has 3 passages"):
        text_similarity("how similar are these", lines)
    assert text_similarity("how similar", "a cat\na kitten").data["texts"] == ["a cat", "a kitten"]


NOTES = "The meeting moved to Friday because the room was booked.\n"
REPORT = "Because the room was taken, the meeting is now on Friday.\n"
FRUIT = "Bananas are rich in potassium and grow in warm climates.\n"


@pytest.mark.usefixtures("agentnet_home")
def test_quoted_file_names_compare_the_files_not_their_names() -> None:
    """The quoted names were the two texts compared: 0.54 ("similar") for two unrelated files."""
    Path("notes.txt").write_text(NOTES)
    Path("fruit.txt").write_text(FRUIT)
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    done = subprocess.run([AGENTNET, "run", "--json", 'how similar are "notes.txt" and "fruit.txt"?'],
                          capture_output=True, text=True, timeout=300, env=env, stdin=subprocess.DEVNULL,
                          check=False)  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == "succeeded" and result["answer"].endswith("(not similar)"), result


def test_handed_texts_come_before_quoted_names() -> None:
    handed = NOTES + "\n" + REPORT
    found = text_similarity('how similar are "notes.txt" and "report.txt"?', handed, handed=True)
    assert found.data["texts"] == [NOTES.strip(), REPORT.strip()] and found.text.endswith("(very similar)")
    # One file handed over and one quoted text: those two.
    one = text_similarity('how similar is notes.txt to "the meeting is on Friday now"', NOTES, handed=True)
    assert one.data["texts"] == [NOTES.strip(), "the meeting is on Friday now"]
    # A recipe step whose input is also its request: the handed text, not nothing.
    assert text_similarity("a cat\na kitten", "a cat\na kitten", handed=True).data["texts"] == ["a cat", "a kitten"]
    # Two quoted texts are compared, whatever was handed.
    quoted = text_similarity('how similar are "a cat" and "a dog"?', handed, handed=True)
    assert quoted.data["texts"] == ["a cat", "a dog"]


@pytest.mark.usefixtures("agentnet_home")
def test_the_line_of_a_file_closest_to_a_phrase_is_searched_for() -> None:
    """The question was read as a statement ("which line of notes.txt" with a file name was no question
    phrase), its scores fell by the scene penalty, and the semantic search's examples named no line of a
    file: the two-text similarity tool scored as high, and SmolLM2 answered with the whole file."""
    Path("notes.txt").write_text(
        "Buy milk and eggs\nCall the plumber about the leak\nReview the budget for next year\nWalk the dog\n"
    )
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    done = subprocess.run([AGENTNET, "run", "--json", "Which line of notes.txt is most similar to 'money plan'?"],
                          capture_output=True, text=True, timeout=300, env=env, stdin=subprocess.DEVNULL,
                          check=False)  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == "succeeded" and result["answer"] == "Review the budget for next year", result
