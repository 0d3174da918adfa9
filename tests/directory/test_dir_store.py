"""Directory writes: incremental by content hash, sync, remove, reopen without re-embedding."""

from __future__ import annotations

from pathlib import Path

import pytest
from dirkit import CountingEmbedder, sample_cards

from agentnet.cards import CapabilityCard, Skill
from agentnet.directory.store import Directory
from agentnet.directory.sync import config_cards, sync_models
from agentnet.errors import ConfigError, DirectoryError, NotFoundError


def test_register_get_cards_count(directory: Directory) -> None:
    cards = sample_cards()
    assert directory.register_many(cards) == len(cards)
    assert directory.count() == len(cards)
    assert [c.id for c in directory.cards()] == sorted(c.id for c in cards)
    got = directory.get("local-translator")
    assert got == cards[0]
    assert directory.get("nope") is None


def test_unchanged_cards_are_not_reembedded(directory: Directory, embedder: CountingEmbedder) -> None:
    cards = sample_cards()
    directory.register_many(cards)
    # One text per card plus one per skill.
    assert len(embedder.texts) == len(cards) + 2
    embedder.reset()
    assert directory.register_many(cards) == 0
    assert directory.register(cards[1]) is False
    assert embedder.texts == []


def test_changed_card_is_updated_and_dropped_skills_disappear(directory: Directory, embedder: CountingEmbedder) -> None:
    cards = sample_cards()
    directory.register_many(cards)
    embedder.reset()
    changed = cards[0].model_copy(
        update={"description": "Translates text into Spanish.", "skills": [Skill(id="es", name="To Spanish")]}
    )
    assert directory.register(changed) is True
    # Only the changed card's entries were embedded: the card and its one remaining skill.
    assert len(embedder.texts) == 2
    assert directory.get("local-translator") == changed
    found = directory.search("Translate English text into German", k=5)
    assert all(c.skill_id not in {"fr", "de"} for c in found)
    assert directory.count() == len(cards)


def test_reopen_embeds_nothing(tmp_path: Path) -> None:
    first = CountingEmbedder()
    with Directory(path=tmp_path / "d", embedder=first) as d:
        d.register_many(sample_cards())
    again = CountingEmbedder()
    with Directory(path=tmp_path / "d", embedder=again) as d:
        assert d.count() == len(sample_cards())
        d.register_many(sample_cards())
        assert again.texts == []
        assert d.search("caption this photo", k=1)[0].card_id in {"local-captioner", "cloud-vision"}


def test_duplicate_ids_in_one_call_are_refused(directory: Directory) -> None:
    card = sample_cards()[0]
    with pytest.raises(ConfigError, match=r"local-translator.*appears twice"):
        directory.register_many([card, card.model_copy(update={"description": "other"})])
    assert directory.count() == 0


def test_registering_an_existing_id_updates_it(directory: Directory) -> None:
    card = sample_cards()[0]
    directory.register(card)
    directory.register(card.model_copy(update={"description": "Now a poet."}))
    assert directory.count() == 1
    stored = directory.get(card.id)
    assert stored is not None and stored.description == "Now a poet."


def test_remove(directory: Directory) -> None:
    directory.register_many(sample_cards())
    directory.remove("local-translator")
    assert directory.get("local-translator") is None
    assert all(c.card_id != "local-translator" for c in directory.search("translate to French", k=10))
    with pytest.raises(NotFoundError, match="local-translator"):
        directory.remove("local-translator")


def test_sync_removes_gone_models_but_keeps_external_cards(directory: Directory) -> None:
    from agentnet.config import load_config

    external = CapabilityCard(id="imported-tool", description="An imported tool.", provider="external")
    directory.register(external)
    models = config_cards(load_config())
    extra = CapabilityCard(id="old-model", description="A model no longer configured.")
    assert sync_models(directory, [*models, extra])["changed"] == len(models) + 1
    result = sync_models(directory, models)
    assert result == {"changed": 0, "removed": 1, "unchanged": len(models)}
    ids = {c.id for c in directory.cards()}
    assert "old-model" not in ids
    assert {"imported-tool", *(m.id for m in models)} <= ids


