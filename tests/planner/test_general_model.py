"""Ordinary requests are answered (issue 13, item 2): when no specialist matches, a general chat
model answers and the trace says so; only a task needing what no node has (media, live data, an
action on the world) is refused, naming what is missing. Through the real CLI and the real SmolLM2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agentnet.cards import CapabilityCard, Skill
from agentnet.config import AgentnetConfig, embedded_default_spec
from agentnet.directory.importers import load_cards
from agentnet.directory.inmemory import InMemorySource
from agentnet.errors import PlanningError
from agentnet.nodes.registry import NodeRegistry
from agentnet.planner.extract import artifacts
from agentnet.planner.general import GENERAL_WHY
from agentnet.planner.needs import needs
from agentnet.planner.planner import Planner
from agentnet.planner.tuning import PlannerTuning

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=600, check=False)


@pytest.mark.parametrize(
    ("task", "wanted"),
    [
        ("Give me three names for a cat", []),
        ("How do I send an email?", []),
        ("What is a picture?", []),
        ("Write an email to my boss asking for a day off", []),
        ("Describe photo.jpg", ["image input"]),
        ("Draw a picture of a lighthouse", ["image output"]),
        ("Generate a video named 'clip.mp4' from this story", ["video output"]),
        ("Make a video from clip.mp4", ["video input", "video output"]),
        ("Then create an example.mp4 video with the speech as its audio", ["video output"]),
        ("What's the weather today in Paris?", ["a tool with live data"]),
        ("send an email to bob about lunch", ["a tool that acts outside this conversation"]),
    ],
)
def test_what_a_task_needs_beyond_a_chat_model(task: str, wanted: list[str]) -> None:
    assert [need.what for need in needs(task, artifacts(task))] == wanted


def _planner(*extra: CapabilityCard) -> Planner:
    cards = [embedded_default_spec().capability_card(), *extra]
    return Planner(InMemorySource(cards), None, PlannerTuning(general_model="smollm2"))


def test_a_medium_that_is_an_api_tools_argument_is_planned_not_refused() -> None:
    """API tools take their inputs as named values and declare no media: a file the task hands over is
    a value for them, and a medium the clause asking for one names is its business. A medium no clause
    gives to such a tool is still refused."""
    cards = load_cards(Path(__file__).parent / "data" / "tools_api_daily.json")
    planner = Planner(InMemorySource(cards), None, PlannerTuning(model_mode="off"))
    plan = planner.plan("I just took a photo of the sunset, sunset.jpg. Can you share it on Facebook?")
    assert [step.capability for step in plan.steps] == ["share_by_social_network"]
    plan = planner.plan("Set an alarm for 7:00 and make sure the movie Inception starts playing")
    assert "set_alarm" in [step.capability for step in plan.steps]
    # The recipe words outweigh "search online" in the embedding (no card is near enough for retrieval),
    # but the action is asked for and one tool's words stand out: planned, not refused.
    plan = planner.plan("Search online for vegan lasagne recipes.")
    assert [step.capability for step in plan.steps] == ["search_by_engine"]
    for task, what in (("Draw a picture of a lighthouse", "image output"), ("Describe photo.jpg", "image input")):
        with pytest.raises(PlanningError, match=what) as info:
            planner.plan(task)
        assert info.value.code == "capability_missing"


# The speech card declares its text parameter only where espeak-ng is installed (else it is unavailable).
@pytest.mark.usefixtures("espeak_ng")
def test_a_medium_a_typed_tool_does_not_declare_is_refused_not_handed_to_it() -> None:
    """The bundled text-to-speech tool takes named values (its text) but declares its media: "Transcribe
    meeting.wav" matches it by its words, and it spoke the recording's file name; no collaborator here
    transcribes audio, so the task is refused by name."""
    speech = NodeRegistry(AgentnetConfig()).card("speech")
    assert speech.parameters and speech.output_types == ["audio"]
    with pytest.raises(PlanningError, match="audio input") as info:
        _planner(speech).plan("Transcribe meeting.wav")
    assert info.value.code == "capability_missing"


def test_a_need_many_files_show_is_named_once() -> None:
    # One clause per photo made a 2 MB task's error as long as the task.
    task = "Describe " + " ".join(f"photo{i}.jpg" for i in range(300))
    with pytest.raises(PlanningError) as info:
        _planner().plan(task)
    assert info.value.message.count("image input") == 1
    assert "('photo0.jpg', 'photo1.jpg', 'photo2.jpg' and 297 more)" in info.value.message
    assert len(info.value.message) < 200


def test_no_specialist_match_goes_to_the_general_model_with_the_whole_task() -> None:
    coder = CapabilityCard(id="coder", description="Writes Python code", skills=[Skill(id="code", tags=["code"])])
    plan = _planner(coder).plan("Give me three names for a cat")
    assert plan.source == "general"
    [step] = plan.steps
    assert step.capability == "smollm2" and step.instruction == "Give me three names for a cat"
    assert GENERAL_WHY in step.why and any(GENERAL_WHY in note for note in plan.notes)


def test_a_need_no_node_offers_is_refused_by_name_but_one_that_exists_is_not() -> None:
    with pytest.raises(PlanningError, match="image input") as info:
        _planner().plan("Describe photo.jpg")
    assert info.value.code == "capability_missing" and "photo.jpg" in info.value.message
    with pytest.raises(PlanningError, match="acts outside this conversation"):
        _planner().plan("Search online for vegan lasagne recipes.")
    seer = CapabilityCard(
        id="seer", description="Looks at things", input_types=["text", "image"], tags=["chat"], provider="model"
    )
    plan = _planner(seer).plan("Describe photo.jpg")
    assert plan.steps[0].capability == "seer"


@pytest.mark.slow
def test_cli_run_answers_ordinary_requests_and_says_who_and_why() -> None:
    for task in ("Give me three names for a cat", "Explain recursion to a child."):
        done = cli("run", task, "--json")
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout)
        assert result["status"] == "succeeded" and result["answer"].strip()
        trace = json.loads(cli("runs", "show", result["run_id"], "--json").stdout)
        [step] = trace["plan"]["steps"]
        assert step["capability"] == "smollm2" and GENERAL_WHY in step["why"]
    shown = cli("run", "Give me three names for a cat")
    assert shown.returncode == 0 and GENERAL_WHY in shown.stdout


def test_cli_refusal_names_the_missing_capability_and_json_stays_json() -> None:
    done = cli("run", "Draw a picture of a lighthouse", "--json")
    assert done.returncode == 2
    body = json.loads(done.stdout)
    assert body["status"] == "failed" and body["error"]["code"] == "capability_missing"
    assert "image output" in body["error"]["message"] and body["error"]["hint"]
    plain = cli("plan", "What's the weather today in Paris?")
    assert plain.returncode == 2 and "a tool with live data" in plain.stderr and not plain.stdout
