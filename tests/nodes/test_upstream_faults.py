"""Upstream faults through the real litellm path: a scripted OpenAI-compatible server on loopback
rate-limits, fails, refuses, answers HTML or breaks its stream, and agentnet must do what LiteLLM's
router documents (respect Retry-After, cool a failing deployment down, name the real cause)."""

from __future__ import annotations

import email.utils
import itertools
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fake_upstream import Answer, Upstream, content_refused, html_page, rate_limited, unavailable
from listening import connections_to

from agentnet.config import ModelParams, ModelSpec
from agentnet.errors import ContentPolicyError, ContextOverflowError, ModelCallError, OutputValidationError
from agentnet.executor.graph import GraphBuilder
from agentnet.executor.steps import StepSpec
from agentnet.nodes.failures import retry_after
from agentnet.nodes.litellm import LiteLLMNode

CITY_SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
    "additionalProperties": False,
}


@pytest.fixture
def upstream() -> Any:
    servers: list[Upstream] = []

    def start(*script: Answer) -> Upstream:
        server = Upstream(*script)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def remote(server: Upstream, node_id: str = "up", **params: Any) -> LiteLLMNode:
    params.setdefault("retry_backoff_s", 0.05)
    spec = ModelSpec(
        id=node_id, adapter="litellm", model="openai/fake", api_base=server.api_base, params=ModelParams(**params)
    )
    return LiteLLMNode.from_spec(spec)


def gaps(server: Upstream) -> list[float]:
    times = [r.at for r in server.requests]
    return [later - earlier for earlier, later in itertools.pairwise(times)]


@pytest.fixture
def warm_error_path(upstream: Any) -> None:
    """litellm imports its error mapping on the first failure (seconds on a loaded machine); pay that
    before a test measures a wait, so a long gap cannot come from the import."""
    with pytest.raises(ModelCallError):
        remote(upstream(rate_limited("1")), retries=0, cooldown_s=0).complete("warm-up")


def test_retry_after_reads_seconds_milliseconds_and_dates_and_nothing_else() -> None:
    """What a server asked for, as ``classify`` hands it to the RetryPolicy; no usable ask is None
    (the policy's own backoff then applies), never 0 or an error."""
    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")

    def asked(**headers: str) -> float | None:
        response = httpx.Response(429, headers=headers, request=request)
        return retry_after(httpx.HTTPStatusError("429", request=request, response=response))

    assert asked(**{"Retry-After": "2"}) == 2.0 and asked(**{"retry-after-ms": "1500", "Retry-After": "9"}) == 1.5
    soon = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 < (asked(**{"Retry-After": soon}) or 0) <= 30
    past = email.utils.format_datetime(datetime.now(UTC) - timedelta(seconds=30), usegmt=True)
    assert asked(**{"Retry-After": past}) == 0.0
    for nothing in ({}, {"Retry-After": ""}, {"Retry-After": "soon"}, {"X-Other": "3"}):
        assert asked(**nothing) is None, nothing
    assert retry_after(ValueError("no response at all")) is None


@pytest.mark.usefixtures("warm_error_path")
def test_429_is_retried_when_retry_after_says(upstream: Any) -> None:
    server = upstream(rate_limited("2"), Answer())
    reply = remote(server, retries=2).complete("hi")
    assert reply.text == "Hello from upstream."
    assert len(server.requests) == 2
    # Backoff alone would retry after 0.05 s; the server asked for 2 s.
    assert gaps(server)[0] >= 2.0


@pytest.mark.usefixtures("warm_error_path")
def test_retry_after_past_the_deadline_fails_now_and_cools_the_model_down(upstream: Any) -> None:
    server = upstream(rate_limited("30"))
    node = remote(server, retries=2, deadline_s=5)
    with pytest.raises(ModelCallError) as err:
        node.complete("hi")
    assert err.value.code == "model_rate_limited"
    assert "retry after 30 s" in err.value.message and "past agentnet's deadline" in err.value.message
    assert len(server.requests) == 1  # not retried into the deadline
    # The server said when it takes calls again: until then the model is skipped without a request.
    with pytest.raises(ModelCallError) as again:
        node.complete("hi")
    assert again.value.code == "model_cooling_down"
    assert "RateLimitError" in again.value.message  # the cause it is cooling down for
    assert len(server.requests) == 1


