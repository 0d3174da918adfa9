"""Planning over the bundled collaborators (real MiniLM retrieval, no planner model): separate
questions become parallel branches, a chain stays a chain."""

from __future__ import annotations

from pathlib import Path

import pytest
from ocr_images import render_text

from agentnet.config import AgentnetConfig
from agentnet.directory.inmemory import InMemorySource
from agentnet.nodes.registry import NodeRegistry
from agentnet.planner.planner import Planner


@pytest.fixture(scope="module")
def planner(espeak_ng: str) -> Planner:
    # Speech counts as installed only with espeak-ng on the machine.
    registry = NodeRegistry(AgentnetConfig())
    return Planner(InMemorySource([registry.card(i) for i in registry.ids() if i != "smollm2"]), None)


def test_two_separate_questions_are_two_branches(planner: Planner) -> None:
    plan = planner.plan("What is 15% of 240, and what date is 30 days after 2025-01-01?")
    assert [s.capability for s in plan.steps] == ["calculator", "dates"]
    # The date question does not read the percentage's answer: both outputs make the answer.
    assert [s.depends_on for s in plan.steps] == [[], []]
    assert len(plan.final_steps()) == 2


def test_a_follow_up_still_reads_the_step_before(planner: Planner) -> None:
    plan = planner.plan('Count the words of "one two three four", then say the result aloud.')
    assert [s.capability for s in plan.steps] == ["text-statistics", "speech"]
    assert plan.steps[1].depends_on == ["s1"]


def test_an_image_is_read_first_then_the_question_is_asked(planner: Planner, tmp_path: Path) -> None:
    from agentnet.artifacts import read_file

    sign, _ = read_file(render_text(["FRESH BREAD"], tmp_path / "sign.png"))
    plan = planner.plan("How many words are written on this sign?", inputs=[sign])
    assert [s.capability for s in plan.steps] == ["ocr", "text-statistics"]
    assert plan.steps[0].inputs[0].value == "sign.png" and plan.steps[1].depends_on == ["s1"]
    # A question the reader answers itself stays one step.
    said = planner.plan("What does this sign say?", inputs=[sign])
    assert [s.capability for s in said.steps] == ["ocr"]


@pytest.fixture(scope="module")
def with_chat(espeak_ng: str) -> Planner:
    """The bundled collaborators beside the embedded chat model (its card only: nothing is loaded)."""
    registry = NodeRegistry(AgentnetConfig())
    return Planner(InMemorySource(registry.cards()), None)


def test_a_tool_that_stands_out_is_asked_for_while_the_chat_model_keeps_the_rest(with_chat: Planner) -> None:
    assert [s.capability for s in with_chat.plan("What is 7% of 250?").steps] == ["calculator"]
    assert [s.capability for s in with_chat.plan("Write a short poem about the sea.").steps] == ["smollm2"]


@pytest.mark.parametrize(
    ("task", "tools"),
    [
        # Only a skill's first three examples are read: the dates tool's time in a city was fifth, and
        # this went to the chat model.
        ("what time is it in Asia/Kolkata", ["dates"]),
        # One question choosing between two options: one clause, for the chat model.
        ("Which is heavier, a kilo of feathers or a kilo of steel?", ["smollm2"]),
    ],
)
def test_what_a_cards_examples_show_reaches_its_tool(with_chat: Planner, task: str, tools: list[str]) -> None:
    plan = with_chat.plan(task)
    assert [s.capability for s in plan.steps] == tools, [(s.capability, s.instruction, s.why) for s in plan.steps]


def test_a_medium_the_task_asks_for_gets_its_maker_last(with_chat: Planner, tmp_path: Path) -> None:
    from agentnet.artifacts import read_file

    (tmp_path / "report.txt").write_text("First line.\nSecond line.\n")
    report, _ = read_file(tmp_path / "report.txt")
    plan = with_chat.plan("Count the paragraphs of this report, then read the total out loud.", inputs=[report])
    assert [s.capability for s in plan.steps] == ["text-statistics", "speech"]
    assert plan.steps[1].depends_on == ["s1"] and "the task asks for audio output" in plan.steps[1].why


