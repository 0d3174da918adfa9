"""A run's trace as ``agentnet runs show`` and ``Network.trace`` give it, built from the run database's rows."""

from __future__ import annotations

import json
import time
from typing import Any

from agentnet.executor.lease import lease_info

_ATTEMPT_FIELDS = (
    "seq",
    "node_id",
    "status",
    "error_code",
    "error",
    "prompt_tokens",
    "completion_tokens",
    "latency_s",
    "cost",
)
_STEP_FIELDS = (
    "id",
    "capability",
    "why",
    "status",
    "node_id",
    "output",
    "prompt_tokens",
    "completion_tokens",
    "latency_s",
    "cost",
    "prompt",
)


def build_trace(row: tuple[Any, ...], steps: list[tuple[Any, ...]], attempts: list[tuple[Any, ...]]) -> dict[str, Any]:
    by_step: dict[str, list[dict[str, Any]]] = {}
    for a in attempts:
        by_step.setdefault(a[0], []).append(dict(zip(_ATTEMPT_FIELDS, a[1:], strict=True)))
    step_list = [_spent(_step(s, by_step.get(s[0], []))) for s in steps]
    return {
        "id": row[0],
        "run_id": row[0],  # as RunResult, the errors and POST /v1/runs name it; "id" kept as it was
        "task": row[1],
        "status": row[2],
        "started": iso(row[3]),
        "finished": iso(row[4]),
        "plan": json.loads(row[5]),
        "answer": row[6],
        "error": json.loads(row[7]) if row[7] else None,
        "budgets": json.loads(row[8]) if row[8] else {},
        "lease": lease_info(row[9], row[10], row[11], float(row[12])) if row[2] == "running" else None,
        "steps": step_list,
        "tokens": sum(s["tokens"] for s in step_list),
        "cost": sum(s["cost"] for s in step_list),
    }


def _step(row: tuple[Any, ...], attempts: list[dict[str, Any]]) -> dict[str, Any]:
    step = dict(zip(_STEP_FIELDS, row, strict=True))
    # The messages the step sent, as stored (JSON); None for steps run before prompts were kept.
    step["prompt"] = json.loads(step["prompt"]) if step["prompt"] else None
    step["attempts"] = attempts
    return step


def _spent(step: dict[str, Any]) -> dict[str, Any]:
    """A step's ``tokens``, ``cost`` and ``latency_s`` over every call it made: a looped step runs several times and a
    retried one pays for its failed attempts, while the step row keeps only the last result's figures."""
    attempts = step["attempts"] or [step]
    step["tokens"] = sum(a["prompt_tokens"] + a["completion_tokens"] for a in attempts)
    step["cost"] = sum(a["cost"] for a in attempts)
    step["latency_s"] = sum(a["latency_s"] for a in attempts)
    return step


def iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def saved_plan(run_id: str, raw: Any) -> Any:
    """The ``Plan`` a run was saved with, or a ``UserError`` saying this agentnet cannot read it: a
    run saved by another agentnet version (servers of two versions sharing one PostgreSQL database
    during an upgrade) may hold fields this one does not know, and resuming it was a traceback."""
    from pydantic import ValidationError

    from agentnet.errors import UserError
    from agentnet.planner.plan import Plan, first_problem

    try:
        return Plan.model_validate(raw)
    except ValidationError as exc:
        raise UserError(
            f"run {run_id} was saved with a plan this agentnet cannot read ({first_problem(exc)})",
            hint="it was saved by another agentnet version (this is `agentnet --version`): resume it with that "
            f"version, or run its task again (`agentnet runs show {run_id}` prints it); the run is left as it was",
            code="run_unreadable",
        ) from None
