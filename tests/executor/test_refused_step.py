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


@pytest.mark.parametrize(
    ("request_text", "said"),
    [
        ("read the file /etc/hostname", "outside the allowed directories"),
        ("read notes/../../secret.txt", "'..' is not allowed"),
        ("read .env", "keys and settings"),
        ("read missing.txt", "no such file: missing.txt"),
    ],
)
def test_a_file_the_reader_withholds_is_no_models_to_make_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request_text: str, said: str
) -> None:
    """Before, the step fell back to SmolLM2, which answered as if it had read the file ("read the file
    /etc/hostname": "The file contains a list of hostname names."): the run succeeded with a made-up
    answer. A file that is not there, or that the reader will not hand on, ends the step."""
    work = tmp_path / "project"
    work.mkdir()
    (work / ".env").write_text("OPENAI_API_KEY=sk-not-a-real-key\n")
    monkeypatch.chdir(work)
    step = Step(id="s1", capability="read-file", instruction=request_text,
                alternates=[Alternate(card_id="smollm2", score=0.2)])  # fmt: skip
    executor = Executor(NodeRegistry(AgentnetConfig()), store=SQLiteRunStore(tmp_path / "runs.sqlite"))
    try:
        with pytest.raises(RunError) as info:
            executor.run(Plan(task=request_text, steps=[step]), run_id="r-withheld")
        trace = executor.store.get_run("r-withheld")
    finally:
        executor.close()
    assert "has no answer" in info.value.message and said in info.value.message, info.value.message
    assert "smollm2" not in info.value.message
    assert [a["node_id"] for a in trace["steps"][0]["attempts"]] == ["read-file"], trace["steps"][0]["attempts"]
    assert "sk-not-a-real-key" not in info.value.message
