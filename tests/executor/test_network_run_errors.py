"""A run that Network.run (or resume) ends with an error names the run on the error: the library caller
can resume it or read its trace. Before, the error said "raise the limit ... and resume the run" with no
run id anywhere on it (only the CLI printed one). Real SmolLM2 and the bundled calculator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agentnet.errors import AgentnetError, BudgetExceededError, RunError
from agentnet.network import Network


def test_a_budget_stop_names_the_run_and_a_raised_budget_resumes_it(smollm2_node: Any) -> None:
    Path("agentnet.yaml").write_text("budgets: {max_tokens: 5}\n")
    with Network.from_config() as net, pytest.raises(BudgetExceededError) as stopped:
        net.run("What is the capital of France?")
    run_id = stopped.value.run_id
    assert run_id and "resume the run" in str(stopped.value.hint)
    Path("agentnet.yaml").write_text("budgets: {max_tokens: 2000}\n")
    with Network.from_config() as net:
        assert net.trace(run_id)["status"] == "budget_exceeded"
        resumed = net.resume(run_id)
    assert resumed.ok and resumed.run_id == run_id and "Paris" in (resumed.answer or "")


def test_a_failed_step_names_the_run(agentnet_home: Path) -> None:
    with Network() as net:
        with pytest.raises(RunError) as failed:
            net.run("What is 5 divided by 0?")
        assert failed.value.code == "step_failed"
        assert net.trace(failed.value.run_id)["status"] == "failed"
        result = net.run("What is 5 divided by 0?", check=False)  # the same, as a result
        assert result.status == "failed" and result.error is not None and result.error.run_id is None


def test_an_error_that_ended_no_run_names_none() -> None:
    assert AgentnetError("x").run_id is None
