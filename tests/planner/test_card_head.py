"""A long card is matched by what it says it is, not only by its whole text: MiniLM embeds a long
description as the mean of its sentences, so detail after the first sentence (how its models are trained,
where they run) dilutes the card against a plain request and a terse look-alike wins. The planner
blends in the card's head (name and first sentence), weighted by how much of the tool set's text lies
beyond the heads (planner/similarity.py, head_weight)."""

from __future__ import annotations

import pytest

from agentnet.cards import CapabilityCard
from agentnet.directory.inmemory import InMemorySource
from agentnet.planner import similarity
from agentnet.planner.planner import Planner
from agentnet.planner.similarity import Scorer, head_text, head_weight, whole_text
from agentnet.planner.tuning import PlannerTuning

DETAIL = (
    "Models are trained on large collections of pictures and learn visual features such as edges, textures and "
    "shapes. Accuracy depends on the training data, and the set of labels cannot change after training. Popular "
    "architectures are convolutional networks and vision transformers, pretrained on public benchmarks. Inference "
    "runs on a GPU or a CPU, and batches of requests are served together to save time."
)
TAGGER = CapabilityCard(
    id="photo-tagger",
    name="Photo Tagger",
    description="Photo tagging is the task of giving a whole photo one label from a fixed set. " + DETAIL,
    input_types=["image"],
    output_types=["text"],
)
TERSE = [
    CapabilityCard(id="table-tagger", name="Table Tagger", description="Gives each row of a table one label."),
    CapabilityCard(
        id="caption-writer",
        name="Caption Writer",
        description="Writes a caption for a photo.",
        input_types=["image"],
        output_types=["text"],
    ),
    CapabilityCard(id="text-tagger", name="Text Tagger", description="Gives a text one label."),
]
CARDS = [TAGGER, *TERSE]
CLAUSE = "put a label on this photo"


def test_the_head_is_the_name_and_the_first_sentence() -> None:
    first = "Photo tagging is the task of giving a whole photo one label from a fixed set."
    assert head_text(TAGGER) == f"Photo Tagger: {first}"
    with_parameters = CapabilityCard(
        id="send_email", description="Send an email. Replies keep the thread.", parameters=[{"name": "to"}]
    )
    assert head_text(with_parameters) == "send email: Send an email."
    assert "Parameters" in whole_text(with_parameters)
    # "e.g. a photo" does not end a sentence: only a capital after the stop does.
    assert head_text(CapabilityCard(id="x", description="Tags pictures, e.g. a photo. More.")) == (
        "x: Tags pictures, e.g. a photo."
    )


def test_the_heads_weight_is_the_share_of_text_beyond_them() -> None:
    # One-line tools: the head is the whole card, nothing to blend.
    assert head_weight(TERSE) == 0.0
    whole = sum(len(whole_text(card).split()) for card in CARDS)
    heads = sum(len(head_text(card).split()) for card in CARDS)
    assert head_weight(CARDS) == pytest.approx(1 - heads / whole)
    assert 0.5 < head_weight(CARDS) < 0.7
    assert head_weight([]) == 0.0


def test_a_long_card_is_not_outscored_by_a_terse_look_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    sims, _ = Scorer(PlannerTuning()).similarities([CLAUSE], CARDS)
    tagger, caption = sims[0][0], sims[0][2]
    assert tagger > caption + 0.02
    planner = Planner(InMemorySource(CARDS), None, PlannerTuning(model_mode="off", use_memory=False))
    try:
        assert [step.capability for step in planner.plan("Put a label on this photo.").steps] == ["photo-tagger"]
        # The whole text alone (the rule switched off): the detail dilutes the tagger below the captioner.
        monkeypatch.setattr(similarity, "head_weight", lambda cards: 0.0)
        diluted, _ = Scorer(PlannerTuning()).similarities([CLAUSE], CARDS)
        assert diluted[0][0] < diluted[0][2]
        assert diluted[0][1:] == sims[0][1:]  # one-line cards score the same either way
        assert [step.capability for step in planner.plan("Put a label on this photo.").steps] == ["caption-writer"]
    finally:
        planner.close()
