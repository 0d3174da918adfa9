"""Chat pieces that the pty tests cannot force with one small model: multi-step plans, saved sessions."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from agentnet.cards import CapabilityCard
from agentnet.cli.chat import Chat, Session
from agentnet.errors import NotFoundError
from agentnet.network import Network
from agentnet.nodes.registry import NodeRegistry
from agentnet.planner.plan import Plan, Step, StepInput


def test_a_multi_step_plan_runs_on_the_executor_and_names_every_collaborator(
    capsys: pytest.CaptureFixture[str],
) -> None:
    registry = NodeRegistry()
    registry.register_callable(lambda text: str(text).upper(), CapabilityCard(id="shout", description="upper-case"))
    registry.register_callable(lambda text: f"{len(str(text))} chars", CapabilityCard(id="measure", description="len"))
    net = Network(registry=registry)
    plan = Plan(
        task="hello there",
        steps=[
            Step(id="s1", capability="shout", instruction="shout", inputs=[StepInput(kind="user")]),
            Step(id="s2", capability="measure", instruction="measure", inputs=[StepInput(kind="step", step="s1")]),
        ],
    )
    chat = Chat(net, Session(id="t1"))
    answer, meta = chat.executed(plan)
    assert answer.endswith("chars")
    assert meta["by"] == "shout, measure"
    assert meta["why"].startswith("2-step plan (model), run ")
    out = capsys.readouterr().out
    assert "s1 on shout" in out and "s2 on measure" in out
    # /plan shows the planner's notes too: why a plan may differ (planned while memory is being fitted).
    plan.notes = ["zero-shot: the planner is still fitting memory (226 solved tasks)"]
    chat.session.last_plan = plan.model_dump(mode="json")
    chat.show_plan()
    assert "  note: zero-shot: the planner is still fitting memory (226 solved tasks)" in capsys.readouterr().out


def test_sessions_round_trip_and_export(agentnet_home: Path) -> None:
    session = Session(id="abc", model="smollm2", route=False)
    session.messages += [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "hello", "meta": {"by": "smollm2"}},
    ]
    session.save()
    loaded = Session.load("abc")
    assert loaded.model == "smollm2" and not loaded.route and loaded.history()[1]["content"] == "hello"
    loaded.export(agentnet_home / "t.json")
    assert json.loads((agentnet_home / "t.json").read_text())["messages"][0]["content"] == "hi"
    loaded.export(agentnet_home / "t.md")
    assert "**smollm2**: hello" in (agentnet_home / "t.md").read_text()
    with pytest.raises(NotFoundError, match="no saved chat 'nope'") as info:
        Session.load("nope")
    assert "abc" in (info.value.hint or "")


def test_a_chat_waits_for_its_model_calls_on_exit_not_for_long_lived_threads() -> None:
    """A chat's end waits for a cancelled call's worker (llama.cpp must not run into finalisation), but
    not for threads that live as long as the process: in a daemon that would be 10 s per chat."""
    from agentnet.cli.chat import _wait_for_workers
    from agentnet.nodes.base import CALL_THREAD_PREFIX

    stop = threading.Event()
    hub = threading.Thread(target=stop.wait, name="agentnet-mcp", daemon=True)  # as the MCP hub's loop
    call = threading.Thread(target=time.sleep, args=(0.5,), name=f"{CALL_THREAD_PREFIX}smollm2", daemon=True)
    hub.start()
    call.start()
    try:
        started = time.monotonic()
        _wait_for_workers(timeout_s=5)
        assert not call.is_alive()
        assert time.monotonic() - started < 3
    finally:
        stop.set()
