"""A peer transport plugin that fails, installed as a distribution, through the real CLI: its failure
names the plugin, its distribution and the way out, without a traceback, and leaves every other run
alone. Its reader raising (on `peers add`) and its node factory raising or returning None (for every
`ask -m PEER/ID` and every `run`, which attach all saved peers) once reached the user as tracebacks;
a saved peer whose transport's plugin was uninstalled stopped every `agentnet run`."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from test_example_plugin import install, one_module_plugin
from test_plugin_no_answer import agentnet

from agentnet.cards import CapabilityCard
from agentnet.federation.store import PeerRecord, PeerStore

FAULTY = """\
import agentnet


@agentnet.hookimpl
def register_peer_transports(register):
    def read(url, name, token_env, document):
        return document["cards"]  # the author's reader assumed a field this agent's card lacks

    def node(record, card):
        if record.name == "empty":
            return None  # the author's factory forgot `return`
        raise RuntimeError("cannot reach the haiku service")

    register("faulty", read=read, node=node, detect=lambda document: document.get("faulty") is True)
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return install(one_module_plugin(tmp_path / "src", "agentnet-faulty", "0.4", "faulty", FAULTY), tmp_path / "site")


@pytest.fixture
def agent_card_url() -> Iterator[str]:
    """A real HTTP server whose agent card only the faulty transport claims."""
    body = json.dumps({"name": "haikus", "faulty": True}).encode()

    class Card(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Card)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def _peer(name: str, transport: str) -> PeerRecord:
    card = CapabilityCard(id=f"{name}/haiku", description="Writes haiku poems.", provider=f"peer:{name}")
    url = "http://127.0.0.1:9"
    return PeerRecord(name=name, url=url, api_base=url, transport=transport, cards=[card])


def test_a_failing_reader_is_named_on_peers_add(site: Path, agent_card_url: str) -> None:
    added = agentnet(site, "peers", "add", agent_card_url)
    assert added.returncode == 2, (added.stdout, added.stderr)
    assert "Traceback" not in added.stderr, added.stderr
    assert (
        f"peer transport 'faulty' (plugin faulty from agentnet-faulty 0.4) failed reading the agent card of "
        f"{agent_card_url}: KeyError: 'cards'" in added.stderr
    ), added.stderr
    # The way out names the pip command, as the plugin loader's hints do.
    assert "fix or update that plugin, or `pip uninstall agentnet-faulty`" in added.stderr, added.stderr


def test_peers_whose_transport_fails_or_is_gone_leave_runs_alone(site: Path) -> None:
    PeerStore().save([_peer("raising", "faulty"), _peer("empty", "faulty"), _peer("orphan", "uninstalled")])
    ran = agentnet(site, "run", "--json", "What is 2+2?")
    assert ran.returncode == 0, (ran.stdout, ran.stderr)
    assert json.loads(ran.stdout.strip().splitlines()[-1])["answer"] == "4"
    assert "Traceback" not in ran.stderr, ran.stderr
    for left_out in ("raising/haiku", "empty/haiku", "orphan/haiku"):
        assert f"its card {left_out} is left out" in ran.stderr, ran.stderr
    assert "peer orphan is reached by transport 'uninstalled', which no installed plugin provides" in ran.stderr

    asked = agentnet(site, "ask", "-m", "raising/haiku", "an autumn haiku")
    assert asked.returncode == 2 and "Traceback" not in asked.stderr, asked.stderr
    assert (
        "peer transport 'faulty' (plugin faulty from agentnet-faulty 0.4) failed building the node for "
        "'raising/haiku': RuntimeError: cannot reach the haiku service" in asked.stderr
    ), asked.stderr
    assert "or `agentnet peers remove raising`" in asked.stderr
    empty = agentnet(site, "ask", "-m", "empty/haiku", "an autumn haiku")
    assert empty.returncode == 2 and "returned None for 'empty/haiku', not a node with that id" in empty.stderr
