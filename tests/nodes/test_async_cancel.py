"""A cancelled ``await node.ainvoke(...)`` (``asyncio.wait_for``'s timeout, a task cancelled, a client gone)
stops the model, as a cancelled ``net.arun`` stops its run. LangChain's default ran the call in a thread
the cancellation never reached: SmolLM2 went on writing its 400 tokens (13 s here) and the next call
queued behind them on the model's lock. ``acomplete`` too. Real SmolLM2 GGUF."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler

from agentnet.nodes.base import CALL_THREAD_PREFIX
from agentnet.nodes.registry import NodeRegistry

STORY = "Write a very long story about a dragon, with many chapters."


class Tokens(BaseCallbackHandler):
    def __init__(self) -> None:
        self.count = 0

    def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
        self.count += 1


def calls_running() -> list[threading.Thread]:
    """SmolLM2's call threads (another test's call to a silent server may still be waiting out its deadline)."""
    return [t for t in threading.enumerate() if t.name == f"{CALL_THREAD_PREFIX}smollm2"]


async def seconds_until_calls_end(limit_s: float) -> float:
    """Measured in the loop: asyncio.run's end waits for its executor's threads, a finished call among them."""
    started = time.monotonic()
    while calls_running() and time.monotonic() - started < limit_s:
        await asyncio.sleep(0.05)
    return time.monotonic() - started


@pytest.fixture(scope="module")
def llm(smollm2_node: Any) -> Any:
    return NodeRegistry.from_files().node("smollm2")


def test_a_timed_out_ainvoke_stops_the_model(llm: Any) -> None:
    tokens = Tokens()

    async def main() -> tuple[int, float]:
        call = llm.ainvoke(STORY, max_tokens=1500, config={"callbacks": [tokens]})
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(call, timeout=1.5)
        at_cancel = tokens.count
        return at_cancel, await seconds_until_calls_end(60)

    at_cancel, ending_s = asyncio.run(main())
    # Stopped within one poll of the abort (0.1 s: a few tokens), not at the end of the story (1500 tokens,
    # about 50 s here); the prompt's evaluation, one call into llama.cpp, may still finish first.
    assert tokens.count - at_cancel < 20, f"{tokens.count - at_cancel} tokens written after the cancel"
    assert ending_s < 15, f"the model call went on {ending_s:.1f} s after its caller timed out"


def test_a_cancelled_acomplete_stops_the_model(llm: Any) -> None:
    async def main() -> float:
        task = asyncio.create_task(llm.acomplete(STORY, max_tokens=1500))
        await asyncio.sleep(1.5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return await seconds_until_calls_end(60)

    ending_s = asyncio.run(main())
    assert ending_s < 15, f"the model call went on {ending_s:.1f} s after its caller was cancelled"


def test_a_timed_out_astream_stops_the_model(llm: Any) -> None:
    tokens = Tokens()

    async def read() -> None:
        async for _ in llm.astream(STORY, max_tokens=1500, config={"callbacks": [tokens]}):
            pass

    async def main() -> tuple[int, float]:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(read(), timeout=3)
        at_cancel = tokens.count
        return at_cancel, await seconds_until_calls_end(60)

    at_cancel, ending_s = asyncio.run(main())
    assert tokens.count - at_cancel < 20, f"{tokens.count - at_cancel} tokens written after the cancel"
    assert ending_s < 15, f"the model call went on {ending_s:.1f} s after its reader timed out"
