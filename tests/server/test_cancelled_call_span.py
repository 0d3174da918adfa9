"""A model call its caller stops is cancelled, not failed: a chat's Ctrl-C, or a client that hangs up
mid-stream, closed the call's stream, and its span ended as an error with a ``GeneratorExit``
exception event (``error.type`` GeneratorExit); a stream the server abandoned on its abort event
ended so with ``CallAborted``. The span now ends without error status or exception event, saying
``agentnet.call.status`` "cancelled", and the metrics count the call as "cancelled". Real SmolLM2,
the SDK's in-memory exporter, the server's own metrics; and a real ``agentnet serve`` exporting to an
OTLP receiver, whose FastAPI (0.165 on) made a second server span per request, in a trace of its own
holding the call, and recorded the client's hang-up as its ConnectionError."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from otlp_receiver import OtlpReceiver
from serve_helpers import Served

from agentnet.server.limits import ModelLimiter
from agentnet.server.metrics import ServerMetrics

STORY = [{"role": "user", "content": "Tell me a long story about bees and their queen."}]


@pytest.mark.parametrize("how", ["closed", "interrupted", "aborted"])
def test_a_stream_its_caller_stops_ends_cancelled_not_failed(how: str, exported: Any, smollm2_node: Any) -> None:
    metrics = ServerMetrics(ModelLimiter(1, 0))
    abort = threading.Event()
    try:
        pieces = iter(smollm2_node.stream_text(STORY, max_tokens=64, abort=abort))
        assert next(pieces)
        if how == "closed":  # the consumer stops reading: the server's client hung up, a chat closed it
            pieces.close()
        elif how == "interrupted":  # Ctrl-C in `agentnet chat` lands in the call's wait
            with pytest.raises(KeyboardInterrupt):
                pieces.throw(KeyboardInterrupt())
        else:  # the server's stream sets the call's abort event when its client has gone
            abort.set()
            with pytest.raises(Exception, match="abandoned"):
                list(pieces)
        samples = {s.labels["outcome"]: s.value for s in metrics.model_calls.collect()[0].samples if "total" in s.name}
    finally:
        metrics.close()
    (span,) = exported.get_finished_spans()
    assert span.name == "chat smollm2"
    assert span.status.status_code.name == "UNSET", span.status
    assert "error.type" not in span.attributes and not span.events, (dict(span.attributes), span.events)
    assert span.attributes["agentnet.call.status"] == "cancelled"
    assert samples == {"cancelled": 1.0}


def test_a_served_stream_whose_client_hangs_up_is_one_trace_under_the_servers_span(
    serve: Callable[..., Served],
) -> None:
    receiver = OtlpReceiver()
    try:
        served = serve("s", token="cancelled-span-token-0123456789", extra_env=receiver.env("s"))
        body = {"model": "smollm2", "messages": STORY, "max_tokens": 400, "stream": True}
        with httpx.stream("POST", f"{served.api_base}/chat/completions", json=body, headers=served.headers(),
                          timeout=120) as streamed:  # fmt: skip
            for seen, _ in enumerate(streamed.iter_lines()):
                if seen == 4:  # a few tokens in, the client goes away
                    break
        spans = receiver.wait_for(lambda found: any(s.name == "chat smollm2" for s in found), "the call's span")
        time.sleep(1)  # a second server span, had there been one, ends with the response
        posts = [s for s in receiver.spans if s.name.startswith("POST ")]
    finally:
        receiver.close()
    (call,) = [s for s in spans if s.name == "chat smollm2"]
    assert len(posts) == 1, [(s.name, s.trace_id, s.attributes) for s in posts]
    assert (call.trace_id, call.parent_id) == (posts[0].trace_id, posts[0].span_id)
    assert posts[0].status_code != 2 and call.status_code != 2  # 2: ERROR
    assert call.attributes["agentnet.call.status"] == "cancelled"
