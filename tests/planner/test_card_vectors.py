"""Card vectors outlive the process that embedded them: a cold plan reads them from the home's vector
cache instead of running the embedding model on every card again, and ranks with the same numbers."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pytest

from agentnet.cards import CapabilityCard, Skill
from agentnet.directory import embedder as embedder_module
from agentnet.home import agentnet_home
from agentnet.planner import similarity
from agentnet.planner.similarity import Scorer, head_text, whole_text
from agentnet.planner.tuning import PlannerTuning

CARDS = [
    CapabilityCard(id="translator", description="Translate text between languages.", skills=[Skill(id="translate")]),
    CapabilityCard(id="summariser", description="Summarise long documents.", skills=[Skill(id="summarise")]),
]
TASK = ["translate good morning to German"]

pytestmark = pytest.mark.cold_home  # what a home with no vectors yet embeds


def card_texts(cards: list[CapabilityCard]) -> list[str]:
    """What a cold plan embeds for ``cards``: each whole text, then each head (these cards' skills make
    their whole texts longer than their heads, so the heads count: similarity.head_weight)."""
    return [*(whole_text(card) for card in cards), *(head_text(card) for card in cards)]


class Recording:
    """The real embedder, recording which texts it was asked to embed."""

    def __init__(self, real: Any) -> None:
        self.real, self.name, self.dimension = real, real.name, real.dimension
        self.texts: list[str] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.texts += texts
        return self.real.embed(texts)


@pytest.fixture
def recording(monkeypatch: pytest.MonkeyPatch) -> Recording:
    model = Recording(embedder_module.shared_embedder())
    monkeypatch.setattr(embedder_module, "shared_embedder", lambda: model)
    # A new process: nothing embedded in this one yet.
    monkeypatch.setattr(similarity, "_CARD_VECTORS", {})
    return model


def new_process(monkeypatch: pytest.MonkeyPatch, model: Recording) -> None:
    monkeypatch.setattr(similarity, "_CARD_VECTORS", {})
    model.texts.clear()


def test_a_new_process_reads_the_card_vectors_and_ranks_the_same(
    recording: Recording, monkeypatch: pytest.MonkeyPatch
) -> None:
    scorer = Scorer(PlannerTuning())
    first, first_semantic = scorer.similarities(TASK, CARDS)
    assert recording.texts == [*TASK, *card_texts(CARDS)]
    assert (agentnet_home() / "cache" / "vectors.sqlite").is_file()

    new_process(monkeypatch, recording)
    again, again_semantic = scorer.similarities(TASK, CARDS)
    assert recording.texts == TASK  # only the request is embedded
    assert (again, again_semantic) == (first, first_semantic)  # the same numbers, not nearly the same

    # A changed card misses and is embedded anew; the unchanged one is still read.
    changed = CARDS[1].model_copy(update={"description": "Summarise long documents in three sentences."})
    new_process(monkeypatch, recording)
    scorer.similarities(TASK, [CARDS[0], changed])
    assert recording.texts == [*TASK, whole_text(changed), head_text(changed)]


def test_an_unusable_cache_costs_time_never_the_plan(
    recording: Recording, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    scorer = Scorer(PlannerTuning())
    expected = scorer.similarities(TASK, CARDS)
    cache = agentnet_home() / "cache" / "vectors.sqlite"
    cache.write_bytes(b"not a database" * 100)
    new_process(monkeypatch, recording)
    with caplog.at_level(logging.WARNING, logger="agentnet.directory.vectors"):
        assert scorer.similarities(TASK, CARDS) == expected
    assert recording.texts == [*TASK, *card_texts(CARDS)]
    assert f"the vector cache {cache} is not usable" in caplog.text
