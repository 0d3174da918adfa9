"""An instruction no specialist serves, in a request others serve, goes to the general chat model as a
step of its own (``planner.general.serve_the_rest``): "caption holiday.png and translate it into German"
with the bundled OCR tool and no translator is the OCR step, then the chat model translating its text.
The real CLI, the default directory (bundled tools and the embedded SmolLM2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def plan(task: str) -> dict[str, Any]:
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    done = subprocess.run([AGENTNET, "plan", "--no-model", task, "--json"], capture_output=True, text=True,
                          timeout=300, env=env, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.usefixtures("agentnet_home")
def test_an_instruction_no_specialist_serves_is_the_general_models_step() -> None:
    found = plan("caption holiday.png and translate it into German")
    assert [step["capability"] for step in found["steps"]] == ["ocr", "smollm2"]
    translate = found["steps"][1]
    assert "translate it into German" in translate["why"]
    assert [(i["kind"], i["step"]) for i in translate["inputs"]] == [("step", "s1")]
    found = plan("Read the text in holiday.png, then summarize it and read the summary aloud")
    assert [step["capability"] for step in found["steps"]] == ["ocr", "smollm2", "speech"]


@pytest.mark.usefixtures("agentnet_home")
def test_thanks_and_fully_served_requests_get_no_general_step() -> None:
    found = plan("Count the words of this text: bees make honey from nectar. Thanks a lot")
    assert [step["capability"] for step in found["steps"]] == ["text-statistics"]
    # "agreed to fund a new library" opens with a verb, but it is the material, not an instruction.
    found = plan("Count the words of this: The council met on Tuesday and agreed to fund a new library.")
    assert [step["capability"] for step in found["steps"]] == ["text-statistics"]
    found = plan("Read holiday.png and count the words")
    assert [step["capability"] for step in found["steps"]] == ["ocr", "text-statistics"]


@pytest.mark.usefixtures("agentnet_home")
def test_an_instruction_the_reading_rewrote_still_gets_the_general_step() -> None:
    """A quoted phrase is masked in the clause ("translate the quoted text into Spanish"), so the clause
    is not found verbatim in the request: the translation was dropped and speech read the English."""
    found = plan("translate 'good morning' into Spanish and read it aloud")
    assert [step["capability"] for step in found["steps"]] == ["smollm2", "speech"]
    assert [(i["kind"], i["value"]) for i in found["steps"][0]["inputs"]] == [("literal", "good morning")]
    assert [(i["kind"], i["step"]) for i in found["steps"][1]["inputs"]] == [("step", "s1")]


@pytest.mark.usefixtures("agentnet_home")
def test_a_bundled_tool_is_no_guess_for_what_the_chat_model_matched_best() -> None:
    """The chat model's best single match (0.23) let the guess go to semantic search, the best mean. Its
    card says it writes poems now: each of the two is its step."""
    found = plan("write a poem about bees and a limerick about honey")
    assert {step["capability"] for step in found["steps"]} == {"smollm2"}
