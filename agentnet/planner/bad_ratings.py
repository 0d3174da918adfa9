"""What a run rated bad teaches at once: the plan of a remembered near-duplicate rated bad is not made again.

The tool prior that weighs bad ratings against their tools (``similarity.Scorer``) counts only once a fit
trusts memory, from ``MIN_EXAMPLES`` solved tasks; before that a user who rated "Tell me a joke about
counting sheep" bad (planned: the word counter) got the same plan for the same request.
"""

from __future__ import annotations

from agentnet.cards import CapabilityCard
from agentnet.planner.learning import REUSE_SIMILARITY, names_of
from agentnet.planner.memory import PlanMemory
from agentnet.planner.needs import is_general


def avoided(memory: PlanMemory, text: str, cards: list[CapabilityCard]) -> set[str]:
    """The specialist (its card id) of a remembered near-duplicate of ``text`` rated bad, as close as a
    reused task must be (``learning.REUSE_SIMILARITY``), when that plan had one: then the rating can only
    mean that specialist was wrong for the task. A bad plan of several specialists says their combination
    was wrong, not which of them (an upscaler before a captioner, rated bad, still leaves the captioner to
    describe the photo). General chat models stay: they answer when nothing else serves."""
    # Most memories hold no bad rating: then the request is not embedded a second time (reuse embeds it too).
    if not any(entry["rating"] < 0 for entry in memory.entries()):
        return set()
    found = memory.similar(text, k=1)
    if not found or found[0]["score"] < REUSE_SIMILARITY or found[0]["rating"] >= 0:
        return set()
    names = names_of(cards)
    used = {names[tool].id for tool in found[0]["tools"] if tool in names and not is_general(names[tool])}
    return used if len(used) == 1 else set()
