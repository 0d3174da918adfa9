"""The tool classifier (planner/classifier.py) on synthetic signals: numpy only, no embedder or model.

Requests are vectors around one centroid per tool; retrieval's scores are noise and zero-shot picks
nothing, so whatever the classifier gets right it learned from the examples' phrasings."""

from __future__ import annotations

import json

import numpy as np

from agentnet.planner import classifier
from agentnet.planner.classifier import Signals, ToolClassifier

TOOLS = ["alpha", "beta", "gamma", "never-used"]


def _requests(count: int, seed: int) -> tuple[list[Signals], np.ndarray]:
    """``count`` one-clause requests, each for one of the first three tools; the fourth is never used."""
    rng = np.random.default_rng(seed)
    centroids = np.random.default_rng(0).normal(size=(3, 384))
    signals, labels = [], np.zeros((count, len(TOOLS)))
    for n in range(count):
        tool = n % 3
        vector = centroids[tool] + 1.5 * rng.normal(size=384)
        vector /= np.linalg.norm(vector)
        noise = rng.uniform(0.2, 0.4, size=(1, len(TOOLS)))
        signals.append(Signals(noise, None, None, set(), {}, vector))
        labels[n, tool] = 1
    return signals, labels


def test_the_classifier_learns_which_requests_each_tool_served_out_of_fold() -> None:
    signals, labels = _requests(60, seed=1)
    fitted, out_of_fold = classifier.fit(signals, labels, TOOLS)
    # Each task's probabilities come from models that never saw it, and still find its tool.
    assert (np.nanargmax(out_of_fold, axis=1) == labels.argmax(axis=1)).mean() > 0.9
    # A tool no example used is unknown (NaN), not a tool the examples rule out.
    assert fitted.tools == TOOLS[:3] and np.isnan(out_of_fold[:, 3]).all()
    assert fitted.l2 in classifier.EMBEDDING_L2
    # New requests, planned with the final fit: the right tool and only it clears the bar.
    new, new_labels = _requests(9, seed=2)
    for request, label in zip(new, new_labels, strict=True):
        probabilities = fitted.probabilities(request, TOOLS)
        assert classifier.chosen(probabilities, request.picked, 0.5) == [int(label.argmax())], probabilities


def test_a_fit_survives_json_and_tools_no_example_used_are_left_to_zero_shot() -> None:
    signals, labels = _requests(30, seed=3)
    fitted, _ = classifier.fit(signals, labels, TOOLS)
    kept = ToolClassifier.from_dict(json.loads(json.dumps(fitted.to_dict())))
    assert kept == fitted
    nan = float("nan")
    # Known tools by the bar, the unknown one as zero-shot decided.
    assert classifier.chosen(np.array([0.9, 0.2, 0.1, nan]), {3}, 0.5) == [0, 3]
    assert classifier.chosen(np.array([0.9, 0.2, 0.1, nan]), set(), 0.5) == [0]
    # Nothing clears the bar: the likeliest known tool, never an empty plan.
    assert classifier.chosen(np.array([0.2, 0.3, 0.1, nan]), set(), 0.5) == [1]
    # No known tool at all: zero-shot's picks.
    assert classifier.chosen(np.array([nan, nan]), {1}, 0.5) == [1]


def test_out_of_fold_probabilities_do_not_learn_noise() -> None:
    """Labels that have nothing to do with the requests: a model that saw the task itself would fit
    them (60 points in 384 dimensions), one that did not is at chance. The stacked model is fitted on
    such probabilities, so a leak would teach it to trust the embedding classifier blindly."""
    signals, labels = _requests(60, seed=4)
    shuffled = labels[np.random.default_rng(5).permutation(len(labels))]
    _, out_of_fold = classifier.fit(signals, shuffled, TOOLS)
    assert (np.nanargmax(out_of_fold, axis=1) == shuffled.argmax(axis=1)).mean() < 0.6


def test_a_barely_supported_classifier_changes_nothing() -> None:
    """The fit trusts the classifier by degrees (``weight``, from its evidence): its probabilities move
    toward zero-shot's decisions, so a weak one keeps zero-shot's plan and a strong one overrules it."""
    probabilities = np.array([0.9, 0.1, 0.1, float("nan")])
    assert classifier.chosen(probabilities, {1}, 0.5, weight=0.0) == [1]
    assert classifier.chosen(probabilities, {1}, 0.5, weight=0.4) == [1]
    assert classifier.chosen(probabilities, {1}, 0.5, weight=0.9) == [0]


