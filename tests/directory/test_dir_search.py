"""Search: ranking, per-card aggregation, filters, explanations, the hybrid ranking pieces."""

from __future__ import annotations

import pytest
from dirkit import sample_cards

from agentnet.directory.inmemory import InMemorySource
from agentnet.directory.query import CardSource, SearchFilters
from agentnet.directory.ranking import bm25_scores, fuse, tokens
from agentnet.directory.store import Directory


@pytest.fixture
def filled(directory: Directory) -> Directory:
    directory.register_many(sample_cards())
    return directory


def test_directory_is_a_card_source(filled: Directory) -> None:
    assert isinstance(filled, CardSource)


def test_best_card_first_with_matched_skill(filled: Directory) -> None:
    found = filled.search("Please translate this English letter into German", k=3)
    assert found[0].card_id == "local-translator"
    assert found[0].skill_id == "de"
    assert "german" in found[0].why.lower()
    assert found[0].score_parts["semantic"] > 0
    assert found[0].metadata["locality"] == "local"
    assert "card_json" not in found[0].metadata
    # One candidate per card, best entry wins.
    assert len({c.card_id for c in found}) == len(found)
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)


def test_k_limits_results(filled: Directory) -> None:
    assert len(filled.search("describe a photo", k=2)) == 2
    assert filled.search("describe a photo", k=0) == []
    assert filled.search("   ", k=3) == []


def test_unavailable_cards_are_hidden_unless_asked(filled: Directory) -> None:
    ids = {c.card_id for c in filled.search("generate an image from a prompt", k=10)}
    assert "offline-painter" not in ids
    assert "painter" in ids
    every = filled.search("generate an image from a prompt", k=10, filters=SearchFilters(include_unavailable=True))
    assert "offline-painter" in {c.card_id for c in every}


# Each filter against sample_cards(): the cards it lets through.
FILTER_CASES = [
    (SearchFilters(local_only=True), {"local-translator", "local-captioner", "painter"}),
    (SearchFilters(keep_data_on_host=True), {"local-translator", "local-captioner", "painter"}),
    (SearchFilters(input_type="Image"), {"cloud-vision", "local-captioner"}),
    (SearchFilters(output_type="image"), {"painter"}),
    (SearchFilters(max_cost=1.0), {"local-translator", "local-captioner", "painter"}),
    (SearchFilters(max_cost=0.0), {"local-translator", "local-captioner"}),
    (SearchFilters(input_type="image", local_only=True), {"local-captioner"}),
    (SearchFilters(providers=["peer:lab"]), {"cloud-vision"}),
    (SearchFilters(input_type="audio"), set()),
    (SearchFilters(providers=[]), set()),
    (SearchFilters(providers=["model", "peer:other"]), {"local-translator", "local-captioner", "painter"}),
]


@pytest.mark.parametrize(("filters", "allowed"), FILTER_CASES)
def test_filters(filled: Directory, filters: SearchFilters, allowed: set[str]) -> None:
    found = filled.search("describe what is in this picture", k=10, filters=filters)
    assert {c.card_id for c in found} == allowed
    for cand in found:
        if filters.describe():
            assert "passes:" in cand.why


def test_the_in_memory_source_filters_as_the_store_does() -> None:
    """``agentnet plan --tools`` and an unbuilt directory search an ``InMemorySource``: its filter reading
    (``SearchFilters.rejects``) must give the answers chromadb's where-clause gives above."""
    source = InMemorySource(sample_cards())
    for filters, allowed in FILTER_CASES:
        found = source.search("describe what is in this picture", k=10, filters=filters)
        assert {c.card_id for c in found} == allowed, filters
    everything = {c.id for c in sample_cards()}
    assert {c.card_id for c in source.search("paint a picture", k=10)} == everything - {"offline-painter"}
    shown = source.search("paint a picture", k=10, filters=SearchFilters(include_unavailable=True))
    assert {c.card_id for c in shown} == everything


def test_skill_types_narrow_the_card(directory: Directory) -> None:
    from agentnet.cards import CapabilityCard, Skill

    directory.register(
        CapabilityCard(
            id="media-box",
            description="Media utilities.",
            skills=[
                Skill(id="ocr", name="Read text in images", input_types=["image"], output_types=["text"]),
                Skill(id="tts", name="Speak text aloud", input_types=["text"], output_types=["audio"]),
            ],
        )
    )
    found = directory.search("read the words in this scanned page", k=3, filters=SearchFilters(output_type="audio"))
    assert [(c.card_id, c.skill_id) for c in found] == [("media-box", "tts")]


def test_exact_name_keyword_helps() -> None:
    docs = [
        "Video Stabilizer: smooths shaky video.",
        "Video Speed Changer: changes playback speed.",
        "Text Translator: translates text.",
    ]
    scores = bm25_scores("stabilize the shaky clip", docs)
    assert scores[0] > scores[1] == scores[2] == 0
    fused = fuse([0.50, 0.52, 0.10], scores)
    # The keyword evidence overturns a small semantic lead.
    assert fused[0][0] > fused[1][0]
    assert fused[0][1] == 1.0


def test_tokens_drop_boilerplate_and_fold_suffixes() -> None:
    assert tokens("Could you please help me with translating these files") == ["translat", "file"]
    assert fuse([], []) == []
    assert fuse([0.3], [0.0]) == [(0.7, 0.0)]


def test_search_vector_with_the_query_embedded_once_ranks_like_search(filled: Directory) -> None:
    text = "Please translate this English letter into German"
    vector = filled.embedder.embed([text])[0]
    by_vector = filled.search_vector(text, vector, k=3)
    assert [(c.card_id, c.skill_id, c.score) for c in by_vector] == [
        (c.card_id, c.skill_id, c.score) for c in filled.search(text, k=3)
    ]
    assert by_vector[0].card_id == "local-translator"
    # The keyword half of the ranking reads the text: the same vector with other words ranks differently.
    other = filled.search_vector("describe a photo", vector, k=3)
    assert [c.score for c in other] != [c.score for c in by_vector]


def test_search_vector_with_nothing_passing_the_filters_is_empty(filled: Directory) -> None:
    text = "describe a photo"
    vector = filled.embedder.embed([text])[0]
    assert filled.search_vector(text, vector, k=3, filters=SearchFilters(output_type="no-such-type")) == []
