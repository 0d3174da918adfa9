"""A step every candidate refused because of the request itself (UserError: no text to count, no two
texts to compare, no arithmetic) gets a hint about the request, not "check those models are up ...
resume the run", which misled: no model was down and resuming fails the same way. A step where a
model call failed keeps that hint. Real bundled collaborators; a scripted node only to inject the
model failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentnet.config import AgentnetConfig
from agentnet.errors import ModelCallError, RunError
from agentnet.executor.runner import Executor
from agentnet.executor.sqlite_store import SQLiteRunStore
from agentnet.nodes.registry import NodeRegistry
from agentnet.planner.plan import Alternate, Plan, Step, StepInput
from agentnet.testing import ScriptedModel

TASK = "count the words in my essay"


def failed(tmp_path: Path, registry: NodeRegistry, *alternates: str) -> RunError:
    step = Step(id="s1", capability="text-statistics", instruction=TASK, inputs=[StepInput(kind="user")],
                alternates=[Alternate(card_id=card, score=0.5) for card in alternates])  # fmt: skip
    executor = Executor(registry, store=SQLiteRunStore(tmp_path / "runs.sqlite"))
    try:
        with pytest.raises(RunError) as info:
            executor.run(Plan(task=TASK, steps=[step]), run_id="r-refused")
    finally:
        executor.close()
    assert info.value.code == "step_failed"
    return info.value


def test_every_candidate_refusing_the_request_says_fix_the_request(tmp_path: Path) -> None:
    error = failed(tmp_path, NodeRegistry(AgentnetConfig()), "text-similarity", "calculator")
    assert "1. text-statistics (no_text): no text to measure" in error.message
    assert "2. text-similarity (embedding_input)" in error.message
    assert "3. calculator (calculator_refused)" in error.message
    # The first refusal's own fix (the word counter's), not the models' or a resume.
    assert error.hint == "pipe the text in, pass a file with --input PATH, name an existing file, or quote the text"


def test_a_model_failure_among_them_keeps_the_models_hint(tmp_path: Path) -> None:
    registry = NodeRegistry(AgentnetConfig())
    registry.register_node(ScriptedModel.build("down", [ModelCallError("down is down")]))
    error = failed(tmp_path, registry, "down")
    assert "2. down (model_call_failed): down is down" in error.message
    assert "check those models are up" in (error.hint or "")
    assert "`agentnet run --resume r-refused`" in (error.hint or "")
