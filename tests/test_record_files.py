"""The home's record files, mcp.yaml and peers.yaml: none yet is no records, and a file of another shape
is refused naming the file, the line and the field (both read through yamlfile.load_yaml_list)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentnet.config import McpServerSpec
from agentnet.errors import ConfigError
from agentnet.federation.store import PeerRecord, PeerStore
from agentnet.mcp.store import McpServerRecord, McpStore

STORES = {
    "mcp": (McpStore, "MCP servers file", "servers", "servers.0.spec.comand"),
    "peers": (PeerStore, "peers file", "peers", "peers.0.urll"),
}
MISSPELT = {
    "mcp": "servers:\n  - spec:\n      name: fx\n      comand: python\n",
    "peers": "peers:\n  - name: a\n    urll: http://127.0.0.1:1\n    api_base: http://127.0.0.1:1/v1\n",
}


@pytest.mark.parametrize("kind", sorted(STORES))
def test_no_file_yet_is_no_records(kind: str, tmp_path: Path) -> None:
    store = STORES[kind][0](tmp_path / "absent.yaml")
    assert store.load() == []
    assert not (tmp_path / "absent.yaml").exists()


@pytest.mark.parametrize("kind", sorted(STORES))
def test_a_list_instead_of_a_mapping_names_the_file_and_what_it_must_be(kind: str, tmp_path: Path) -> None:
    store_class, what, key, _ = STORES[kind]
    path = tmp_path / f"{kind}.yaml"
    path.write_text("- one\n- two\n")
    with pytest.raises(ConfigError) as caught:
        store_class(path).load()
    assert str(caught.value).startswith(f"{path}:1:1: the {what} must be a mapping with a '{key}' list")


@pytest.mark.parametrize("kind", sorted(STORES))
def test_a_misspelt_field_names_its_line_and_path(kind: str, tmp_path: Path) -> None:
    store_class, what, _, field = STORES[kind]
    path = tmp_path / f"{kind}.yaml"
    path.write_text(MISSPELT[kind])
    with pytest.raises(ConfigError) as caught:
        store_class(path).load()
    assert caught.value.code == "invalid_" + what.replace(" ", "_")
    assert f"{path}:" in str(caught.value) and f"{field}: unknown key" in str(caught.value)


def test_records_written_are_read_back(tmp_path: Path) -> None:
    mcp = McpStore(tmp_path / "mcp.yaml")
    mcp.put(McpServerRecord(spec=McpServerSpec(name="fx", command="python")))
    assert [record.name for record in mcp.load()] == ["fx"]
    peers = PeerStore(tmp_path / "peers.yaml")
    peers.put(PeerRecord(name="b", url="http://127.0.0.1:9", api_base="http://127.0.0.1:9/v1"))
    assert [peer.name for peer in peers.load()] == ["b"]