def test_persistent_503_cools_the_deployment_down(upstream: Any) -> None:
    server = upstream(unavailable())
    node = remote(server, retries=2, allowed_fails=3, cooldown_s=30)
    with pytest.raises(ModelCallError, match="after 3 attempts"):
        node.complete("first")
    assert len(server.requests) == 3
    # The 4th failure within a minute is one more than allowed_fails: the deployment cools down and
    # the retry stops there instead of hammering a server that is down.
    with pytest.raises(ModelCallError) as second:
        node.complete("second")
    assert second.value.code == "model_cooling_down" and "4 failed requests" in second.value.message
    assert len(server.requests) == 4
    with pytest.raises(ModelCallError) as third:
        node.complete("third")
    assert third.value.code == "model_cooling_down"
    assert len(server.requests) == 4
    assert third.value.hint and "cooldown_s" in third.value.hint


def test_cooldown_can_be_turned_off(upstream: Any) -> None:
    server = upstream(unavailable())
    node = remote(server, retries=1, allowed_fails=0, cooldown_s=0)
    for _ in range(2):
        with pytest.raises(ModelCallError, match="after 2 attempts"):
            node.complete("hi")
    assert len(server.requests) == 4


def test_403_is_not_retried(upstream: Any) -> None:
    server = upstream(Answer(status=403, error={"message": "forbidden", "type": "permission_error"}))
    with pytest.raises(ModelCallError) as err:
        remote(server, retries=3).complete("hi")
    assert len(server.requests) == 1
    assert err.value.code == "model_auth_failed" and not err.value.retryable
    assert "403" in err.value.message and "not retried" in err.value.message


def test_a_federation_loop_refusal_is_not_retried_nor_cooled_down(upstream: Any) -> None:
    # What an agentnet peer answers when a request comes back to it (server/guard.py): the same
    # request is refused the same way every time, and the peer itself is healthy.
    loop = Answer(status=508, error={"message": "federation loop: ...", "type": "invalid_request_error",
                                     "code": "loop_detected"})  # fmt: skip
    server = upstream(loop, loop, loop, loop, loop)
    node = remote(server, retries=2, allowed_fails=0, cooldown_s=30)
    for _ in range(2):
        with pytest.raises(ModelCallError) as err:
            node.complete("hi")
        assert not err.value.retryable and "federation loop" in err.value.message
    assert len(server.requests) == 2
    with pytest.raises(ModelCallError):
        remote(server, retries=2, cooldown_s=0).complete("hi")
    assert len(server.requests) == 3


def test_content_policy_refusal_has_its_own_code_and_is_not_retried(upstream: Any) -> None:
    server = upstream(content_refused())
    with pytest.raises(ContentPolicyError) as err:
        remote(server, retries=3).complete("something the provider refuses")
    assert len(server.requests) == 1
    assert err.value.code == "content_policy" and not err.value.retryable
    assert "'up'" in err.value.message and "content policy" in err.value.message
    assert err.value.hint and "fallback" in err.value.hint


def test_refusals_of_the_request_itself_never_cool_a_healthy_model_down(upstream: Any) -> None:
    """A prompt over the context window or one the content policy refuses fails the same way every time,
    and says nothing about the server: named, not retried, and the next (other) call still reaches it."""
    overflow = Answer(
        status=400,
        error={
            "message": "This model's maximum context length is 2048 tokens. However, your messages resulted in "
            "9000 tokens. Please reduce the length of the messages.",
            "type": "invalid_request_error",
            "code": "context_length_exceeded",
        },
    )
    server = upstream(overflow, content_refused(), Answer())
    node = remote(server, retries=3, allowed_fails=0, cooldown_s=30)
    with pytest.raises(ContextOverflowError) as err:
        node.complete("a very long prompt")
    assert err.value.code == "context_overflow" and "'up'" in err.value.message
    with pytest.raises(ContentPolicyError):
        node.complete("something the provider refuses")
    assert node.complete("hi").text == "Hello from upstream."
    assert len(server.requests) == 3


def test_a_content_policy_refusal_falls_back_to_the_next_candidate(upstream: Any) -> None:
    refusing = remote(upstream(content_refused()), "refusing", retries=3)
    answering = remote(upstream(Answer(pieces=["Fine", "."])), "answering")
    result = _run_one_step([refusing, answering])
    assert result["node_id"] == "answering" and result["text"] == "Fine."
    assert [a.get("error_code") for a in result["attempts"]] == ["content_policy", None]


def test_a_server_that_is_not_there_is_named_unreachable_with_the_real_cause() -> None:
    # litellm turns "connection refused" into an HTTP 500 InternalServerError it made up; the user reads
    # the real cause and where to look, not "InternalServerError" three times.
    import socket

    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    spec = ModelSpec(id="gone", adapter="litellm", model="openai/fake", api_base=f"http://127.0.0.1:{port}/v1",
                     params=ModelParams(retries=1, retry_backoff_s=0.01, cooldown_s=0))  # fmt: skip
    with pytest.raises(ModelCallError) as err:
        LiteLLMNode.from_spec(spec).complete("hi")
    assert err.value.code == "model_unreachable" and err.value.retryable
    message = err.value.message
    assert "could not be reached (after 2 attempts)" in message and "Connection refused" in message, message
    assert "InternalServerError" not in message, message
    assert f"listening at http://127.0.0.1:{port}/v1" in (err.value.hint or "")


