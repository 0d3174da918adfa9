"""A ``plan`` or ``search_directory`` its MCP client cancels: the thread doing it cannot be stopped and
ends later; its error, when it has one, is collected then, not left for asyncio to log as "exception
never retrieved" (a traceback in the host's log for a call nobody waits for), and the turn is free
again afterwards. A real network, real threads and event loop; the failing planner is the fault."""

from __future__ import annotations

import asyncio
import gc
import threading
from pathlib import Path
from typing import Any

import pytest

from agentnet.config import load_config
from agentnet.network import Network
from agentnet.server.mcp_turns import Turns
from agentnet.server.shutdown import CallsInFlight


def test_a_cancelled_calls_later_error_is_collected_and_the_turn_freed(agentnet_home: Path) -> None:
    network = Network(load_config())
    turns = Turns(network, threading.Lock(), CallsInFlight())
    release, ended = threading.Event(), threading.Event()
    reported: list[dict[str, Any]] = []

    def failing_plan() -> Any:
        try:
            release.wait(30)
            raise RuntimeError("the planner model failed")
        finally:
            ended.set()

    async def client() -> str:
        asyncio.get_running_loop().set_exception_handler(lambda _, context: reported.append(context))
        call = asyncio.ensure_future(turns.given_up_at_stop(failing_plan))
        await asyncio.sleep(0.2)
        call.cancel()  # what the MCP SDK does on notifications/cancelled
        with pytest.raises(asyncio.CancelledError):
            await call
        release.set()
        await asyncio.to_thread(ended.wait, 30)
        next_call = await asyncio.wait_for(turns.given_up_at_stop(lambda: "planned"), timeout=30)
        gc.collect()
        await asyncio.sleep(0.1)
        return str(next_call)

    try:
        assert asyncio.run(client()) == "planned"
    finally:
        network.close()
    assert not reported, [context.get("message") for context in reported]
