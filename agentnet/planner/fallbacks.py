"""Which collaborators a planned step falls back to when its own fails (a step's alternates).

Apart from ``planner.draft`` because both of its ways to pick a tool (a clause's clear match, and the
best guess when nothing is clear) give their picks fallbacks by the same rule.
"""

from __future__ import annotations

from agentnet.cards import CapabilityCard
from agentnet.planner.needs import is_general
from agentnet.planner.validate import interchangeable


def fallbacks(
    card: CapabilityCard, cards: list[CapabilityCard], scores: list[float], ranked: list[int], score: float, gap: float
) -> list[tuple[str, float]]:
    """The fallbacks of a pick scoring ``score``: up to three collaborators that read and make what it
    does and score within ``gap`` of it (``draft.RUNNER_UP_GAP``: the gap within which a runner-up stands in
    for a taken tool). Not every compatible tool: "and 20%?" in a chat fell from the calculator (0.34) to a
    table query, a text classifier and a similarity search (0.15-0.12), each failing with its own
    complaint. Behind a general chat model only other general models: a narrow tool answers what it
    was made for, not a chat's request ("translate hello to French" kept a duplicate finder, 0.09
    behind the chat model, which would have answered with no translation at all)."""
    general = is_general(card)
    close = [
        i
        for i in ranked
        if scores[i] >= score - gap and interchangeable(card, cards[i]) and (not general or is_general(cards[i]))
    ]
    return [(cards[i].id, round(scores[i], 4)) for i in close[:3]]
