"""A file that holds no text, handed to a step a chat model answers, through the real CLI with the
embedded SmolLM2: the model sees only "the file blob.bin (application/octet-stream, 5,120 bytes)", and
it made up a summary ("The file contains a binary blob with 512 bytes of text"), reported as success.
The step refuses it now, naming the file and what reads it; a text file still reaches the model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

AGENTNET = str(Path(sys.executable).parent / "agentnet")
RECIPE = """\
name: pic
inputs:
  doc: {type: file}
steps:
  - {id: sum, model: smollm2, max_tokens: 30, prompt: "Summarise this: {{ inputs.doc }}"}
"""


def agentnet(*args: str) -> dict[str, Any]:
    done = subprocess.run([AGENTNET, *args, "--json"], capture_output=True, text=True, timeout=300, check=False,
                          stdin=subprocess.DEVNULL, env={**os.environ, "AGENTNET_NO_DAEMON": "1"})  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.usefixtures("agentnet_home")
def test_a_binary_file_is_refused_by_the_general_model() -> None:
    Path("blob.bin").write_bytes(bytes(range(256)) * 20)
    result = agentnet("run", "Summarise this file", "--input", "blob.bin")
    assert result["status"] == "failed", result
    message = result["error"]["message"]
    assert "smollm2 (input_not_text): blob.bin (application/octet-stream, 5,120 bytes) is not text" in message
    assert result["error"]["hint"] == "hand over the file's text (a .txt, .csv or .json file)"


@pytest.mark.usefixtures("agentnet_home")
def test_a_recipe_hands_an_image_to_a_text_model_refused_a_text_file_read() -> None:
    Image.new("RGB", (64, 64), (200, 10, 10)).save("red.png")
    Path("notes.txt").write_text("Bees make honey from nectar.\n")
    Path("pic.yaml").write_text(RECIPE)
    result = agentnet("recipe", "run", "pic.yaml", "--input", "doc=red.png")
    assert result["status"] == "failed", result
    assert "red.png (image/png, " in result["error"]["message"]
    assert "is not text" in result["error"]["message"]
    # The model as the recipe names it, not the step's tailored candidate id (`smollm2@sum`).
    assert "  1. smollm2 (input_not_text): " in result["error"]["message"], result["error"]
    assert "and 'smollm2' reads text only" in result["error"]["message"], result["error"]
    assert "@sum" not in result["error"]["message"], result["error"]
    assert result["error"]["hint"].startswith("ask for its text (ocr reads the text in an image)")
    result = agentnet("recipe", "run", "pic.yaml", "--input", "doc=notes.txt")
    assert result["status"] == "succeeded", result
