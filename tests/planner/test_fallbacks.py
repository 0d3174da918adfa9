"""A planned step's fallbacks (its alternates, ``planner.fallbacks``): collaborators that read and make
what it does, best first; behind a general chat model, only other general models. Real
MiniLM retrieval over cards made here, and the real CLI over the default directory (bundled tools and
the embedded SmolLM2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agentnet.cards import CapabilityCard
from agentnet.directory.inmemory import InMemorySource
from agentnet.planner.planner import Planner
from agentnet.planner.tuning import PlannerTuning

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def card(card_id: str, name: str, description: str, output: str = "text") -> CapabilityCard:
    return CapabilityCard(id=card_id, name=name, description=description, input_types=["text"],
                          output_types=[output])  # fmt: skip


def test_fallbacks_make_what_the_step_makes_best_first() -> None:
    """For "read the file notes.txt" (reader 0.65): the viewer (0.59), the word counter and the weather
    tool stand in, best first; the speaker, as close as the viewer, makes audio, not the text asked for."""
    cards = [
        card("reader", "File reader", "Reads a text file and returns the text it holds."),
        card("viewer", "File viewer", "Opens a text file and shows the text inside it."),
        card("speaker", "File speaker", "Reads a text file and returns the text it holds as speech.", output="audio"),
        card("counter", "Word counter", "Counts the words of a text."),
        card("weather", "Weather", "Tells the weather forecast for a city."),
    ]
    planner = Planner(InMemorySource(cards), None, PlannerTuning(model_mode="off"))
    [step] = planner.plan("read the file notes.txt").steps
    assert step.capability == "reader"
    assert [alternate.card_id for alternate in step.alternates] == ["viewer", "counter", "weather"]


def planned(task: str) -> dict[str, Any]:
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    done = subprocess.run([AGENTNET, "plan", "--no-model", "--json", task], capture_output=True, text=True,
                          timeout=300, env=env, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    step: dict[str, Any] = json.loads(done.stdout)["steps"][0]
    return step


@pytest.mark.usefixtures("agentnet_home")
def test_a_chat_models_step_falls_back_to_no_narrow_tool() -> None:
    """The request "translate hello to French" kept a duplicate finder behind the chat model; a tool's step keeps
    its tools: "How many seconds are in a day?" goes to the dates tool and the calculator, third in
    the chain, answers it (tests/collaborators/test_units_counted.py runs it)."""
    step = planned("translate hello to French")
    assert (step["capability"], step["alternates"]) == ("smollm2", [])
    step = planned("How many seconds are in a day?")
    assert "calculator" in [alternate["card_id"] for alternate in step["alternates"]]
