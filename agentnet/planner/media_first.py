"""A reader of a supplied medium followed by the text collaborator its clause also clearly asks for:
"How many words are on this sign?" reads the sign, then counts."""

from __future__ import annotations

from agentnet.cards import CapabilityCard
from agentnet.planner.draft import Pick, standout_of
from agentnet.planner.tuning import PlannerTuning


def read_media_first(
    picks: list[Pick],
    cards: list[CapabilityCard],
    sims: list[list[float]],
    clauses: list[str],
    supplied: set[str],
    tuning: PlannerTuning,
) -> list[Pick]:
    """A clause picked a reader for a supplied medium (image -> text) while another text collaborator
    also clearly serves its words: "How many words are on this sign?" reads the sign, then counts.
    "Clearly" is the planner's own rule for a match below the threshold (at least ``floor`` and
    ``standout`` deviations above the other text collaborators), so no tie constant tuned on one
    tool set decides it; "What does this sign say?" stays the reader alone."""
    out: list[Pick] = []
    # A collaborator another clause already asks for is not added here: that clause's step serves it.
    planned = {pick.card.id for pick in picks}
    for pick in picks:
        out.append(pick)
        reads = [t for t in pick.card.input_types if t in supplied and t != "text"]
        if not reads or "text" not in pick.card.output_types or pick.clause not in clauses:
            continue
        row = sims[clauses.index(pick.clause)]
        others = [i for i, card in enumerate(cards) if card.id not in planned and "text" in card.input_types]
        scores = [row[i] for i in others]
        best = max(range(len(others)), key=scores.__getitem__, default=None)
        if best is None or scores[best] < tuning.floor or standout_of(scores, best) < tuning.standout:
            continue
        card = cards[others[best]]
        why = f"similarity {scores[best]:.2f} to clause, after {pick.card.id} reads the {reads[0]}"
        out.append(Pick(card, pick.clause, scores[best], [], why))
    return out