def test_a_clause_naming_its_own_material_reads_the_input_handed_over(with_chat: Planner, tmp_path: Path) -> None:
    from agentnet.artifacts import read_file

    photo, _ = read_file(render_text(["OPEN LATE"], tmp_path / "photo.png"))
    (tmp_path / "report.txt").write_text("one two three")
    report, _ = read_file(tmp_path / "report.txt")
    plan = with_chat.plan("Read the text in this photo, and count the words of this report.", inputs=[photo, report])
    assert [s.capability for s in plan.steps] == ["ocr", "text-statistics"]
    # The count reads the report, not the photo's text: two parallel branches.
    assert [i.value for i in plan.steps[1].inputs] == ["report.txt"] and plan.steps[1].depends_on == []


@pytest.mark.parametrize(
    "task",
    [
        "A jacket costs 80 dollars and is 25% off. What do I pay?",
        "A jacket costs 80 dollars with 25% off. What do I pay?",
        "If I save 150 a month, how much do I have after 2 years?",
        "I earn 3200 a month. What is that per year?",
        "The bill is 64.80. Split it between 3 people.",
        "My rent is 1500 and goes up 4%. What is the new rent?",
        "A laptop was 1200 and now costs 960. What percent discount is that?",
        "A pizza costs 18 and we are 4 people. How much does each pay?",
        "The taxi was 45 for 3 people. How much per person?",
        "I have 2.5 liters. How many cups is that?",
        "Add a 15% tip to 64.80 and split it between 3 people",
        "My hotel costs 120 a night. How much for 5 nights?",
    ],
)
def test_a_question_about_numbers_stated_before_it_is_the_calculators(with_chat: Planner, task: str) -> None:
    """The question alone ("What do I pay?", "how much do I have after 2 years") read as no arithmetic,
    and the chat model answered (the savings: 490)."""
    plan = with_chat.plan(task)
    assert [(s.capability, s.instruction) for s in plan.steps] == [("calculator", task)]


def test_a_question_after_tell_me_is_a_branch_of_its_own(with_chat: Planner) -> None:
    """The date step read the percentage's 12 as its material, and the answer was the date step's alone."""
    plan = with_chat.plan("What is 15% of 80? Please also tell me what day it is.")
    assert [s.capability for s in plan.steps] == ["calculator", "dates"]
    assert [s.depends_on for s in plan.steps] == [[], []]


def test_a_setting_in_a_json_file_is_looked_up_by_the_table_tool(with_chat: Planner, tmp_path: Path) -> None:
    from agentnet.artifacts import read_file

    path = tmp_path / "config.json"
    path.write_text('{"server": {"host": "localhost", "port": 8080}, "debug": true}')
    config, _ = read_file(path)
    for task in ["What port is set in config.json?", "Is debug turned on in config.json?",
                 "What is the value of debug in config.json?"]:  # fmt: skip
        assert [s.capability for s in with_chat.plan(task, inputs=[config]).steps] == ["table-query"], task


def test_a_file_handed_over_is_the_material_before_a_quoted_word(with_chat: Planner, tmp_path: Path) -> None:
    """'Who lives in "Lyon" according to people.csv?' gave the table tool "Lyon" as its data; the plan
    then replaced it with the file's name as a literal, and the tool read "people.csv" as its table."""
    from agentnet.artifacts import read_file

    path = tmp_path / "people.csv"
    path.write_text("name,age,city\nAnn,34,Lyon\nBob,27,Rome\n")
    people, _ = read_file(path)
    plan = with_chat.plan('Who lives in "Lyon" according to people.csv?', inputs=[people])
    [step] = plan.steps
    assert step.capability == "table-query"
    assert [(i.kind, i.name, i.value) for i in step.inputs] == [("user", "data", "people.csv")]


def test_a_count_of_what_was_read_before_reads_it(with_chat: Planner, tmp_path: Path) -> None:
    """ "how many words is that" was a question of its own (no input) and went to SmolLM2 ("10")."""
    from agentnet.artifacts import read_file

    sign, _ = read_file(render_text(["NO PARKING AFTER 6 PM"], tmp_path / "sign.png"))
    plan = with_chat.plan("What does sign.png say, and how many words is that?", inputs=[sign])
    assert [s.capability for s in plan.steps] == ["ocr", "text-statistics"]
    assert plan.steps[1].depends_on == ["s1"]