def test_additions_join_the_picks_only_above_the_bar_and_as_far_as_trusted() -> None:
    """Where the classifier is trusted only to add tools (``learned_tools.fit_additions``), the picks
    retrieval made stay, a tool the classifier is sure of joins them at the clause it matches best, and
    neither a tool under the bar, nor one no example used (NaN), nor one a weak trust scales under it."""
    from agentnet.cards import CapabilityCard
    from agentnet.planner import draft
    from agentnet.planner.learned_tools import with_additions

    cards = [CapabilityCard(id=name, name=name, description=f"The {name} tool.") for name in TOOLS]
    parts = ["first do this", "then that"]
    sims = [[0.9, 0.1, 0.2, 0.1], [0.1, 0.2, 0.8, 0.3]]
    picked = [draft.Pick(cards[1], parts[1], 0.2)]
    probabilities = np.array([0.85, 0.1, 0.4, float("nan")])
    added = with_additions(parts, cards, sims, picked, probabilities, 0.6, set())
    # alpha added for the clause it matches best, before beta's clause, as a step beside the chain;
    # gamma (0.4) stays out.
    assert [[pick.card.id, pick.clause, pick.side] for pick in added] == [
        ["alpha", "first do this", True],
        ["beta", "then that", False],
    ]
    assert with_additions(parts, cards, sims, picked, probabilities, 0.9, set()) == picked
    # Trusted by degrees: 0.85 x 0.5 is under the bar, so nothing is added.
    assert with_additions(parts, cards, sims, picked, probabilities, 0.6, set(), weight=0.5) == picked
    # A tool already picked is not added twice; the unknown one never is, however its NaN compares.
    everything = np.array([0.95, 0.95, 0.95, float("nan")])
    # Each added tool goes before the pick of the clause it serves, the likelier first.
    assert [pick.card.id for pick in with_additions(parts, cards, sims, picked, everything, 0.6, set())] == [
        "alpha",
        "gamma",
        "beta",
    ]
    # A tool that reads a medium the request does not hand over is not added: beside the chain, nothing
    # would feed it.
    listener = CapabilityCard(id="listener", name="listener", description="Hears audio.", input_types=["audio"])
    assert with_additions(parts, [*cards, listener], [[*row, 0.9] for row in sims], picked,
                          np.array([*probabilities, 0.99]), 0.6, set())[0].card.id == "alpha"  # fmt: skip
    assert with_additions(parts, [*cards, listener], [[*row, 0.9] for row in sims], picked,
                          np.array([*probabilities, 0.99]), 0.6, {"audio"})[0].card.id == "listener"  # fmt: skip


def test_a_step_beside_the_chain_reads_what_was_handed_over_and_feeds_nothing() -> None:
    """An added tool's place in the chain is not known, so it is wired to the request's own material:
    neither reading the step before it nor read by the step after it (which reads what it would have
    read without it)."""
    from agentnet.cards import CapabilityCard
    from agentnet.planner import draft
    from agentnet.planner.extract import artifacts

    def card(name: str, kind: str) -> CapabilityCard:
        return CapabilityCard(id=name, name=name, description=name, input_types=[kind], output_types=["text"])

    task = "Describe photo.jpg, then summarize it"
    describe, segment, summarize = card("describe", "image"), card("segment", "image"), card("summarize", "text")
    picks = [draft.Pick(describe, "Describe photo.jpg", 0.9), draft.Pick(segment, "Describe photo.jpg", 0.5, side=True),
             draft.Pick(summarize, "then summarize it", 0.8)]  # fmt: skip
    steps = draft.link(picks, artifacts(task), task)
    assert steps[1].inputs[0].kind != "step" and steps[1].inputs[0].value == "photo.jpg"
    assert [item.step for item in steps[2].inputs] == ["s1"]
    # The same tool in the chain reads and feeds as any step: the summary reads it, the latest text.
    picks[1] = draft.Pick(segment, "Describe photo.jpg", 0.5)
    assert [item.step for item in draft.link(picks, artifacts(task), task)[2].inputs] == ["s2"]


def test_a_classifier_trusted_to_add_is_said_so_beside_the_weights() -> None:
    """``memory stats`` and ``plan --learn`` say what a fit trusts: the weights still choose the tools
    there, and the classifier only adds its surest ones."""
    from agentnet.planner.kept_fit import shown, trusted

    kept = ToolClassifier(["a", "b"], [1.0, 1.0], [[0.0, 0.0]], [0.0], tau=0.6, weight=0.74, adds=True).to_dict()
    fit = {"examples": 221, "phrase": 0.3, "prior": 0.16, "floor": 0.83, "standout": 0.88, "classifier": kept}
    assert trusted(shown(dict(fit))) == (
        "trusted: phrases 0.30, similar tasks 0.16, floor x0.83, standout x0.88; "
        "tool classifier trusted to add tools (2 tools, bar 0.60, weight 0.74)"
    )
    assert shown(dict(fit))["classifier"] == {"tools": 2, "tau": 0.6, "weight": 0.74, "adds": True}
    whole = {**fit, "classifier": {**kept, "adds": False}}
    assert trusted(shown(whole)).startswith("tool classifier trusted (2 tools")
