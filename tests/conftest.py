"""Shared, session-scoped real components: the SmolLM2 GGUF, a llama.cpp server, a chroma server.

Loading a model or starting a server once per session keeps the suite fast on 2 cores; every test
still talks to the real thing.
"""

from __future__ import annotations

import fcntl
import inspect
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Each test's home starts with the bundled cards' vectors (tests/card_seed.py).
from card_seed import seed_card_vectors

# A leaked socket or file fails the test that leaked it (tests/leakguard.py).
from leakguard import leaks_of_the_module, leaks_of_the_test
from listening import refused_port, silent_port
from processes import stop_process, unmeasured_env

# Which tests share an xdist worker, and in which order they are handed out (tests/scheduling.py).
from scheduling import pytest_collection_modifyitems, pytest_xdist_make_scheduler

# CI (AGENTNET_NO_SKIPS=1) fails a run that skipped a test it must run; see tests/skipguard.py.
from skipguard import pytest_collectreport, pytest_runtest_logreport, pytest_sessionfinish, pytest_terminal_summary

from agentnet.config import embedded_gguf_path

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN_DIR = Path(sys.executable).parent


def free_port() -> int:
    """A port free a moment ago (see start_on_a_free_port for programs that cannot take a socket)."""
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


@pytest.fixture(autouse=True)
def agentnet_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Path:
    """Every test gets its own AGENTNET_HOME and working directory: nothing touches ~/.agentnet. The home
    holds the bundled cards' vectors, as one used before does (card_seed.py), unless marked cold_home."""
    home = tmp_path / "agentnet-home"
    home.mkdir()
    if request.node.get_closest_marker("cold_home") is None:
        seed_card_vectors(home)
    monkeypatch.setenv("AGENTNET_HOME", str(home))
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return home


@pytest.fixture(autouse=True)
def fresh_cooldowns() -> Iterator[None]:
    """Remote deployments' cooldowns are per process: one test's failing upstream (whose port a later
    test's server may reuse) must not make another test skip a model."""
    from agentnet.nodes.cooldown import shared_cooldowns

    yield
    shared_cooldowns().clear()


@pytest.fixture(autouse=True)
def closed_litellm_clients() -> Iterator[None]:
    """litellm keeps the HTTP client of every endpoint it called in a process-wide cache (10 min), with
    a keep-alive connection open: to a test's upstream that is gone once the test ends. Held by a module,
    such a socket was only freed at the worker's exit, where its ResourceWarning failed no test but
    littered the CI log (issue 18 §4). Closing the cached clients after each test leaves no socket open
    across tests; a test that calls the same endpoint again simply connects again."""
    yield
    litellm = sys.modules.get("litellm")
    cache = getattr(litellm, "in_memory_llm_clients_cache", None)
    if cache is None:
        return
    for key, client in list(cache.cache_dict.items()):
        close = getattr(client, "close", None)
        # An async client can only be closed on its own event loop; those stay cached, as before.
        if close is not None and not inspect.iscoroutinefunction(close):
            cache.delete_cache(key)
            close()


@pytest.fixture
def refused_url() -> Iterator[str]:
    """``http://127.0.0.1:PORT`` where connections are refused for the whole test (see listening.py)."""
    with refused_port() as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def silent_server() -> Iterator[str]:
    """An OpenAI-style ``api_base`` on loopback that accepts connections and never answers."""
    with silent_port() as port:
        yield f"http://127.0.0.1:{port}/v1"


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


