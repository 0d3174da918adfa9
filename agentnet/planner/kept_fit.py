"""A kept fit as ``PlanMemory.stats`` gives it, and in words: one reading for the Python API, ``agentnet
memory stats`` (text and ``--json``) and ``plan --learn``.

Below ``MIN_EXAMPLES`` usable solved tasks ``learning.fit`` cross-validates nothing and keeps
``Trust``'s defaults, zeros for its scores: read as measured, a zero F1 would say memory was tried and
scored nothing. So such a fit is shown ``fitted: False``, with its ``reason`` and null scores.
Here, not in ``learning``: memory shows the fits and ``learning`` imports memory.
"""

from __future__ import annotations

from typing import Any

# Fewer usable solved tasks than this cannot be cross-validated (``learning.fit``: zero-shot, and a
# near-duplicate of a solved task reuses its plan).
MIN_EXAMPLES = 8
# What a fit below MIN_EXAMPLES never measured.
UNMEASURED = ("f1", "zero_shot_f1", "e_f1", "zero_shot_e_f1", "t", "links_t")


def shown(fit: dict[str, Any]) -> dict[str, Any]:
    """A kept fit as ``stats`` shows it: the tool classifier by its size and bar, not its weights, and
    whether it was fitted (below ``MIN_EXAMPLES`` not: null scores and the ``reason``)."""
    kept = fit.get("classifier")
    if kept:
        fit["classifier"] = {"tools": len(kept["tools"]), "tau": kept["tau"], "weight": kept.get("weight", 1.0),
                             "adds": kept.get("adds", False)}  # fmt: skip
    if fit["examples"] >= MIN_EXAMPLES:
        return {**fit, "fitted": True}
    unset = {key: None for key in UNMEASURED if key in fit}
    return {**fit, **unset, "fitted": False, "reason": trusted(fit)}


def trusted(fit: dict[str, Any]) -> str:
    """What a kept fit trusts, in words: ``memory stats`` and ``plan --learn`` say it alike."""
    if fit["examples"] < MIN_EXAMPLES:
        # What planning does then: zero-shot, and a near-duplicate of a solved task served by this
        # directory reuses that task's plan.
        reused = ", near-duplicates reused" if fit["examples"] else ""
        return f"too few solved tasks to fit ({fit['examples']} < {MIN_EXAMPLES}): zero-shot{reused}"
    if fit.get("classifier"):
        classifier = fit["classifier"]
        if classifier.get("adds"):
            return (f"{_weights(fit)}; tool classifier trusted to add tools ({classifier['tools']} tools, bar "
                    f"{classifier['tau']:.2f}, weight {classifier['weight']:.2f})")  # fmt: skip
        return (f"tool classifier trusted ({classifier['tools']} tools, bar {classifier['tau']:.2f}, "
                f"weight {classifier['weight']:.2f})")  # fmt: skip
    # Fits kept by an older release have no bars: theirs were the tuning's.
    floor, standout = fit.get("floor", 1.0), fit.get("standout", 1.0)
    if fit["phrase"] or fit["prior"] or (floor, standout) != (1.0, 1.0):
        return _weights(fit)
    return "not trusted: zero-shot planning scores as well"


def _weights(fit: dict[str, Any]) -> str:
    floor, standout = fit.get("floor", 1.0), fit.get("standout", 1.0)
    return (f"trusted: phrases {fit['phrase']:.2f}, similar tasks {fit['prior']:.2f}, floor x{floor:.2f}, "
            f"standout x{standout:.2f}")  # fmt: skip
