"""A ``Network``'s lifetime as a library user sees it, on the real default network (the bundled
calculator, SmolLM2, the embedded directory, SQLite runs): ``close()`` releases every file it opened
(the run database, the directory, the per-process vector cache), a closed network refuses further
use by name instead of silently reopening them, and ``aplan`` plans without holding the event loop."""

from __future__ import annotations

import asyncio
import gc
import time
from pathlib import Path
from typing import Any

import pytest

from agentnet.errors import UserError
from agentnet.network import Network
from tests.executor.test_network_arun import while_ticking

TASK = "What is 6 times 7?"


@pytest.fixture
def unembedded(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Forget the cards' vectors this process keeps in memory, so the next plan reads the vector cache
    (returned: call it again to forget them again)."""
    from agentnet.planner import similarity

    def forget() -> None:
        monkeypatch.setattr(similarity, "_CARD_VECTORS", {})

    forget()
    return forget


def open_files(home: Path) -> list[str]:
    """The files of ``home`` this process holds open."""
    held = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = str(fd.readlink())
        except OSError:  # closed meanwhile (the listing's own descriptor)
            continue
        if target.startswith(str(home)):
            held.append(target.removeprefix(str(home)))
    return sorted(set(held))


def released(home: Path, within_s: float = 5.0) -> list[str]:
    """``home``'s files still open once they had ``within_s`` to be released. chromadb's SQLite
    connection of another thread is closed when Python collects it: under load the file was once
    still open right after ``close()`` (``['/directory/chroma.sqlite3']``), and open no longer a moment later."""
    deadline = time.monotonic() + within_s
    while (held := open_files(home)) and time.monotonic() < deadline:
        gc.collect()
        time.sleep(0.05)
    return held


def test_a_closed_network_releases_its_files_and_refuses_use(agentnet_home: Path, unembedded: Any) -> None:
    """After close(), cache/vectors.sqlite stayed open, and any later call reopened the run database
    (and the directory) without a word, to stay open until the process ended."""
    net = Network()
    result = net.run(TASK)
    assert result.answer == "42"
    assert "/cache/vectors.sqlite" in open_files(agentnet_home)
    net.close()
    assert released(agentnet_home) == []
    net.close()  # a second close does nothing
    calls: dict[str, Any] = {
        "run": lambda: net.run(TASK),
        "plan": lambda: net.plan(TASK),
        "aplan": lambda: asyncio.run(net.aplan(TASK)),
        "execute": lambda: net.execute(result.plan),
        "compile": lambda: net.compile(result.plan),
        "resume": lambda: net.resume(result.run_id),
        "runs": lambda: net.runs(1),
        "trace": lambda: net.trace(result.run_id),
        "cancel": lambda: net.cancel(result.run_id),
        "rate": lambda: net.rate(result.run_id, True),
        "node": lambda: net.node(),
        "directory": lambda: net.directory,
        "__enter__": lambda: net.__enter__(),
    }
    for name, call in calls.items():
        with pytest.raises(UserError) as refused:
            call()
        assert refused.value.code == "network_closed", name
        assert f"net.{name}: this Network was closed" in refused.value.message
        assert "Network.from_config()" in (refused.value.hint or "")
    assert released(agentnet_home) == [], "a refused call opened something"
    with Network() as again:  # the context manager, as before
        assert again.runs(1)[0]["run_id"] == result.run_id
    assert released(agentnet_home) == []


def test_the_shared_vector_cache_closes_with_a_network_and_reopens_for_the_next(
    agentnet_home: Path, unembedded: Any
) -> None:
    """The cache is one connection per process: closing one Network closes it, and another one still
    open (or made later) plans on, reopening it."""
    first, second = Network(), Network()
    try:
        first.plan(TASK)
        assert "/cache/vectors.sqlite" in open_files(agentnet_home)
        first.close()
        assert "/cache/vectors.sqlite" not in open_files(agentnet_home)
        unembedded()
        assert second.plan(TASK).steps  # reopens it
        assert "/cache/vectors.sqlite" in open_files(agentnet_home)
    finally:
        second.close()
    assert released(agentnet_home) == []
    unembedded()
    with Network() as third:
        assert third.plan(TASK).steps
        assert "/cache/vectors.sqlite" in open_files(agentnet_home)
    assert released(agentnet_home) == []


def test_rows_and_traces_name_the_run_as_run_id(agentnet_home: Path) -> None:
    """``RunResult.run_id`` was ``id`` in ``net.runs()`` rows and ``net.trace()``: both names now."""
    with Network() as net:
        result = net.run(TASK)
        row = net.runs(1)[0]
        trace = net.trace(result.run_id)
    assert row["run_id"] == row["id"] == result.run_id
    assert trace["run_id"] == trace["id"] == result.run_id


def test_aplan_gives_plans_result_while_the_loop_serves_others(agentnet_home: Path) -> None:
    async def main(net: Network) -> tuple[Any, int]:
        return await while_ticking(net.aplan(TASK))

    from agentnet.planner import similarity

    # A warm worker process has the cards' vectors already and plans in milliseconds, too short to tell
    # a served loop from a held one: the plan here embeds them again, in its thread.
    similarity._CARD_VECTORS.clear()
    with Network() as net:
        planned, _ticks = asyncio.run(main(net))  # while_ticking checks the loop was served
        again = net.plan(TASK)
    assert planned.model_dump(exclude={"planning_s"}) == again.model_dump(exclude={"planning_s"})


# A cold home: with the cards' vectors already in it (card_seed.py) the plan is made within the 0.05 s the
# test waits before cancelling it, and there is no plan in progress left to cancel.
@pytest.mark.cold_home
def test_a_cancelled_aplan_returns_at_once_and_the_network_plans_on(agentnet_home: Path, unembedded: Any) -> None:
    """The plan being made ends in its thread (nothing of it is saved); the next plan waits its turn."""

    async def main(net: Network) -> float:
        planning = asyncio.create_task(net.aplan(TASK))
        await asyncio.sleep(0.05)  # in the worker thread, opening the directory
        planning.cancel()
        began = asyncio.get_running_loop().time()
        with pytest.raises(asyncio.CancelledError):
            await planning
        return asyncio.get_running_loop().time() - began

    with Network() as net:
        took = asyncio.run(main(net))
        assert net.plan(TASK).steps[0].capability == "calculator"
    assert took < 0.5, f"the cancelled caller waited {took:.2f} s for the plan"
