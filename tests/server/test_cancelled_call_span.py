"""A model call its caller stops is cancelled, not failed: a chat's Ctrl-C, or a client that hangs up
mid-stream, closed the call's stream, and its span ended as an error with a ``GeneratorExit``
exception event (``error.type`` GeneratorExit); a stream the server abandoned on its abort event
ended so with ``CallAborted``. The span now ends without error status or exception event, saying
``agentnet.call.status`` "cancelled", and the metrics count the call as "cancelled". Real SmolLM2,
the SDK's in-memory exporter, the server's own metrics."""

from __future__ import annotations

import threading
from typing import Any

import pytest

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
