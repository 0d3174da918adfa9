"""Two real ``agentnet serve`` processes on loopback, each with its own home, config and GGUF-backed
specialist, peered with ``agentnet peers add``: chat routed through the peer card, peer down,
refresh/list/remove, and the A -> B -> A loop guard."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable

import httpx
import pytest
from serve_helpers import TOKEN, Served

POET_CONFIG = """
models:
  - id: poet
    adapter: llamacpp
    path: embedded:smollm2
    params:
      system_prompt: "You are a poet. Answer with a short poem."
      temperature: 0.2
      max_tokens: 48
    card:
      name: Poet
      description: Writes short poems and verses about any topic.
      tags: [poetry, poem, verse, writing]
      skills:
        - id: write-poem
          name: Write a poem
          description: Write a short rhyming poem about a given topic.
          tags: [poetry, poem]
          examples: ["Write a short poem about the sea"]
"""
PEER_TOKEN_ENV = "PEER_B_TOKEN"


def chat(served: Served, model: str, content: str, **extra: object) -> httpx.Response:
    return httpx.post(
        f"{served.api_base}/chat/completions",
        json={"model": model, "messages": [{"role": "user", "content": content}], "max_tokens": 32, **extra},
        headers=served.headers(),
        timeout=180,
    )


def models(served: Served) -> dict[str, dict[str, object]]:
    body = httpx.get(f"{served.api_base}/models", headers=served.headers(), timeout=30).json()
    return {m["id"]: m for m in body["data"]}


def wait_for_model(served: Served, model_id: str, timeout_s: float = 10) -> dict[str, object]:
    """A running server re-reads peers.yaml by itself (checked at most once a second)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = models(served).get(model_id)
        if found is not None:
            return found
        time.sleep(0.3)
    raise AssertionError(f"{model_id} never appeared on {served.url}: {sorted(models(served))}")


