"""Admission (429 + Retry-After), deadlines, hop limits and loops, over real HTTP.

Scripted nodes stand in for models: held at a gate the test opens (so who is admitted never depends
on how fast a loaded machine delivers the requests), or silent for a while; the behaviour under test
is the server's.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from serve_helpers import ThreadedServer

from agentnet.cards import CapabilityCard
from agentnet.server.app import create_app
from agentnet.server.settings import DEADLINE_HEADER, HOPS_HEADER, VIA_HEADER, ServerSettings
from agentnet.testing import Delay, ScriptedModel


def chat(model: str, **extra: object) -> dict[str, object]:
    return {"model": model, "messages": [{"role": "user", "content": "hi"}], **extra}


class Gate:
    """Holds every call of a scripted model until the test opens it."""

    def __init__(self) -> None:
        self.opened = threading.Event()
        self.entered = threading.Semaphore(0)

    def reply(self, text: str) -> Callable[[list[dict[str, str]]], str]:
        def answer(messages: list[dict[str, str]]) -> str:
            self.entered.release()
            if not self.opened.wait(120):
                raise TimeoutError("the test never opened the gate")
            return text

        return answer


@pytest.fixture
def gate() -> Iterator[Gate]:
    held = Gate()
    yield held
    held.opened.set()  # no worker thread outlives the test


@pytest.fixture
def gated_server(run_app, gate: Gate) -> ThreadedServer:  # type: ignore[no-untyped-def]
    held = ScriptedModel.build("held", [gate.reply("done")])
    settings = ServerSettings(local_concurrency=1, local_queue=1, instance_id="server-under-test")
    return run_app(create_app(None, settings, nodes=[held]))


async def _refused_then_rest(
    url: str, count: int, refused: int, gate: Gate, stream: bool = False
) -> list[httpx.Response]:
    """Send ``count`` requests at once; once ``refused`` of them have come back, open the gate for the rest."""
    async with httpx.AsyncClient(timeout=120) as client:
        tasks = [
            asyncio.create_task(client.post(f"{url}/v1/chat/completions", json=chat("held", stream=stream)))
            for _ in range(count)
        ]
        pending = set(tasks)
        while len(tasks) - len(pending) < refused:
            _, pending = await asyncio.wait(pending, timeout=60, return_when=asyncio.FIRST_COMPLETED)
            assert not all(t.done() for t in tasks), "every request came back before the gate opened"
        early = [t.result().status_code for t in tasks if t.done()]
        gate.opened.set()
        responses = list(await asyncio.gather(*tasks))
    # The ones answered while the model was held were all refused; the others were admitted.
    assert early == [429] * len(early), early
    return responses


@pytest.fixture
def slow_server(run_app) -> ThreadedServer:  # type: ignore[no-untyped-def]
    slow = ScriptedModel.build("slow", [Delay(0.6, "done")])
    remote = ScriptedModel.build(
        "remote-slow", [Delay(0.6, "done")], card=CapabilityCard(id="remote-slow", locality="remote")
    )
    settings = ServerSettings(local_concurrency=1, local_queue=1, instance_id="server-under-test", max_hops=3)
    return run_app(create_app(None, settings, nodes=[slow, remote]))


async def _burst(url: str, model: str, count: int, stream: bool = False) -> list[httpx.Response]:
    async with httpx.AsyncClient(timeout=30) as client:
        return await asyncio.gather(
            *(client.post(f"{url}/v1/chat/completions", json=chat(model, stream=stream)) for _ in range(count))
        )


def test_busy_local_model_answers_429_with_retry_after(gated_server: ThreadedServer, gate: Gate) -> None:
    responses = asyncio.run(_refused_then_rest(gated_server.url, 5, 3, gate))
    # One runs, one waits, the other three are refused at once instead of queueing.
    assert sorted(r.status_code for r in responses) == [200, 200, 429, 429, 429]
    for response in responses:
        if response.status_code == 429:
            assert int(response.headers["Retry-After"]) >= 1
            assert response.json()["error"]["type"] == "rate_limit_error"
            assert response.json()["error"]["code"] == "model_busy"
    # The slots are freed afterwards: the model serves again.
    assert httpx.post(f"{gated_server.url}/v1/chat/completions", json=chat("held"), timeout=60).status_code == 200


def test_streams_hold_and_release_their_slot(gated_server: ThreadedServer, gate: Gate) -> None:
    responses = asyncio.run(_refused_then_rest(gated_server.url, 4, 2, gate, stream=True))
    assert sorted(r.status_code for r in responses) == [200, 200, 429, 429]
    for response in responses:
        if response.status_code == 200:
            assert "done" in response.text and response.text.rstrip().endswith("data: [DONE]")
    assert httpx.post(f"{gated_server.url}/v1/chat/completions", json=chat("held"), timeout=60).status_code == 200


def test_client_that_disconnects_mid_stream_frees_the_slot(slow_server: ThreadedServer) -> None:
    for _ in range(3):
        with (
            httpx.Client(timeout=30) as client,
            client.stream("POST", f"{slow_server.url}/v1/chat/completions", json=chat("slow", stream=True)) as r,
        ):
            assert r.status_code == 200
        # leaving the block closes the connection before the reply is done
    # The slots come free (the server notices the disconnects); polled, since how soon depends on the machine.
    deadline = time.monotonic() + 60
    while True:
        statuses = [r.status_code for r in asyncio.run(_burst(slow_server.url, "slow", 2))]
        if statuses == [200, 200]:
            break
        assert time.monotonic() < deadline, f"slots still taken a minute after the clients left: {statuses}"


def test_remote_models_are_not_throttled_as_local_ones(slow_server: ThreadedServer) -> None:
    responses = asyncio.run(_burst(slow_server.url, "remote-slow", 5))
    assert [r.status_code for r in responses] == [200] * 5


def test_caller_deadline_bounds_the_call(gated_server: ThreadedServer) -> None:
    started = time.perf_counter()
    response = httpx.post(
        f"{gated_server.url}/v1/chat/completions", json=chat("held"), headers={DEADLINE_HEADER: "0.2"}, timeout=120
    )
    assert response.status_code == 504
    assert response.json()["error"]["code"] == "deadline_exceeded"
    # The held model would never answer: only the caller's deadline can end this request.
    assert time.perf_counter() - started < 60


def test_spent_or_invalid_deadline_is_refused_at_once(slow_server: ThreadedServer) -> None:
    spent = httpx.post(f"{slow_server.url}/v1/chat/completions", json=chat("slow"), headers={DEADLINE_HEADER: "0"})
    assert spent.status_code == 504 and spent.json()["error"]["code"] == "deadline_exceeded"
    for value in ("soon", "nan"):
        bad = httpx.post(f"{slow_server.url}/v1/chat/completions", json=chat("slow"), headers={DEADLINE_HEADER: value})
        assert bad.status_code in (400, 504), bad.text


def test_hop_limit_stops_long_chains(slow_server: ThreadedServer) -> None:
    response = httpx.post(f"{slow_server.url}/v1/chat/completions", json=chat("slow"), headers={HOPS_HEADER: "3"})
    assert response.status_code == 508
    error = response.json()["error"]
    assert error["code"] == "hop_limit_exceeded" and "3" in error["message"]
    ok = httpx.post(f"{slow_server.url}/v1/chat/completions", json=chat("slow"), headers={HOPS_HEADER: "2"})
    assert ok.status_code == 200
    assert ok.json()["agentnet"]["hops"] == 2


def test_request_coming_back_to_the_same_server_is_a_loop(slow_server: ThreadedServer) -> None:
    response = httpx.post(
        f"{slow_server.url}/v1/chat/completions",
        json=chat("slow"),
        headers={HOPS_HEADER: "2", VIA_HEADER: "server-under-test,other-server"},
    )
    assert response.status_code == 508
    error = response.json()["error"]
    assert error["code"] == "loop_detected"
    assert "server-under-test" in error["message"]


class _BreaksMidway(ScriptedModel):
    """Streams one piece, then fails (a model or peer dying mid-reply)."""

    def _generate_tokens(self, messages, options, cancel):  # type: ignore[no-untyped-def]
        from agentnet.errors import ModelCallError

        yield "partial"
        raise ModelCallError("upstream fell over", hint="try later")


def test_stream_error_before_any_token_keeps_its_status(run_app) -> None:  # type: ignore[no-untyped-def]
    from agentnet.errors import ModelCallError

    flaky = ScriptedModel.build("flaky", [ModelCallError("upstream fell over", hint="try later")])
    server = run_app(create_app(None, ServerSettings(), nodes=[flaky]))
    for stream in (True, False):
        response = httpx.post(f"{server.url}/v1/chat/completions", json=chat("flaky", stream=stream))
        assert response.status_code == 502
        error = response.json()["error"]
        assert error["type"] == "api_error" and error["code"] == "model_call_failed"
        assert "upstream fell over" in error["message"] and "try later" in error["message"]


def test_stream_error_after_headers_is_an_error_event(run_app) -> None:  # type: ignore[no-untyped-def]
    node = _BreaksMidway.build("midway", [""])
    server = run_app(create_app(None, ServerSettings(), nodes=[node]))
    response = httpx.post(f"{server.url}/v1/chat/completions", json=chat("midway", stream=True))
    assert response.status_code == 200
    events = [line[6:] for line in response.text.splitlines() if line.startswith("data: ")]
    assert json.loads(events[0])["choices"][0]["delta"] == {"role": "assistant", "content": "partial"}
    assert events[-1] == "[DONE]"
    error = json.loads(events[-2])["error"]
    assert error["code"] == "model_call_failed" and "upstream fell over" in error["message"]


def test_two_ids_for_one_loaded_model_share_one_admission_limit() -> None:
    """Two config ids on the same GGUF with the same load settings are one Llama behind one lock:
    the server must count their calls together (different load settings are a different model)."""
    from agentnet.config import ModelParams, ModelSpec
    from agentnet.nodes.llamacpp import LlamaCppNode
    from agentnet.server.errors import HTTPProblem
    from agentnet.server.limits import ModelLimiter

    def node(model_id: str, n_ctx: int = 2048) -> LlamaCppNode:
        spec = ModelSpec(id=model_id, adapter="llamacpp", path="embedded:smollm2", params=ModelParams(n_ctx=n_ctx))
        return LlamaCppNode.from_spec(spec)

    chat_model, poet, big = node("chat"), node("poet"), node("big", n_ctx=4096)
    assert chat_model.admission_key == poet.admission_key != big.admission_key
    limiter = ModelLimiter(concurrency=1, queue=0)
    first = limiter.reserve(chat_model.node_id, chat_model.admission_key)
    with pytest.raises(HTTPProblem) as refused:
        limiter.reserve(poet.node_id, poet.admission_key)
    assert refused.value.status == 429 and "'poet' is busy" in refused.value.message
    limiter.reserve(big.node_id, big.admission_key).release()  # its own model, its own limit
    first.release()
    limiter.reserve(poet.node_id, poet.admission_key).release()
