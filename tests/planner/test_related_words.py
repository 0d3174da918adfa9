"""A clause's word finds the card's words of its family: "classify" the "classification" tool, "detect" the
"detection" one, which the light stemmer leaves apart (directory/ranking.py, related)."""

from __future__ import annotations

from agentnet.cards import CapabilityCard
from agentnet.directory.ranking import bm25_scores, related
from agentnet.planner.similarity import Scorer
from agentnet.planner.tuning import PlannerTuning

CARDS = [
    CapabilityCard(id="scan-sorter", name="Scan Sorter", description="Classification of scanned pages by topic."),
    CapabilityCard(id="chat", name="Chat", description="Conversational replies to messages."),
    CapabilityCard(id="units", name="Unit Converter", description="Converts amounts between units."),
]


def test_word_families() -> None:
    assert related("classify", "classification")
    assert related("detect", "detection")
    assert related("recognize", "recognition")
    assert not related("convert", "conversational")  # six letters shared: apart
    assert not related("minut", "minute")  # a five-letter stem is too short to begin a family


def test_a_clause_word_finds_its_family_in_the_cards() -> None:
    texts = ["Scan Sorter: Classification of scanned pages by topic.", "Chat: Conversational replies to messages."]
    assert bm25_scores("classify this", texts, related_words=True)[0] > 0
    assert bm25_scores("classify this", texts)[0] == 0  # the directory's exact words
    assert bm25_scores("convert this", texts, related_words=True)[1] == 0

    sims, _ = Scorer(PlannerTuning(keyword_weight=1.0)).similarities(["classify this"], CARDS)
    plain, _ = Scorer(PlannerTuning(keyword_weight=0.0)).similarities(["classify this"], CARDS)
    # The keyword match adds to the sorter alone: its full weight, as the clause's best keyword match.
    assert abs(sims[0][0] - plain[0][0] - 1.0) < 1e-5
    assert abs(sims[0][1] - plain[0][1]) < 1e-6 and abs(sims[0][2] - plain[0][2]) < 1e-6
