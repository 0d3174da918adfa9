"""Which collaborators a planned step falls back to when its own fails (a step's alternates).

Apart from ``planner.draft`` because both of its ways to pick a tool (a clause's clear match, and the
best guess when nothing is clear) give their picks fallbacks by the same rule.
"""

from __future__ import annotations

from agentnet.cards import CapabilityCard
from agentnet.planner.needs import is_general
from agentnet.planner.validate import interchangeable


def fallbacks(
    card: CapabilityCard, cards: list[CapabilityCard], scores: list[float], ranked: list[int]
) -> list[tuple[str, float]]:
    """The fallbacks of a pick and their scores, up to three of ``ranked`` (best first): collaborators
    that read and make what it does; behind a general chat model, only other general models. A narrow
    tool answers what it was made for, not a chat's request: "translate hello to French" kept a
    duplicate finder behind the chat model, which would have "succeeded" with no translation at all.

    Not only the tools close behind (tried, and undone the same day): "How many seconds are in a day?"
    goes to the dates tool (0.44), which cannot answer it, and the calculator, 0.29 behind and third in
    the chain, does (86400 s); tools that cannot serve a request refuse it at once and clearly."""
    general = is_general(card)
    kept = [i for i in ranked if interchangeable(card, cards[i]) and (not general or is_general(cards[i]))]
    return [(cards[i].id, round(scores[i], 4)) for i in kept[:3]]
