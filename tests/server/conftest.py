"""Real servers for the server tests: ``agentnet serve`` subprocesses, and apps served by uvicorn in a
thread (real sockets and HTTP; the scripted nodes behind them stand in for models only where a test
needs exact timing or content)."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from openai_upstream import Upstream
from serve_helpers import TOKEN, Served, ThreadedServer, start_serve

from agentnet import telemetry


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Factory: ``serve("a", config=..., token=...)`` starts a server; all are stopped afterwards."""
    started: list[Served] = []

    def factory(name: str, **kwargs: Any) -> Served:
        served = start_serve(tmp_path / name, **kwargs)
        started.append(served)
        return served

    yield factory
    for served in started:
        served.stop()


@pytest.fixture(scope="session")
def gguf_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One real ``agentnet serve`` with the embedded SmolLM2 GGUF, behind a bearer token."""
    served = start_serve(tmp_path_factory.mktemp("gguf-server"), token=TOKEN)
    try:
        yield served
    finally:
        served.stop()


@pytest.fixture
def run_app() -> Iterator[Callable[..., ThreadedServer]]:
    """Factory: serve an app built by ``create_app`` on a real socket for the test's duration."""
    servers: list[ThreadedServer] = []

    def factory(app: Any, sock: socket.socket | None = None) -> ThreadedServer:
        server = ThreadedServer(app, sock).start()
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.stop()


@pytest.fixture
def exported() -> Iterator[Any]:
    """agentnet's spans of this test, in memory (the SDK's own exporter)."""
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    telemetry.set_tracer_provider(provider)
    yield exporter
    telemetry.set_tracer_provider(None)
    provider.shutdown()


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    """An OpenAI-compatible upstream whose model "gated" answers only when a test lets it."""
    served = Upstream(gated=("gated",))
    yield served
    served.close()