def start_on_a_free_port(
    command: Callable[[int], list[str]], health: str, log: Path, env: dict[str, str], timeout_s: float
) -> tuple[subprocess.Popen[bytes], int]:
    """Start a program that takes a port number, not a socket: the port picked may be taken before
    the program binds it, so a start that fails with "address already in use" is retried on another."""
    for attempt in range(3):
        port = free_port()
        with log.open("wb") as out:
            process = subprocess.Popen(command(port), stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            wait_for_http(health.format(port=port), process, timeout_s, log)
            return process, port
        except RuntimeError:
            stop_process(process)
            if attempt == 2 or "address already in use" not in log.read_text(errors="replace").lower():
                raise
    raise AssertionError("unreachable")


LLAMA_SERVER_MAIN = (
    "import runpy; from agentnet.nodes.pool import avoid_amx_kernels; avoid_amx_kernels(); "
    "runpy.run_module('llama_cpp.server', run_name='__main__', alter_sys=True)"
)


@pytest.fixture(scope="session")
def llama_server(smollm2_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real OpenAI-compatible llama.cpp server on loopback serving SmolLM2 as model 'smollm2'.

    Yields its api_base (``http://127.0.0.1:PORT/v1``); litellm reaches it as ``openai/smollm2``.
    """

    def command(port: int) -> list[str]:
        return [
            # llama_cpp.server, after keeping llama.cpp off AMX kernels that crash (nodes.pool.avoid_amx_kernels).
            sys.executable, "-c", LLAMA_SERVER_MAIN,
            "--model", str(smollm2_path),
            "--model_alias", "smollm2",
            "--host", "127.0.0.1",
            "--port", str(port),
            "--n_ctx", "2048",
            "--n_threads", "1",
            "--n_threads_batch", "1",  # as agentnet's own pool does (nodes/pool.py)
            "--seed", "0",
        ]  # fmt: skip

    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process, port = start_on_a_free_port(command, "http://127.0.0.1:{port}/v1/models", log, env, timeout_s=120)
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        stop_process(process)


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `chroma run` server on a free loopback port; yields its URL."""
    data = tmp_path_factory.mktemp("chroma-server")
    chroma = BIN_DIR / "chroma"

    def command(port: int) -> list[str]:
        return [str(chroma), "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)]

    env = unmeasured_env(ANONYMIZED_TELEMETRY="False")
    health = "http://127.0.0.1:{port}/api/v2/heartbeat"
    process, port = start_on_a_free_port(command, health, data / "server.log", env, timeout_s=60)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(process)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    """A throwaway PostgreSQL server for the session (installed from Debian if missing; see pgserver.py).

    fsync is off: tests check behaviour, not durability against power loss; bench/ measures with it on."""
    from pgserver import PostgresServer

    server = PostgresServer(settings={"fsync": "off", "max_connections": "300"}).start()
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture
def pg_url(postgres_server: Any) -> str:
    """A fresh, empty database on the session's PostgreSQL server."""
    return str(postgres_server.new_database())


__all__ = [
    "leaks_of_the_module",
    "leaks_of_the_test",
    "pytest_collection_modifyitems",
    "pytest_collectreport",
    "pytest_runtest_logreport",
    "pytest_sessionfinish",
    "pytest_terminal_summary",
    "pytest_xdist_make_scheduler",
]


@pytest.fixture(scope="session")
def espeak_ng() -> str:
    """espeak-ng, installed with apt-get when missing (CI machines start without it). Any test whose
    network includes the speech collaborator needs it, or speech counts as not installed."""
    found = shutil.which("espeak-ng")
    if found is None and os.geteuid() == 0:
        # Both xdist workers may get here at once; apt/dpkg take one installer at a time.
        with open("/tmp/agentnet-tests-apt.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            found = shutil.which("espeak-ng") or _apt_install_espeak_ng()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("espeak-ng is not installed and `apt-get install -y espeak-ng` did not install it")
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng) and this user cannot install it")
    return found


def _apt_install_espeak_ng() -> str | None:
    found = None
    for command in (["apt-get", "install", "-y", "espeak-ng"], ["apt-get", "update"],
                    ["apt-get", "install", "-y", "espeak-ng"]):  # fmt: skip
        subprocess.run(
            command,
            capture_output=True,
            timeout=600,
            check=False,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        found = shutil.which("espeak-ng")
        if found:
            break
    return found


@pytest.fixture
def embedded_texts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the shared embedder embeds during the test, in order (the real embedder still embeds them)."""
    from agentnet.directory.embedder import shared_embedder

    embedder = shared_embedder()
    texts: list[str] = []
    real = embedder.embed

    def counted(batch: list[str]) -> Any:
        texts.extend(batch)
        return real(batch)

    monkeypatch.setattr(embedder, "embed", counted)
    return texts
