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
