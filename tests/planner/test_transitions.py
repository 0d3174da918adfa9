"""Links learned from solved tasks (planner/transitions.py): which tool feeds which, shrunk toward the
zero-shot wiring by the evidence, and trusted only when cross-validation shows a gain. Pure counting
over real cards and draft.link: no embedder, no model."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from agentnet.cards import CapabilityCard
from agentnet.directory.importers import load_cards
from agentnet.planner import draft, learning, transitions
from agentnet.planner.examples import example_links

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def cards() -> dict[str, CapabilityCard]:
    return learning.names_of(load_cards(DATA / "tools_resource.json"))


def entry(number: int, tools: list[str], links: list[tuple[str, str]]) -> dict[str, Any]:
    return {"id": number, "task": f"task {number}", "tools": tools, "links": links, "rating": 1}


def consistent() -> list[dict[str, Any]]:
    """Summaries and translations asked side by side (neither reads the other), and translations read aloud."""
    side_by_side = [entry(n, ["Summarizer", "Translator"], []) for n in range(10)]
    read_aloud = [entry(10 + n, ["Translator", "Speech Synthesizer"], [("Translator", "Speech Synthesizer")])
                  for n in range(10)]  # fmt: skip
    return side_by_side + read_aloud


def wiring(cards: dict[str, CapabilityCard], names: list[str], weights: Any, entries: list[dict[str, Any]]) -> set:
    ids = [cards[name].id for name in names]
    zero_shot = transitions.wired([cards[name] for name in names], "the task")
    links = transitions.decide(ids, zero_shot, transitions.counts_of(entries, cards), weights)
    return {(names[i], names[j]) for i, j in links}


def test_consistent_links_are_learned_and_the_rest_stays_zero_shot(cards: dict[str, CapabilityCard]) -> None:
    pair = ["Summarizer", "Translator"]
    assert transitions.wired([cards[name] for name in pair], "t") == {(0, 1)}  # types alone chain them
    weights, t = transitions.fit_weights(consistent(), cards)
    assert weights != (None, None) and t > 1, (weights, t)
    assert wiring(cards, pair, weights, consistent()) == set()
    assert wiring(cards, ["Translator", "Speech Synthesizer"], weights, consistent()) == {
        ("Translator", "Speech Synthesizer")
    }
    # Tools the examples never used together keep their zero-shot link.
    assert wiring(cards, ["Page Fetcher", "Summarizer"], weights, consistent()) == {("Page Fetcher", "Summarizer")}


def test_tools_joined_only_through_another_keep_their_zero_shot_link(cards: dict[str, CapabilityCard]) -> None:
    chains = [entry(n, ["Page Fetcher", "Summarizer", "Translator"],
                    [("Page Fetcher", "Summarizer"), ("Summarizer", "Translator")]) for n in range(10)]  # fmt: skip
    # Fetching and translating were never asked for without a summary between them: no evidence
    # against fetching straight into the translator.
    assert wiring(cards, ["Page Fetcher", "Translator"], (1.0, 1.0), chains) == {("Page Fetcher", "Translator")}


def test_a_link_the_examples_show_backwards_reorders_the_steps(cards: dict[str, CapabilityCard]) -> None:
    entries = [entry(n, ["Translator", "Summarizer"], [("Translator", "Summarizer")]) for n in range(6)]
    picks = [draft.Pick(cards[name], "the task", 0.5) for name in ("Summarizer", "Translator")]
    steps = draft.link(picks, [], "the task")
    ids = [pick.card.id for pick in picks]
    links = transitions.decide(ids, transitions.positions(steps), transitions.counts_of(entries, cards), (1.0, 1.0))
    assert links == {(1, 0)}
    rewired = transitions.apply(steps, picks, links, "the task")
    assert [step.capability for step in rewired] == [cards["Translator"].id, cards["Summarizer"].id]
    assert rewired[1].depends_on == [rewired[0].id] and rewired[0].depends_on == []


def test_evidence_that_does_not_help_leaves_the_zero_shot_wiring(cards: dict[str, CapabilityCard]) -> None:
    # Half the tasks chain the pair, half do not: nothing to learn.
    mixed = [entry(n, ["Summarizer", "Translator"], [("Summarizer", "Translator")] if n % 2 else []) for n in range(20)]
    assert transitions.fit_weights(mixed, cards) == ((None, None), 0.0)
    # Links at random over random pairs. Leave-one-out alone finds weights that "gain" on these
    # examples (choosing the best of many overfits); the nested check sees no gain and refuses.
    rng = random.Random(0)
    names = sorted({card.name for card in cards.values()})
    noisy = []
    for n in range(12):
        a, b = rng.sample(names, 2)
        noisy.append(entry(n, [a, b], [(a, b)] if rng.random() < 0.5 else []))
    examples = [transitions._Example([cards[e["tools"][0]].id, cards[e["tools"][1]].id],
                                     [(cards[a].id, cards[b].id) for a, b in e["links"]],
                                     transitions.wired([cards[name] for name in e["tools"]], "t"), number % 5)
                for number, e in enumerate(noisy)]  # fmt: skip
    assert transitions._best(examples, transitions.counts_of_examples(examples)) is not None
    assert transitions.fit_weights(noisy, cards)[0] == (None, None)
    # Too few tasks: zero-shot.
    assert transitions.fit_weights(consistent()[:3], cards) == ((None, None), 0.0)


def test_links_are_read_from_arguments_else_from_task_links() -> None:
    resource = {"task_nodes": [{"task": "A", "arguments": ["x.png"]}, {"task": "B", "arguments": ["<node-0>"]}],
                "task_links": [{"source": "A", "target": "B"}, {"source": "B", "destination": "A"}]}  # fmt: skip
    assert example_links(resource) == [("A", "B")]
    api = {"task_nodes": [{"task": "A", "arguments": [{"name": "q", "value": "x"}]}, {"task": "B", "arguments": []}],
           "task_links": [{"source": "A", "destination": "B"}]}  # fmt: skip
    assert example_links(api) == [("A", "B")]
    assert example_links({"task_nodes": [{"task": "A"}]}) is None
