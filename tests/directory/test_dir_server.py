"""Server mode: a real `chroma run` on loopback (session fixture), several clients, unreachable URLs."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from dirkit import CountingEmbedder, sample_cards

from agentnet.config import DirectorySettings
from agentnet.directory.plan_source import open_for_planning
from agentnet.directory.query import SearchFilters
from agentnet.directory.store import Directory
from agentnet.errors import DirectoryError


def _collection() -> str:
    return f"test_{uuid.uuid4().hex[:12]}"


def test_server_mode_round_trip(chroma_server: str, embedder: CountingEmbedder) -> None:
    settings = DirectorySettings(url=chroma_server, collection=_collection())
    with Directory.from_settings(settings, embedder=embedder) as writer:
        assert writer.register_many(sample_cards()) == len(sample_cards())
        assert writer.location == chroma_server
    # A second client (as another process would) sees the cards and adds nothing when re-registering.
    other = CountingEmbedder()
    with Directory.from_settings(settings, embedder=other) as reader:
        assert reader.count() == len(sample_cards())
        assert reader.register_many(sample_cards()) == 0
        assert [c for c in other.texts] == []
        best = reader.search("put this English text into French", k=2, filters=SearchFilters(local_only=True))
        assert (best[0].card_id, best[0].skill_id) == ("local-translator", "fr")
        reader.remove("painter")
        assert reader.get("painter") is None
        assert reader.count() == len(sample_cards()) - 1
    # A plan reads a server's cards from chroma: a server's other writers cannot be counted (no manifest).
    source = open_for_planning(settings)
    assert isinstance(source, Directory) and len(source.cards()) == len(sample_cards()) - 1
    source.close()


def test_server_mode_embedder_mismatch(chroma_server: str) -> None:
    name = _collection()
    with Directory(url=chroma_server, collection=name, embedder=CountingEmbedder()) as d:
        d.register(sample_cards()[0])
    with pytest.raises(DirectoryError, match="other-embedder"):
        Directory(url=chroma_server, collection=name, embedder=CountingEmbedder(name="other-embedder"))


def test_unreachable_server_names_the_url(embedder: CountingEmbedder, refused_url: str) -> None:
    url = refused_url
    with pytest.raises(DirectoryError, match=f"cannot reach the chroma server at {url}") as info:
        Directory(url=url, embedder=embedder)
    assert info.value.hint is not None and "chroma run" in info.value.hint


def test_bad_url_is_refused(embedder: CountingEmbedder) -> None:
    with pytest.raises(DirectoryError, match="not an http"):
        Directory(url="ftp://example.com", embedder=embedder)


def test_a_collection_name_chroma_refuses_is_named_where_the_config_is_read(
    agentnet_home: Path, chroma_server: str
) -> None:
    """`collection: agentnet cards!` passed the config and failed at the first plan against a `chroma
    run` server as a damaged directory (directory_corrupt, "restore the folder"): none was damaged."""
    Path("shared.yaml").write_text(f"directory:\n  url: {chroma_server}\n  collection: agentnet cards!\n")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "agentnet"), "plan", "-c", "shared.yaml", "--no-model", "What is 2+2?"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    text = " ".join(done.stderr.split())
    assert done.returncode == 2, text
    assert "shared.yaml:3:3: directory.collection:" in text and "'agentnet cards!' is no collection name" in text
    assert "directory_corrupt" not in text and "Traceback" not in text, text


def test_an_https_url_to_a_plain_http_server_names_the_scheme(chroma_server: str, embedder: CountingEmbedder) -> None:
    """chromadb said only "Could not connect ... Are you sure it is running?", and the hint was to start
    the server that was running: its TLS handshake got a plain HTTP answer."""
    url = chroma_server.replace("http://", "https://")
    with pytest.raises(DirectoryError, match=f"cannot reach the chroma server at {url}: SSLError") as info:
        Directory(url=url, embedder=embedder)
    plain = chroma_server.removeprefix("http://")
    assert "does not speak TLS" in (info.value.hint or "") and f"as http://{plain}" in (info.value.hint or "")
    assert "start it" not in (info.value.hint or "")