def test_sync_keeps_registered_tools_as_tools(directory: Directory) -> None:
    tool = CapabilityCard(id="calc", description="Evaluates arithmetic.", provider="tool")
    model = CapabilityCard(id="m", description="A model.")
    peer = CapabilityCard(id="far", description="A peer model.", provider="peer:lab")
    assert sync_models(directory, [tool, model, peer]) == {"changed": 3, "removed": 0, "unchanged": 0}
    stored = directory.get("calc")
    assert stored is not None and stored.provider == "tool"
    # The tool is unregistered: it goes; the peer card is not the registry's to delete.
    assert sync_models(directory, [model]) == {"changed": 0, "removed": 1, "unchanged": 1}
    assert {c.id for c in directory.cards()} == {"m", "far"}


def test_readonly_directory_refuses_writes(tmp_path: Path, embedder: CountingEmbedder) -> None:
    with Directory(path=tmp_path / "d", embedder=embedder) as d:
        d.register(sample_cards()[0])
    with Directory(path=tmp_path / "d", embedder=embedder, readonly=True) as d:
        assert d.count() == 1
        with pytest.raises(DirectoryError, match="read-only"):
            d.register(sample_cards()[1])


def test_default_location_is_under_agentnet_home(agentnet_home: Path, embedder: CountingEmbedder) -> None:
    with Directory(embedder=embedder) as d:
        d.register(sample_cards()[0])
        assert d.folder == agentnet_home / "directory"
    assert (agentnet_home / "directory" / "agentnet-directory.json").is_file()


def test_another_embedder_is_a_clear_error(tmp_path: Path) -> None:
    with Directory(path=tmp_path / "d", embedder=CountingEmbedder()) as d:
        d.register(sample_cards()[0])
    with pytest.raises(DirectoryError, match=r"all-MiniLM-L6-v2-onnx-int8.*other-embedder") as info:
        Directory(path=tmp_path / "d", embedder=CountingEmbedder(name="other-embedder"))
    assert info.value.code == "directory_embedder_mismatch"
    # The refusal released the writer lock: the right embedder still opens it.
    with Directory(path=tmp_path / "d", embedder=CountingEmbedder()) as d:
        assert d.count() == 1


def test_foreign_folder_is_refused_and_untouched(tmp_path: Path, embedder: CountingEmbedder) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "holiday.jpg").write_bytes(b"\xff\xd8 not really")
    with pytest.raises(DirectoryError, match=r"photos is not an agentnet directory.*holiday.jpg"):
        Directory(path=folder, embedder=embedder)
    assert sorted(p.name for p in folder.iterdir()) == ["holiday.jpg"]


def test_path_that_is_a_file_is_refused(tmp_path: Path, embedder: CountingEmbedder) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(DirectoryError, match="is a file"):
        Directory(path=target, embedder=embedder)


def test_corrupt_database_is_a_clear_error_and_nothing_is_deleted(tmp_path: Path, embedder: CountingEmbedder) -> None:
    folder = tmp_path / "d"
    with Directory(path=folder, embedder=embedder) as d:
        d.register_many(sample_cards())
    database = folder / "chroma.sqlite3"
    garbage = b"this is not a sqlite database" * 1000
    database.write_bytes(garbage)
    with pytest.raises(DirectoryError, match=str(folder)) as info:
        Directory(path=folder, embedder=embedder)
    assert info.value.code == "directory_corrupt"
    assert database.read_bytes() == garbage


def test_corrupt_marker_is_a_clear_error(tmp_path: Path, embedder: CountingEmbedder) -> None:
    folder = tmp_path / "d"
    with Directory(path=folder, embedder=embedder):
        pass
    (folder / "agentnet-directory.json").write_text("{not json")
    with pytest.raises(DirectoryError, match="looks corrupt"):
        Directory(path=folder, embedder=embedder)
