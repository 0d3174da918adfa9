"""Shared, session-scoped real components: the SmolLM2 GGUF, a llama.cpp server, a chroma server.

Loading a model or starting a server once per session keeps the suite fast on 2 cores; every test
still talks to the real thing.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agentnet.config import embedded_gguf_path

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN_DIR = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(url: str, process: subprocess.Popen[bytes], timeout_s: float, log: Path) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"server at {url} did not come up within {timeout_s} s:\n{log.read_text()[-3000:]}")


def stop_process(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(autouse=True)
def agentnet_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own AGENTNET_HOME and working directory: nothing touches ~/.agentnet."""
    home = tmp_path / "agentnet-home"
    home.mkdir()
    monkeypatch.setenv("AGENTNET_HOME", str(home))
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return home


@pytest.fixture(scope="session")
def smollm2_path() -> Path:
    return embedded_gguf_path()


@pytest.fixture(scope="session")
def smollm2_node() -> Any:
    """The embedded SmolLM2 as a local node, loaded once per session in the process-wide pool.

    Every node built from the embedded default spec (e.g. through ``NodeRegistry``) shares this
    same loaded ``Llama``.
    """
    from agentnet.config import embedded_default_spec
    from agentnet.nodes.llamacpp import LlamaCppNode

    node = LlamaCppNode.from_spec(embedded_default_spec())
    node.load()
    return node


@pytest.fixture(scope="session")
def llama_server(smollm2_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real OpenAI-compatible llama.cpp server on loopback serving SmolLM2 as model 'smollm2'.

    Yields its api_base (``http://127.0.0.1:PORT/v1``); litellm reaches it as ``openai/smollm2``.
    """
    port = free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "llama_cpp.server",
                "--model", str(smollm2_path),
                "--model_alias", "smollm2",
                "--host", "127.0.0.1",
                "--port", str(port),
                "--n_ctx", "2048",
                "--n_threads", "1",
                "--seed", "0",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )  # fmt: skip
    try:
        wait_for_http(f"http://127.0.0.1:{port}/v1/models", process, timeout_s=120, log=log)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        stop_process(process)


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `chroma run` server on a free loopback port; yields its URL."""
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    log = data / "server.log"
    chroma = BIN_DIR / "chroma"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(chroma), "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/api/v2/heartbeat", process, timeout_s=60, log=log)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(process)
