"""Several agentnet instances publishing into one `chroma run` directory: each sync is scoped to its own cards.

The process tests run the real CLI (`agentnet directory list --json`) in separate processes, each with
its own AGENTNET_HOME and its own agentnet.yaml; the library tests drive ``Directory.sync`` directly.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from dirkit import CountingEmbedder

from agentnet.cards import CapabilityCard
from agentnet.config import DEFAULT_MODEL_ID, load_config
from agentnet.directory.instance import instance_id
from agentnet.directory.query import SearchFilters
from agentnet.directory.store import Directory
from agentnet.errors import ConfigError

AGENTNET = Path(sys.executable).parent / "agentnet"


def _model(model_id: str, description: str, api_base: str) -> str:
    return (
        f"  - id: {model_id}\n    adapter: litellm\n    model: openai/{model_id}\n"
        f"    api_base: {api_base}\n    card:\n      description: {description}\n"
    )


class Instance:
    """One agentnet instance: its own home, its own working directory and agentnet.yaml."""

    def __init__(self, root: Path, name: str, chroma_url: str, collection: str) -> None:
        self.home = root / name / "home"
        self.work = root / name / "work"
        self.home.mkdir(parents=True)
        self.work.mkdir(parents=True)
        self.directory = f"directory:\n  url: {chroma_url}\n  collection: {collection}\n"

    def configure(self, *models: str) -> None:
        text = self.directory + ("models:\n" + "".join(models) if models else "")
        (self.work / "agentnet.yaml").write_text(text, encoding="utf-8")

    def start_list(self) -> subprocess.Popen[str]:
        env = {**os.environ, "AGENTNET_HOME": str(self.home), "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
        return subprocess.Popen(
            [str(AGENTNET), "directory", "list", "--json"],
            cwd=self.work,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    @staticmethod
    def finish(process: subprocess.Popen[str]) -> dict[str, CapabilityCard]:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        return {c["id"]: CapabilityCard.model_validate(c) for c in json.loads(out)}

    def list(self) -> dict[str, CapabilityCard]:
        return self.finish(self.start_list())

    def instance_id(self) -> str:
        return (self.home / "instance_id").read_text(encoding="utf-8").strip()


@pytest.fixture
def pair(tmp_path: Path, chroma_server: str) -> tuple[Instance, Instance, str]:
    collection = f"shared_{uuid.uuid4().hex[:10]}"
    return (
        Instance(tmp_path, "a", chroma_server, collection),
        Instance(tmp_path, "b", chroma_server, collection),
        collection,
    )


def test_two_processes_see_each_others_model_cards_and_remove_only_their_own(
    pair: tuple[Instance, Instance, str], chroma_server: str, refused_url: str
) -> None:
    a, b, collection = pair
    lawyer = _model("lawyer", "Reviews contracts and lists legal obligations.", f"{refused_url}/v1")
    coder = _model("coder", "Writes and fixes Python code.", f"{refused_url}/v1")
    poet = _model("poet", "Writes short poems about any subject.", f"{refused_url}/v1")
    a.configure(lawyer, coder)
    b.configure(poet, coder)

    assert {"lawyer", "coder", DEFAULT_MODEL_ID} <= a.list().keys()
    seen_by_b = b.list()
    assert {"lawyer", "coder", "poet", DEFAULT_MODEL_ID} <= seen_by_b.keys()
    # A syncs again after B: B's model is still there (before, A's sync deleted it).
    assert {"lawyer", "coder", "poet", DEFAULT_MODEL_ID} <= a.list().keys()
    assert a.instance_id() != b.instance_id()

    with Directory(url=chroma_server, collection=collection, embedder=CountingEmbedder()) as shared:
        both = sorted([a.instance_id(), b.instance_id()])
        assert shared.publishers("coder") == both
        assert shared.publishers(DEFAULT_MODEL_ID) == both
        assert shared.publishers("lawyer") == [a.instance_id()]
        assert shared.publishers("poet") == [b.instance_id()]

    # A drops both its models: its own lawyer goes, the coder B still publishes stays, B's poet stays.
    a.configure()
    after = a.list()
    assert "lawyer" not in after
    assert {"coder", "poet", DEFAULT_MODEL_ID} <= after.keys()
    assert b.list().keys() == after.keys()
    # B drops the coder too: nobody publishes it any more, so it is gone for everyone.
    b.configure(poet)
    assert "coder" not in b.list()
    final = a.list()
    assert "coder" not in final and {"poet", DEFAULT_MODEL_ID} <= final.keys()


def test_instances_starting_together_both_keep_their_claim(
    pair: tuple[Instance, Instance, str], chroma_server: str, refused_url: str
) -> None:
    a, b, collection = pair
    a.configure(_model("alpha", "Translates English text into German.", f"{refused_url}/v1"))
    b.configure(_model("beta", "Classifies the sentiment of product reviews.", f"{refused_url}/v1"))
    first, second = a.start_list(), b.start_list()
    Instance.finish(first)
    Instance.finish(second)
    with Directory(url=chroma_server, collection=collection, embedder=CountingEmbedder()) as shared:
        # Each instance sets only its own mark: concurrent syncs cannot overwrite each other's claim.
        assert shared.publishers(DEFAULT_MODEL_ID) == sorted([a.instance_id(), b.instance_id()])
        assert {"alpha", "beta"} <= {c.id for c in shared.cards()}
    b.configure()
    assert "beta" not in b.list()
    assert DEFAULT_MODEL_ID in a.list() and "alpha" in b.list()


def _card(card_id: str, description: str, provider: str = "model") -> CapabilityCard:
    return CapabilityCard(id=card_id, description=description, provider=provider)  # type: ignore[arg-type]


def test_shared_id_content_is_last_writer_wins_and_survives_one_withdrawal(
    chroma_server: str, embedder: CountingEmbedder
) -> None:
    name = f"shared_{uuid.uuid4().hex[:10]}"
    a = Directory(url=chroma_server, collection=name, embedder=embedder, origin="host-a")
    b = Directory(url=chroma_server, collection=name, embedder=embedder, origin="host-b")
    with a, b:
        assert a.sync([_card("coder", "Writes Python code.")])["changed"] == 1
        assert b.sync([_card("coder", "Writes and reviews Rust code.")])["changed"] == 1
        stored = a.get("coder")
        assert stored is not None and "Rust" in stored.description
        assert a.publishers("coder") == ["host-a", "host-b"]
        # A rewriting the content keeps B's claim (upserts merge metadata).
        assert a.sync([_card("coder", "Writes Go code.")])["changed"] == 1
        assert a.publishers("coder") == ["host-a", "host-b"]
        assert a.search("write a Go function", k=1)[0].metadata.keys().isdisjoint({"origin:host-a", "origin:host-b"})

        assert a.sync([]) == {"changed": 0, "removed": 1, "unchanged": 0}
        assert b.get("coder") is not None and b.publishers("coder") == ["host-b"]
        # A withdrawing again is a no-op: the card is no longer A's.
        assert a.sync([]) == {"changed": 0, "removed": 0, "unchanged": 0}
        assert b.sync([]) == {"changed": 0, "removed": 1, "unchanged": 0}
        assert a.get("coder") is None and a.count() == 0


def test_unmarked_cards_are_this_instances_when_embedded_and_left_alone_on_a_server(
    tmp_path: Path, chroma_server: str, embedder: CountingEmbedder
) -> None:
    legacy = _card("old-model", "A model card written before origins were recorded.")
    # register() writes no origin mark, exactly like the versions before origins.
    with Directory(path=tmp_path / "dir", embedder=embedder) as embedded:
        embedded.register(legacy)
        assert embedded.publishers("old-model") == []
        assert embedded.sync([_card("new-model", "A model card.")])["removed"] == 1
        assert embedded.get("old-model") is None and embedded.get("new-model") is not None

    name = f"shared_{uuid.uuid4().hex[:10]}"
    with Directory(url=chroma_server, collection=name, embedder=embedder, origin="host-a") as server:
        server.register(legacy)
        assert server.sync([])["removed"] == 0
        assert server.get("old-model") is not None
        # Declaring it adopts it; then withdrawing it removes it.
        server.sync([legacy])
        assert server.publishers("old-model") == ["host-a"]
        assert server.sync([])["removed"] == 1 and server.get("old-model") is None


def test_other_providers_are_never_withdrawn(chroma_server: str, embedder: CountingEmbedder) -> None:
    name = f"shared_{uuid.uuid4().hex[:10]}"
    with Directory(url=chroma_server, collection=name, embedder=embedder, origin="host-a") as a:
        a.register(_card("imported", "An imported capability.", provider="imported"))
        a.sync([_card("tool", "A tool.", provider="tool")], provider="tool")
        assert a.sync([], provider="model")["removed"] == 0
        assert {c.id for c in a.cards()} == {"imported", "tool"}


@pytest.mark.cold_home  # it lists what the home holds
def test_instance_id_is_created_once_per_home(agentnet_home: Path) -> None:
    first = instance_id()
    assert (agentnet_home / "instance_id").read_text(encoding="utf-8").strip() == first
    assert instance_id() == first
    assert [p.name for p in agentnet_home.iterdir()] == ["instance_id"]  # no temporary file left
    (agentnet_home / "instance_id").write_text("not an id!\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="instance_id") as info:
        instance_id()
    assert info.value.hint is not None and "delete the file" in info.value.hint


def test_config_origin_overrides_the_home_id(agentnet_home: Path, embedder: CountingEmbedder) -> None:
    Path("agentnet.yaml").write_text("directory:\n  origin: laptop-1\n", encoding="utf-8")
    settings = load_config().directory
    assert settings.origin == "laptop-1"
    with Directory.from_settings(settings, embedder=embedder) as directory:
        assert directory.origin == "laptop-1"
        directory.sync([_card("m", "A model.")])
        assert directory.publishers("m") == ["laptop-1"]
    assert not (agentnet_home / "instance_id").exists()

    Path("agentnet.yaml").write_text("directory:\n  origin: 'two words'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"agentnet.yaml:2"):
        load_config()


def test_a_changed_card_loses_old_filter_keys_but_keeps_publishers(
    chroma_server: str, embedder: CountingEmbedder
) -> None:
    name = f"shared_{uuid.uuid4().hex[:10]}"
    with Directory(url=chroma_server, collection=name, embedder=embedder, origin="host-a") as a:
        reader = CapabilityCard(id="reader", description="Reads text in photos.", input_types=["image"])
        a.sync([reader])
        assert [c.card_id for c in a.search("read a photo", filters=SearchFilters(input_type="image"))] == ["reader"]
        a.sync([reader.model_copy(update={"input_types": ["text"], "description": "Reads plain text."})])
        # chroma merges upserted metadata: without clearing it, the old "in:image" key would still match.
        assert a.search("read a photo", filters=SearchFilters(input_type="image")) == []
        assert a.publishers("reader") == ["host-a"]