def test_an_html_page_with_status_200_is_named_as_such(upstream: Any) -> None:
    server = upstream(html_page())
    with pytest.raises(ModelCallError) as err:
        remote(server, retries=2).complete("hi")
    assert err.value.code == "model_bad_response"
    assert "HTML" in err.value.message and "200" in err.value.message
    assert err.value.hint and "api_base" in err.value.hint and "context window" not in err.value.hint
    assert len(server.requests) == 1


def test_connection_reset_mid_stream_is_an_error_not_a_short_reply(upstream: Any) -> None:
    server = upstream(Answer(pieces=["one", " two", " three", " four", " five"], reset_after=3))
    stream = remote(server, retries=2).stream_text("count")
    received: list[str] = []
    with pytest.raises(ModelCallError) as err:
        received.extend(stream)
    assert received == ["one", " two", " three"]
    assert stream.reply is None
    assert err.value.code == "model_stream_broken" and "discarded" in err.value.message
    assert len(server.requests) == 1  # text was already out: not retried silently


def test_a_stream_that_stops_after_3_chunks_never_becomes_a_steps_output(upstream: Any) -> None:
    cut = remote(upstream(Answer(pieces=["Par", "tial", " text", " never"], finish_reason=None)), "cut")
    with pytest.raises(ModelCallError) as err:
        cut.complete("hi")
    assert err.value.code == "model_stream_broken"
    whole = remote(upstream(Answer(pieces=["Whole", " answer."])), "whole")
    result = _run_one_step([cut, whole])
    assert result["text"] == "Whole answer." and result["node_id"] == "whole"
    assert result["attempts"][0]["error_code"] == "model_stream_broken"


def test_json_cut_off_by_max_tokens_is_asked_again_with_more_room(upstream: Any) -> None:
    server = upstream(Answer(pieces=['{"city": "Pa'], finish_reason="length"), Answer(pieces=['{"city": "Paris"}']))
    reply = remote(server, max_tokens=16).complete("Which city?", schema=CITY_SCHEMA)
    assert reply.data == {"city": "Paris"} and reply.attempts == 2
    first, second = (r.body for r in server.requests)
    assert (first["max_tokens"], second["max_tokens"]) == (16, 32)
    # The same question again, not a "that reply does not match" correction: the reply was cut, not wrong.
    assert second["messages"] == first["messages"]


def test_json_cut_off_under_a_fixed_limit_fails_at_once_for_a_fallback(upstream: Any) -> None:
    server = upstream(Answer(pieces=['{"city": "Pa'], finish_reason="length"))
    with pytest.raises(OutputValidationError) as err:
        remote(server).complete("Which city?", schema=CITY_SCHEMA, max_tokens=16)
    assert err.value.code == "output_truncated" and "max_tokens=16" in err.value.message
    assert len(server.requests) == 1


def _run_one_step(nodes: list[LiteLLMNode]) -> dict[str, Any]:
    builder = GraphBuilder(nodes)
    builder.add_step(StepSpec(id="answer", candidates=[n.node_id for n in nodes], prompt=lambda ctx: "hi"))
    state = builder.compile().invoke({"task": "hi", "inputs": {}, "results": {}})
    result: dict[str, Any] = state["results"]["answer"]
    return result


def _closed_within(port: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while connections_to(port):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_reply_the_caller_stops_reading_or_that_fails_closes_its_connection(upstream: Any) -> None:
    """Each abandoned or failed reply would otherwise hold a socket to the provider until the garbage
    collector finds it: in a long-running `agentnet serve`, one per cancelled request."""
    long = upstream(Answer(pieces=[f" {n}" for n in range(400)]))
    long.delay_s = 0.02
    pieces = iter(remote(long).stream_text("count"))
    assert next(pieces)
    assert connections_to(long.port) == 1
    pieces.close()  # the caller stops reading (a client went away, a deadline passed)
    assert _closed_within(long.port, timeout_s=30), "the abandoned reply still holds its connection"

    page = upstream(html_page())
    with pytest.raises(ModelCallError):
        remote(page, retries=0).complete("hi")
    assert _closed_within(page.port, timeout_s=30), "the refused HTML reply still holds its connection"
