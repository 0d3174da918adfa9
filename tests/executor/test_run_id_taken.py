"""A run id the caller chooses (``Network.execute(plan, run_id=...)``) must be a new one. Before, a second
plan executed under a finished run's id ran, answered, and left that run's record holding the first task
and plan beside the second answer (its checkpoints mixed too); the server refused it (409) but the library
did not. Real default network: the bundled calculator answers, no model call."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentnet.errors import UserError
from agentnet.network import Network


def test_executing_under_a_taken_run_id_is_refused_and_the_run_kept(agentnet_home: Path) -> None:
    with Network() as net:
        first = net.execute(net.plan("What is 6 times 7?"), run_id="my-run")
        assert first.answer == "42"
        with pytest.raises(UserError) as refused:
            net.execute(net.plan("What is 5 plus 4?"), run_id="my-run")
        assert refused.value.code == "run_exists"
        assert "my-run" in refused.value.message and "succeeded" in refused.value.message
        assert "net.resume('my-run')" in str(refused.value.hint)
        kept = net.trace("my-run")
    assert kept["task"] == "What is 6 times 7?" and kept["answer"] == "42" and kept["status"] == "succeeded"


def test_a_new_run_id_the_caller_chose_names_the_run(agentnet_home: Path) -> None:
    with Network() as net:
        result = net.execute(net.plan("What is 6 times 7?"), run_id="chosen-1")
        assert result.run_id == "chosen-1" and net.trace("chosen-1")["answer"] == "42"


@pytest.mark.parametrize("run_id", [123, "", "a b/../x", "x" * 129])
def test_a_run_id_that_cannot_be_one_is_refused_before_planning(agentnet_home: Path, run_id: object) -> None:
    """A number failed on "expected string or bytes-like object" (a TypeError), "" ran under a new id
    without a word, and a path was refused only once planned."""
    with Network() as net:
        planned: list[str] = []
        net.plan = lambda task, **kwargs: planned.append(task)  # type: ignore[method-assign,assignment,return-value]
        with pytest.raises(UserError) as refused:
            net.run("What is 6 times 7?", run_id=run_id)  # type: ignore[arg-type]
        assert f"{run_id!r} is not a run id" in refused.value.message and "letters, digits" in str(refused.value.hint)
        assert planned == [], "planned before the id was checked"
        assert net.runs(1) == []
