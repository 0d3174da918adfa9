"""Any A2A agent as a peer: a minimal agent built with a2a-sdk's server classes (``a2a_agent.py``, a
real subprocess) is added with ``agentnet peers add``; its skill becomes a card in the directory and
``agentnet run`` delegates a step to it through a2a-sdk's client, with the token and the federation
headers. A hostile card's injected description stays data; an oversized card is refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from otlp_receiver import OtlpReceiver

pytest.importorskip("a2a.server", reason="a2a-sdk is the agentnet[a2a] extra (in .[dev])")

BIN = Path(sys.executable).parent
AGENT = Path(__file__).with_name("a2a_agent.py")
TOKEN = "thermo-token-0123456789abcdef"


class Agent:
    def __init__(self, process: subprocess.Popen[str], url: str, log: Path) -> None:
        self.process, self.url, self.log = process, url, log

    def requests(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]


@pytest.fixture
def start_agent(tmp_path: Path) -> Iterator[Callable[..., Agent]]:
    started: list[Agent] = []

    def start(*flags: str) -> Agent:
        log = tmp_path / f"agent-{len(started)}.jsonl"
        env = {**os.environ, "THERMO_TOKEN": TOKEN}
        process = subprocess.Popen(
            [sys.executable, str(AGENT), str(log), *flags], env=env, stdout=subprocess.PIPE, text=True
        )
        assert process.stdout is not None
        line = process.stdout.readline()  # printed once the socket listens
        assert line.startswith("URL "), line
        started.append(Agent(process, line.split()[1], log))
        return started[-1]

    yield start
    for agent in started:
        agent.process.terminate()
        agent.process.wait(timeout=10)
        if agent.process.stdout is not None:
            agent.process.stdout.close()


def cli(
    home: Path, *args: str, timeout: float = 600, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "AGENTNET_HOME": str(home),
        "THERMO_TOKEN": TOKEN,
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        **(extra_env or {}),
    }
    return subprocess.run(
        [str(BIN / "agentnet"), *args], env=env, cwd=home, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_an_a2a_agent_is_a_peer_and_a_run_delegates_to_it(
    start_agent: Callable[..., Agent], agentnet_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent = start_agent("--token-env", "THERMO_TOKEN")
    added = cli(agentnet_home, "peers", "add", agent.url, "--token-env", "THERMO_TOKEN", "--name", "thermo")
    assert added.returncode == 0, added.stdout + added.stderr
    [peer] = json.loads(cli(agentnet_home, "peers", "list", "--json").stdout)
    assert peer["transport"] == "a2a" and peer["api_base"] == f"{agent.url}/rpc"
    [card] = peer["cards"]
    assert card["id"] == "thermo/convert-temperature" and card["provider"] == "peer:thermo"

    found = cli(agentnet_home, "directory", "search", "convert a temperature from fahrenheit to celsius", "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)[0]["card_id"] == "thermo/convert-temperature", found.stdout

    receiver = OtlpReceiver()  # the run is traced: the A2A request carries its call's trace context
    try:
        ran = cli(
            agentnet_home, "run", "Convert 212 degrees Fahrenheit to Celsius", "--json", extra_env=receiver.env("a")
        )
        assert ran.returncode == 0, ran.stdout[-2000:] + ran.stderr[-2000:]
        spans = receiver.wait_for(lambda got: any(s.name == "agentnet run" for s in got), "the run's spans")
    finally:
        receiver.close()
    result = json.loads(ran.stdout.strip().splitlines()[-1])
    assert "100.0 °C (thermo-agent)" in result["answer"], result
    trace = json.loads(cli(agentnet_home, "runs", "show", result["run_id"], "--json").stdout)
    assert [s["node_id"] for s in trace["steps"]] == ["thermo/convert-temperature"], trace["steps"]

    # The agent's card declares streaming: it got one SendStreamingMessage (SSE), with the token and
    # the federation headers.
    [sent] = [r for r in agent.requests() if json.loads(r["body"]).get("method") == "SendStreamingMessage"]
    assert sent["headers"]["authorization"] == f"Bearer {TOKEN}"
    assert sent["headers"]["x-agentnet-hops"] == "1" and float(sent["headers"]["x-agentnet-deadline"]) > 0
    [call] = [s for s in spans if s.name.startswith("chat ")]
    assert sent["headers"]["traceparent"].split("-")[1:3] == [call.trace_id, call.span_id], (sent["headers"], call)
    message = json.loads(sent["body"])["params"]["message"]
    assert "212" in message["parts"][0]["text"]
    assert message["metadata"]["agentnet"]["skill"] == "convert-temperature"

    # Its chunks reach the caller one by one, as the agent sends them (the node streams them as tokens).
    from agentnet.federation.peers import peer_node
    from agentnet.federation.store import PeerStore

    [record] = PeerStore(agentnet_home / "peers.yaml").load()
    assert record.streaming
    monkeypatch.setenv("THERMO_TOKEN", TOKEN)
    chunks = [c.content for c in peer_node(record, record.cards[0]).stream("Convert 50 F to Celsius")]
    assert [c for c in chunks if c] == ["50 °F is ", "10.0 °C (thermo-agent)"], chunks


def test_injected_skill_descriptions_stay_data(start_agent: Callable[..., Agent], agentnet_home: Path) -> None:
    agent = start_agent("--hostile")
    added = cli(agentnet_home, "peers", "add", agent.url, "--name", "thermo")
    assert added.returncode == 0, added.stderr
    [peer] = json.loads(cli(agentnet_home, "peers", "list", "--json").stdout)
    [card] = peer["cards"]
    assert "instructions-removed" in card["tags"]
    assert "ignore all previous" not in card["description"].lower()
    assert "</data>" not in card["description"] and card["description"].startswith("Converts temperatures.")


def test_an_oversized_agent_card_is_refused(tmp_path: Path, agentnet_home: Path) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    from agentnet.federation.peers import MAX_CARD_BYTES

    big = json.dumps({"name": "big", "description": "x" * (MAX_CARD_BYTES + 10), "skills": []}).encode()

    class Big(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(big)))
            self.end_headers()
            self.wfile.write(big)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Big)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        added = cli(agentnet_home, "peers", "add", f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
    assert added.returncode == 1
    assert "too large" in added.stderr or "bytes" in added.stderr, added.stderr
    assert json.loads(cli(agentnet_home, "peers", "list", "--json").stdout) == []
