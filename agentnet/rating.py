"""Rating a finished run: a good one's task and plan become a solved example plan memory learns from,
a bad one a counter-example (its tools count against similar tasks). Rating a run again replaces its
rating; ``agentnet memory forget --run ID`` takes it back. ``Network.rate`` (the CLI's ``runs rate``, the
server's ``POST /v1/runs/{id}/rating``) reads the run's trace and calls ``rate_run``.
"""

from __future__ import annotations

import threading
from typing import Any

# One rating at a time in this process: a rating forgets the run's earlier one, then remembers the new.
_RATING = threading.Lock()


def rate_run(run_id: str, trace: dict[str, Any], good: bool) -> dict[str, Any]:
    """Rate the run ``run_id`` whose stored trace is ``trace``; what was remembered (and any note)."""
    from agentnet.errors import UserError
    from agentnet.executor.runner import unplanned
    from agentnet.executor.trace import saved_plan
    from agentnet.planner.memory import PlanMemory

    if trace["plan"].get("source") == "recipe":
        # Not "failed before it was planned" (it may well have succeeded): its steps were written.
        raise UserError(
            f"run {run_id} ran the recipe {trace['plan'].get('name')!r}: a recipe's steps are written in its "
            "file, not planned, so there is no plan for the planner to learn",
            hint="rate runs the planner planned (`agentnet run`, routed chat turns, the agentnet model); "
            "a recipe is changed by editing its file",
            code="recipe_run",
        )
    if not trace["plan"].get("steps"):
        raise unplanned(run_id, trace, "rate")
    if good and trace["status"] != "succeeded":
        raise UserError(
            f"run {run_id} {trace['status']}: only a run that succeeded can be rated good",
            hint=f"rate it bad (`agentnet runs rate {run_id} bad`) if its plan was wrong",
        )
    plan = saved_plan(run_id, trace["plan"])
    # A planner open meanwhile (this one's, a server's) sees the change at its next plan.
    memory = PlanMemory()
    try:
        # Forget, then remember, as one step: two ratings at once (a server's requests) each forgot
        # before either remembered, and a run ended up counted several times, good and bad at once.
        with _RATING:
            memory.forget(run_id=run_id)
            note = memory.remember_plan(plan, run_id=run_id, rating=1 if good else -1)
        rated = {"id": run_id, "rating": "good" if good else "bad",
                 "tools": [step.capability for step in plan.steps], "remembered": len(memory)}  # fmt: skip
        return rated if note is None else {**rated, "note": note}  # what of the plan memory did not keep
    finally:
        memory.close()