def test_two_servers_peer_and_chat_through_the_peer(serve: Callable[..., Served]) -> None:
    b = serve("b", config=POET_CONFIG, token=TOKEN, args=("--name", "b"))
    a = serve("a", extra_env={PEER_TOKEN_ENV: TOKEN})

    # B's agent card publishes its specialist.
    card = httpx.get(f"{b.url}/.well-known/agent-card.json").json()
    assert card["name"] == "b"
    assert "poet/write-poem" in {s["id"] for s in card["skills"]}

    added = a.cli("peers", "add", b.url, "--token-env", PEER_TOKEN_ENV)
    assert added.returncode == 0, added.stderr
    assert "peer b" in added.stdout and "b/poet" in added.stdout
    listed = json.loads(a.cli("peers", "list", "--json").stdout)
    assert [p["name"] for p in listed] == ["b"]
    assert listed[0]["token_env"] == PEER_TOKEN_ENV
    assert TOKEN not in (a.home / "peers.yaml").read_text()
    poet = next(c for c in listed[0]["cards"] if c["id"] == "b/poet")
    assert poet["provider"] == "peer:b" and poet["locality"] == "remote"
    assert poet["data_leaves_host"] is False  # loopback peer

    # The running server A picks the peer up without a restart; its card resolves to a peer node.
    info = wait_for_model(a, "b/poet")
    assert info["agentnet"]["provider"] == "peer:b"
    assert "poet" not in models(a)  # A does not run the poet itself

    reply = chat(a, "b/poet", "Write a short poem about the sea.")
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["agentnet"]["node_id"] == "b/poet"
    assert body["choices"][0]["message"]["content"].strip()
    # B really served it: its access log has the completion, with the hop header counted.
    assert "POST /v1/chat/completions" in b.log_text()

    streamed = chat(a, "b/poet", "Write a short poem about the moon.", stream=True)
    assert streamed.status_code == 200
    events = [line[6:] for line in streamed.text.splitlines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    text = "".join(
        (json.loads(e)["choices"][0]["delta"].get("content") or "") for e in events[:-1] if json.loads(e)["choices"]
    )
    assert text.strip()

    # B goes down: A answers a clear error (no hang), refresh marks the cards unavailable, keeps them.
    b.stop()
    down = chat(a, "b/poet", "Write a poem about rain.")  # a hang would end in the client's timeout, failing
    assert down.status_code == 502, down.text
    error = down.json()["error"]
    assert "b/poet" in error["message"] and error["type"] == "api_error"
    refreshed = a.cli("peers", "refresh")
    assert refreshed.returncode == 0, refreshed.stderr
    assert "down" in refreshed.stdout
    listed = json.loads(a.cli("peers", "list", "--json").stdout)
    assert listed[0]["available"] is False and listed[0]["last_error"]
    assert listed[0]["cards"] and all(c["available"] is False for c in listed[0]["cards"])
    deadline = time.monotonic() + 10
    while models(a)["b/poet"]["agentnet"]["available"] is not False and time.monotonic() < deadline:
        time.sleep(0.3)
    assert models(a)["b/poet"]["agentnet"]["available"] is False

    removed = a.cli("peers", "remove", "b")
    assert removed.returncode == 0, removed.stderr
    assert json.loads(a.cli("peers", "list", "--json").stdout) == []
    deadline = time.monotonic() + 10
    while "b/poet" in models(a) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert "b/poet" not in models(a)


def test_loop_a_to_b_to_a_is_stopped(serve: Callable[..., Served]) -> None:
    a = serve("a", args=("--name", "a"))
    b = serve("b", args=("--name", "b", "--publish-peers"))
    assert b.cli("peers", "add", a.url).returncode == 0  # B reaches A's smollm2 as a/smollm2
    wait_for_model(b, "a/smollm2")
    added = a.cli("peers", "add", b.url)  # A now sees B's own cards and B's peer card b/a/smollm2
    assert added.returncode == 0, added.stderr
    wait_for_model(a, "b/a/smollm2")

    reply = chat(a, "b/a/smollm2", "hello")
    assert reply.status_code == 502, reply.text
    message = reply.json()["error"]["message"]
    # A refused the request when it came back (the chain names both servers): its gate runs before any
    # route, so no model ran.
    assert "federation loop: this request already passed through this server" in message
    assert "a/smollm2" in message


def test_peer_that_is_down_when_added_is_a_clear_error(serve: Callable[..., Served], refused_url: str) -> None:
    a = serve("a")
    result = a.cli("peers", "add", refused_url)
    assert result.returncode == 1
    assert "cannot be reached" in result.stderr
    assert json.loads(a.cli("peers", "list", "--json").stdout) == []


def test_server_notices_a_peer_going_down_and_coming_back(
    serve: Callable[..., Served],
    run_app,  # type: ignore[no-untyped-def]
) -> None:
    from serve_helpers import ThreadedServer, listening_socket

    from agentnet.cards import CapabilityCard
    from agentnet.server.app import create_app
    from agentnet.server.settings import ServerSettings
    from agentnet.testing import ScriptedModel

    sock = listening_socket()
    port = sock.getsockname()[1]

    def peer_app():  # type: ignore[no-untyped-def]
        card = CapabilityCard(id="echo", description="Repeats what it is told.")
        return create_app(
            None, ServerSettings(port=port, name="p"), nodes=[ScriptedModel.build("echo", ["echo"], card=card)]
        )

    peer = run_app(peer_app(), sock)
    a = serve("a", args=("--peer-refresh", "1"))
    assert a.cli("peers", "add", peer.url).returncode == 0
    assert wait_for_model(a, "p/echo")["agentnet"]["available"] is True

    def availability(expected: bool) -> None:
        deadline = time.monotonic() + 20
        while models(a)["p/echo"]["agentnet"]["available"] is not expected:
            assert time.monotonic() < deadline, f"p/echo never became available={expected}"
            time.sleep(0.3)

    peer.stop()
    availability(False)  # skipped from now on, but not deleted
    assert json.loads(a.cli("peers", "list", "--json").stdout)[0]["available"] is False
    # Back on the same port: a peer keeps its address across a restart.
    back = ThreadedServer(peer_app(), listening_socket(port)).start()
    try:
        availability(True)
        assert chat(a, "p/echo", "hi").json()["choices"][0]["message"]["content"] == "echo"
    finally:
        back.stop()


# What `peers add` and `peers refresh` never need: they read an agent card over HTTP and write peers.yaml.
# Reading the peer's token loaded the node classes with LangChain (about 0.6 CPU-s a process) before.
NOT_FOR_PEER_CARDS = ("langchain_core", "langsmith", "litellm", "llama_cpp")


@pytest.mark.usefixtures("agentnet_home")
def test_peers_add_and_refresh_load_no_model_engine(
    run_app,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from serve_helpers import listening_socket

    from agentnet.cards import CapabilityCard
    from agentnet.server.app import create_app
    from agentnet.server.settings import ServerSettings
    from agentnet.testing import ScriptedModel

    sock = listening_socket()
    settings = ServerSettings(port=sock.getsockname()[1], name="p")
    card = CapabilityCard(id="echo", description="Repeats what it is told.")
    peer = run_app(create_app(None, settings, nodes=[ScriptedModel.build("echo", ["e"], card=card)]), sock)
    monkeypatch.setenv(PEER_TOKEN_ENV, TOKEN)  # so the token is read, as a peer behind a token needs
    for argv in (["peers", "add", peer.url, "--token-env", PEER_TOKEN_ENV], ["peers", "refresh"]):
        probe = (
            "import sys\n"
            f"sys.argv = ['agentnet', *{argv!r}]\n"
            "from agentnet.cli.launch import main\n"
            "try:\n"
            "    main()\n"
            "except SystemExit as exc:\n"
            "    sys.stderr.write(f'EXIT={exc.code}\\n')\n"
            f"loaded = sorted(m for m in sys.modules if m.split('.')[0] in {NOT_FOR_PEER_CARDS!r})\n"
            "sys.stderr.write('LOADED=' + ','.join(loaded))\n"
        )
        env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, env=env, check=False
        )
        assert "LOADED=" in done.stderr and "EXIT=" not in done.stderr.replace("EXIT=0\n", ""), done.stderr
        assert "p/echo" in done.stdout or argv[1] == "refresh", done.stdout
        assert done.stderr.split("LOADED=")[1] == "", argv
