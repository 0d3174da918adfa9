"""A tool in a run gets its actual input — the upstream output, or the text the task hands over —
never the step's prompt scaffolding (a word counter once counted 47 words for a 9-word sentence)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentnet.cards import CapabilityCard
from agentnet.config import AgentnetConfig
from agentnet.executor.runner import Executor
from agentnet.executor.sqlite_store import SQLiteRunStore
from agentnet.nodes.registry import NodeRegistry
from agentnet.planner.plan import Plan, Step, StepInput

AGENTNET = [sys.executable, "-m", "agentnet.cli.app"]
QUOTE = "one two three four five six seven eight nine"


def test_a_tool_after_a_step_reads_that_step_output_only(tmp_path: Path) -> None:
    registry = NodeRegistry(AgentnetConfig())
    registry.register_callable(lambda _: QUOTE, CapabilityCard(id="quoter", description="gives a quote"))
    plan = Plan(
        task="Give me the quote, then tell me how many words it has.",
        steps=[
            Step(id="s1", capability="quoter", instruction="Give me the quote", inputs=[StepInput(kind="user")]),
            Step(
                id="s2",
                capability="text-statistics",
                instruction="tell me how many words it has",
                inputs=[StepInput(kind="step", step="s1", type="text")],
            ),
        ],
    )
    executor = Executor(registry, store=SQLiteRunStore(tmp_path / "runs.sqlite"))
    try:
        result = executor.run(plan)
    finally:
        executor.close()
    assert result.answer == "9 words"
    assert result.steps["s2"]["data"]["words"] == 9 and result.steps["s2"]["data"]["characters"] == len(QUOTE)


def test_a_legacy_one_argument_function_gets_the_upstream_value(tmp_path: Path) -> None:
    seen: list[object] = []
    registry = NodeRegistry(AgentnetConfig())
    registry.register_callable(lambda _: '{"items": [1, 2, 3]}', CapabilityCard(id="lister"))
    registry.register_callable(lambda value: seen.append(value) or "ok", CapabilityCard(id="sink"))
    plan = Plan(
        task="list, then sink",
        steps=[
            Step(id="s1", capability="lister", instruction="list", inputs=[StepInput(kind="user")]),
            Step(id="s2", capability="sink", instruction="sink it", inputs=[StepInput(kind="step", step="s1")]),
        ],
    )
    executor = Executor(registry, store=SQLiteRunStore(tmp_path / "runs.sqlite"))
    try:
        executor.run(plan)
    finally:
        executor.close()
    assert seen == [{"items": [1, 2, 3]}]  # parsed JSON, as before; no prompt around it


@pytest.mark.slow
def test_run_counts_the_words_of_the_quoted_text_not_of_the_prompt() -> None:
    sentence = "Bees make honey. They live in hives and sleep at night."
    done = subprocess.run(
        [*AGENTNET, "run", "--json", f'How many words are in "{sentence}"?'],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "COLUMNS": "160"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["answer"] == "11 words", result
