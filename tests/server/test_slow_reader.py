"""A client that asks for a streamed answer and then reads nothing: once the socket buffers are full
the server cannot write, and the model's slot stayed held for as long as the client kept the
connection open. Now a write that waits ``stream_send_timeout_s`` ends the stream: the model is free
for the next caller and the connection is closed.

A real server (create_app on uvicorn, a real socket) whose model is a litellm node on a loopback
OpenAI-compatible upstream streaming a long answer (10 MB of chunks: more than the sockets' buffers
take), and a raw socket client with a small receive buffer that never reads.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fake_upstream import Answer, Upstream
from serve_helpers import ThreadedServer, listening_socket

from agentnet.config import load_config
from agentnet.nodes.litellm import import_litellm
from agentnet.nodes.registry import NodeRegistry
from agentnet.server.app import create_app
from agentnet.server.settings import ServerSettings

pytestmark = pytest.mark.filterwarnings("ignore:Accessing the 'model_(computed_)?fields' attribute")
SEND_TIMEOUT_S = 2.0
STORY = "once upon a time " * 60


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    # Distinct pieces: litellm ends a stream that repeats one chunk 100 times as broken.
    served = Upstream(Answer(pieces=[f"{n:06d} {STORY}" for n in range(8_000)]), Answer(pieces=["The end."]))
    yield served
    served.close()


def request(model: str) -> bytes:
    body = json.dumps({"model": model, "stream": True, "messages": [{"role": "user", "content": "go"}]}).encode()
    head = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    return f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body


def ask(server: ThreadedServer) -> httpx.Response:
    body = {"model": "story", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}
    return httpx.post(f"{server.url}/v1/chat/completions", json=body, timeout=60)


def test_a_client_that_reads_nothing_frees_the_model_and_loses_its_connection(
    run_app: Callable[..., ThreadedServer], upstream: Upstream, caplog: pytest.LogCaptureFixture
) -> None:
    Path("agentnet.yaml").write_text(
        f"models:\n  - id: story\n    adapter: litellm\n    model: openai/story\n    api_base: {upstream.api_base}\n"
        "    params: {retries: 0, deadline_s: 600}\n    card: {description: tells long stories}\n"
    )
    settings = ServerSettings(max_concurrent_remote=1, stream_send_timeout_s=SEND_TIMEOUT_S)
    # A small send buffer on the server's side too (accepted sockets inherit it): with the kernel's
    # default (autotuned up to 4 MB on loopback) the stream had to write megabytes before it stalled,
    # which under a busy CI took longer than the bound below and failed a server that was right.
    sock = listening_socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    server = run_app(create_app(NodeRegistry(load_config()), settings), sock)
    caplog.set_level(logging.WARNING, logger="agentnet.server")
    uvicorn_said: list[logging.LogRecord] = []
    heard = logging.Handler(logging.WARNING)
    heard.emit = uvicorn_said.append  # type: ignore[method-assign]
    logging.getLogger("uvicorn.error").addHandler(heard)
    # litellm's first import takes seconds (more on a busy CI): it must not count against the bound.
    import_litellm()
    stalled = socket.socket()
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect(("127.0.0.1", server.port))
    stalled.sendall(request("story"))
    started = time.monotonic()
    try:
        # While the stream is stuck the model's one slot is taken: another caller is refused.
        time.sleep(0.5)
        busy = ask(server)
        assert busy.status_code == 429 and busy.json()["error"]["code"] == "remote_limit", busy.text
        while (answered := ask(server)).status_code == 429:
            assert time.monotonic() - started < 10 * SEND_TIMEOUT_S, "the stalled stream kept the model's slot"
            time.sleep(0.2)
        assert answered.status_code == 200, answered.text
        # The slot came free after the send timeout, not before (the client never read a byte).
        assert time.monotonic() - started >= SEND_TIMEOUT_S
        # ... and the stalled connection was closed: reading it now drains what was sent, then ends.
        stalled.settimeout(30)
        received = b""
        while chunk := stalled.recv(65536):
            received += chunk
        assert received.startswith(b"HTTP/1.1 200") and b"data: [DONE]" not in received
    finally:
        stalled.close()
        logging.getLogger("uvicorn.error").removeHandler(heard)
    warnings = [r.getMessage() for r in caplog.records if "read nothing for" in r.getMessage()]
    assert warnings and f"read nothing for {SEND_TIMEOUT_S:g} s" in warnings[0], warnings
    # The stream was ended on purpose, and said so: uvicorn's ERROR "ASGI callable returned without
    # completing response" after that warning told an operator of a crash that was not one.
    # uvicorn's loggers do not propagate to the root (its log config): read "uvicorn.error" itself.
    errors = [f"{r.name}: {r.getMessage()}" for r in [*caplog.records, *uvicorn_said] if r.levelno >= logging.ERROR]
    assert not errors, errors
