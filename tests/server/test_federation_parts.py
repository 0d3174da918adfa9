"""The federation parts on their own: peer records, agent-card import, peer nodes' headers (checked by
a real server), settings, and the CLI's import discipline."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from serve_helpers import ThreadedServer, listening_socket

from agentnet.cards import CapabilityCard
from agentnet.errors import ConfigError, DeadlineExceededError, ModelCallError, NotFoundError, UserError
from agentnet.federation.headers import DEADLINE_HEADER, HOPS_HEADER, OUTGOING_HEADERS, VIA_HEADER
from agentnet.federation.node import PeerNode
from agentnet.federation.peers import Peers, cards_from_agent_card, normalize_url
from agentnet.federation.store import PeerRecord, PeerStore, local_card
from agentnet.server.agent_card import agent_card_document
from agentnet.server.app import create_app
from agentnet.server.settings import ServerSettings
from agentnet.testing import Delay, ScriptedModel

CARD = CapabilityCard.model_validate(
    {
        "id": "translator",
        "description": "Translates English to French.",
        "input_types": ["text"],
        "output_types": ["text"],
        "skills": [{"id": "en-fr", "name": "English to French", "tags": ["translation"], "examples": ["Hello"]}],
        "context_length": 2048,
    }
)


def test_agent_card_round_trip_keeps_the_capability_cards() -> None:
    document = agent_card_document(ServerSettings(port=8123), [CARD])
    assert document["skills"][0]["id"] == "translator/en-fr"
    api_base, cards = cards_from_agent_card(document)
    assert api_base == "http://127.0.0.1:8123/v1"
    assert cards == [CARD]


def test_agent_card_without_the_extension_is_refused() -> None:
    with pytest.raises(ValueError, match="no agentnet capability-card extension"):
        cards_from_agent_card({"name": "some A2A agent", "skills": []})
    with pytest.raises(ValueError, match="not a JSON object"):
        cards_from_agent_card(["x"])


def test_local_card_is_namespaced_remote_and_says_where_data_goes() -> None:
    near = PeerRecord(name="lab", url="http://127.0.0.1:9000", api_base="http://127.0.0.1:9000/v1")
    far = PeerRecord(name="lab", url="https://gpu.example.org", api_base="https://gpu.example.org/v1")
    card = local_card(near, CARD)
    assert card.id == "lab/translator"
    assert card.provider == "peer:lab" and card.locality == "remote"
    assert card.data_leaves_host is False
    assert {"peer", "lab", *CARD.tags} <= set(card.tags)
    assert card.skills == CARD.skills and card.context_length == 2048
    assert local_card(far, CARD).data_leaves_host is True


def test_peers_file_errors_name_the_file_and_line(tmp_path: Path, refused_url: str) -> None:
    path = tmp_path / "peers.yaml"
    path.write_text(f"peers:\n  - name: lab\n    url: {refused_url}\n    api_base: {refused_url}/v1\n    colour: red\n")
    with pytest.raises(ConfigError) as caught:
        PeerStore(path).load()
    assert f"{path}:5:5" in str(caught.value) and "unknown key" in str(caught.value)
    path.write_text("peers: [\n")
    with pytest.raises(ConfigError, match="invalid YAML"):
        PeerStore(path).load()


def test_store_saves_atomically_and_reports_unknown_names(tmp_path: Path, refused_url: str) -> None:
    folder = tmp_path / "peers"
    store = PeerStore(folder / "peers.yaml")
    record = PeerRecord(name="lab", url=refused_url, api_base=f"{refused_url}/v1", token_env="LAB_TOKEN")
    record.cards = [local_card(record, CARD)]
    store.put(record)
    assert store.load() == [record]
    assert [p.name for p in folder.iterdir()] == ["peers.yaml"]  # no temp files left behind
    with pytest.raises(NotFoundError, match="known: lab"):
        store.remove("nope")
    assert store.remove("lab").name == "lab"
    assert store.load() == []


def test_urls_are_normalised_and_checked() -> None:
    assert normalize_url("http://127.0.0.1:8000/v1/") == "http://127.0.0.1:8000"
    assert normalize_url("http://h:1/.well-known/agent-card.json") == "http://h:1"
    with pytest.raises(UserError, match="http:// or https://"):
        normalize_url("ftp://h")


def test_peer_names_must_be_unique(run_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sock = listening_socket()
    settings = ServerSettings(port=sock.getsockname()[1], name="lab")
    server = run_app(create_app(None, settings, nodes=[ScriptedModel.build("x", ["y"])]), sock)
    peers = Peers(PeerStore(tmp_path / "peers.yaml"))
    assert peers.add(server.url).name == "lab"
    with pytest.raises(UserError, match="exists already"):
        peers.add(server.url, name="lab")
    assert peers.add(server.url, name="lab2").cards[0].id == "lab2/x"


@pytest.fixture
def guarded(run_app) -> ThreadedServer:  # type: ignore[no-untyped-def]
    sock = listening_socket()
    slow = ScriptedModel.build("slow", [Delay(60.0, "late")])
    fast = ScriptedModel.build("fast", ["quick"])
    settings = ServerSettings(port=sock.getsockname()[1], name="far", instance_id="far-instance", max_hops=3)
    return run_app(create_app(None, settings, nodes=[slow, fast]), sock)


def _peer_node(server: ThreadedServer, remote: str) -> PeerNode:
    record = PeerRecord(name="far", url=server.url, api_base=f"{server.url}/v1")
    return PeerNode.for_card(record, local_card(record, CapabilityCard(id=remote)))


def test_peer_node_calls_the_peer(guarded: ThreadedServer) -> None:
    reply = _peer_node(guarded, "fast").complete("hi")
    assert reply.text == "quick" and reply.node_id == "far/fast"


def test_peer_node_carries_the_hop_count(guarded: ThreadedServer) -> None:
    token = OUTGOING_HEADERS.set({HOPS_HEADER: "3", VIA_HEADER: "a,b"})
    try:
        with pytest.raises(ModelCallError, match="crossed 3 agentnet servers"):
            _peer_node(guarded, "fast").complete("hi")
    finally:
        OUTGOING_HEADERS.reset(token)


def test_peer_node_carries_the_chain_so_loops_stop(guarded: ThreadedServer) -> None:
    token = OUTGOING_HEADERS.set({HOPS_HEADER: "1", VIA_HEADER: "far-instance"})
    try:
        with pytest.raises(ModelCallError, match="federation loop"):
            _peer_node(guarded, "fast").complete("hi")
    finally:
        OUTGOING_HEADERS.reset(token)


def test_peer_node_passes_the_remaining_deadline_on(guarded: ThreadedServer) -> None:
    token = OUTGOING_HEADERS.set({HOPS_HEADER: "1", DEADLINE_HEADER: "0.5"})
    started = time.perf_counter()
    try:
        with pytest.raises((DeadlineExceededError, ModelCallError)):
            _peer_node(guarded, "slow").complete("hi")
    finally:
        OUTGOING_HEADERS.reset(token)
    # Bounded by the caller's 0.5 s, not the node's 60 s: the gap is wide enough for any machine load.
    assert time.perf_counter() - started < 30


def test_settings_urls() -> None:
    assert ServerSettings(host="0.0.0.0", port=9).base_url == "http://127.0.0.1:9"
    assert ServerSettings(host="::1", port=9).base_url == "http://[::1]:9"
    assert ServerSettings(public_url="https://x.example/").base_url == "https://x.example"
    from pydantic import SecretStr

    secret = "supersecret-value-0123456789"
    configured = ServerSettings(token=SecretStr(secret))
    assert secret not in repr(configured) and secret not in str(configured.model_dump())


def test_cli_help_does_not_import_the_server_stack() -> None:
    code = (
        "import sys, agentnet.cli.app; "
        "print(sorted(m for m in ('fastapi', 'uvicorn', 'sse_starlette', 'starlette', 'httpx') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"


def test_saved_peers_resolve_through_a_node_registry(tmp_path: Path, refused_url: str) -> None:
    from agentnet.federation.peers import attach_saved
    from agentnet.nodes.registry import NodeRegistry

    store = PeerStore(tmp_path / "peers.yaml")
    record = PeerRecord(name="lab", url=refused_url, api_base=f"{refused_url}/v1", token_env="LAB_TOKEN")
    record.cards = [local_card(record, CARD)]
    store.put(record)
    registry = NodeRegistry()
    assert attach_saved(registry, store) == ["lab/translator"]
    node = registry.node("lab/translator")
    assert isinstance(node, PeerNode)
    assert node.model == "openai/translator" and node.api_base == f"{refused_url}/v1"
    assert node.api_key_env == "LAB_TOKEN"
    assert registry.card("lab/translator").provider == "peer:lab"


def test_server_peer_view_follows_the_file(tmp_path: Path, refused_url: str) -> None:
    import os

    from agentnet.nodes.registry import NodeRegistry
    from agentnet.server.peer_view import PeerView

    store = PeerStore(tmp_path / "peers.yaml")
    record = PeerRecord(name="lab", url=refused_url, api_base=f"{refused_url}/v1")
    record.cards = [local_card(record, CARD)]
    store.put(record)
    registry = NodeRegistry()
    view = PeerView(store, registry=registry, min_interval_s=0)
    assert [c.id for c in view.cards()] == ["lab/translator"]
    assert isinstance(view.node("lab/translator"), PeerNode)
    assert registry.card("lab/translator").available is True

    store.remove("lab")
    os.utime(store.path, (1, 1))  # a distinct mtime even on coarse-grained file systems
    assert view.cards() == [] and view.node("lab/translator") is None
    # The registry cannot forget the node; its card is kept but marked unavailable for the planner.
    assert registry.card("lab/translator").available is False


def test_the_library_serves_with_the_same_defaults_as_agentnet_serve() -> None:
    """ServerSettings() (what Network users and create_app get) and ``agentnet serve`` share their
    defaults: a library server is no looser than the CLI's documented one."""
    import inspect

    from agentnet.cli.serve_cmd import serve as serve_command

    options = {name: p.default for name, p in inspect.signature(serve_command).parameters.items()}
    fields = {
        "host": "host",
        "port": "port",
        "concurrency": "local_concurrency",
        "queue": "local_queue",
        "max_hops": "max_hops",
        "peer_refresh": "peer_refresh_s",
        "header_timeout": "header_timeout_s",
        "body_timeout": "body_timeout_s",
        "max_body_bytes": "max_body_bytes",
        "max_concurrent_remote": "max_concurrent_remote",
        "publish_peers": "publish_peer_cards",
    }
    defaults = ServerSettings()
    assert {option: getattr(defaults, field) for option, field in fields.items()} == {
        option: options[option] for option in fields
    }
