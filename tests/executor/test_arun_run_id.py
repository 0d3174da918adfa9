"""An asyncio app that cancels ``net.arun`` (a timeout, a client gone) is told the run was saved
interrupted and resumable "by its id": it can now choose that id (``run(..., run_id=...)``, as
``execute`` takes one), and the run's record says the caller cancelled it. Before, the id was nowhere
the app could see (only in ``net.runs()``) and the record said "interrupted (Ctrl-C)", which nobody
pressed. Real SmolLM2 and the default network."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from agentnet.errors import UserError
from agentnet.network import Network
from tests.executor.test_network_arun import cancel_at_first_token


def test_a_run_id_given_to_run_names_the_run(agentnet_home: Path) -> None:
    with Network() as net:
        result = net.run("What is 6 times 7?", run_id="sum-1")
        assert result.run_id == "sum-1" and net.trace("sum-1")["answer"] == "42"


@pytest.mark.slow
def test_a_cancelled_arun_is_saved_under_the_id_the_app_chose(smollm2_node: Any, agentnet_home: Path) -> None:
    async def main() -> dict[str, Any]:
        with Network() as net:
            await cancel_at_first_token(net, "Write a very long story about a dragon.", run_id="story-1")
            return net.trace("story-1")

    trace = asyncio.run(main())
    assert trace["status"] == "interrupted" and trace["task"] == "Write a very long story about a dragon."
    assert "Ctrl-C" not in trace["error"]["message"]
    assert trace["error"]["message"] == "interrupted (its caller was cancelled)"


def test_a_taken_run_id_is_refused_before_the_task_is_planned(agentnet_home: Path) -> None:
    with Network() as net:
        net.run("What is 6 times 7?", run_id="sum-2")
        planned: list[str] = []
        real_plan = net.plan
        net.plan = lambda task, *a, **k: planned.append(task) or real_plan(task, *a, **k)  # type: ignore[method-assign]
        with pytest.raises(UserError) as refused:
            net.run("What is 5 plus 4?", run_id="sum-2")
        assert refused.value.code == "run_exists" and planned == []


def test_aresume_finishes_a_stopped_run_from_asyncio(smollm2_node: Any) -> None:
    Path("agentnet.yaml").write_text("budgets: {max_tokens: 5}\n")

    async def main() -> Any:
        with Network.from_config() as net:
            stopped = await net.arun("What is the capital of France?", run_id="paris-1", check=False)
            assert stopped.status == "budget_exceeded"
        Path("agentnet.yaml").write_text("budgets: {max_tokens: 2000}\n")
        with Network.from_config() as net:
            return await net.aresume("paris-1")

    resumed = asyncio.run(main())
    assert resumed.ok and resumed.run_id == "paris-1" and "Paris" in (resumed.answer or "")
