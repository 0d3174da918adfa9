"""Reading the run database (`agentnet runs list` and `runs show`, ``GET /v1/runs``): a page of runs
with what each spent, and one run's whole trace. ``RunStore`` inherits it."""

from __future__ import annotations

from typing import Any

from agentnet.errors import NotFoundError
from agentnet.executor.trace import build_trace, iso


class RunReading:
    """``list_runs`` and ``get_run`` on a store's ``_query`` (``RunStore``)."""

    _query: Any

    def list_runs(self, limit: int = 50, before: str | None = None) -> list[dict[str, Any]]:
        """The newest runs (``before``: the ones listed after that run, the next page), each with its
        duration, the tokens and cost of every model call it made, and ``lease_expired`` (marked
        running, but its process stopped renewing its lease: nothing runs it). The page is chosen
        before its attempts are added up, not after adding up every run's."""
        after = ""
        params: tuple[Any, ...] = (limit,)
        if before is not None:
            found = self._query("SELECT started FROM agentnet_runs WHERE id = ?", (before,))
            if not found:
                raise NotFoundError(
                    f"no run with id {before!r} to list the runs before",
                    hint="agentnet runs list (or GET /v1/runs) names the runs there are",
                    code="run_not_found",
                )
            after = " WHERE started < ? OR (started = ? AND id < ?)"
            params = (found[0][0], found[0][0], before, limit)
        rows = self._query(
            "SELECT r.id, r.status, r.task, r.started, r.finished,"
            " COALESCE(SUM(a.prompt_tokens + a.completion_tokens), 0), COALESCE(SUM(a.cost), 0),"
            " CASE WHEN r.status = 'running' AND r.lease_until < {now} THEN 1 ELSE 0 END"
            f" FROM (SELECT * FROM agentnet_runs{after} ORDER BY started DESC, id DESC LIMIT ?) r"
            " LEFT JOIN agentnet_attempts a ON a.run_id = r.id"
            " GROUP BY r.id, r.status, r.task, r.started, r.finished, r.lease_until ORDER BY r.started DESC, r.id DESC",
            params,
        )
        return [
            {
                "id": r[0],
                "run_id": r[0],  # as RunResult, the errors and POST /v1/runs name it; "id" kept as it was
                "status": r[1],
                "task": r[2],
                "started": iso(r[3]),
                "finished": iso(r[4]),
                "duration_s": round(r[4] - r[3], 3) if r[4] is not None else None,
                "tokens": int(r[5]),
                "cost": float(r[6]),
                "lease_expired": bool(r[7]),
            }
            for r in rows
        ]

    def get_run(self, run_id: str) -> dict[str, Any]:
        """The whole trace of one run: plan, status, answer, error, lease, steps with their attempts."""
        rows = self._query(
            "SELECT id, task, status, started, finished, plan, answer, error, budgets, owner, owner_since,"
            " lease_until, {now} FROM agentnet_runs WHERE id=?",
            (run_id,),
        )
        if not rows:
            raise NotFoundError(
                f"no run with id {run_id!r}", hint="list the runs with `agentnet runs list`", code="run_not_found"
            )
        row = rows[0]
        steps = self._query(
            "SELECT step_id, capability, why, status, node_id, output, prompt_tokens, completion_tokens,"
            " latency_s, cost, prompt FROM agentnet_steps WHERE run_id=? ORDER BY started",
            (run_id,),
        )
        attempts = self._query(
            "SELECT step_id, seq, node_id, status, error_code, error, prompt_tokens, completion_tokens,"
            " latency_s, cost FROM agentnet_attempts WHERE run_id=? ORDER BY at, seq",
            (run_id,),
        )
        return build_trace(row, steps, attempts)

    def spent(self, run_id: str) -> tuple[int, int, float]:
        """What every model call the run made spent, failed and stopped ones too: prompt tokens,
        completion tokens, cost (a resumed run's budget starts from it)."""
        rows = self._query(
            "SELECT COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0), COALESCE(SUM(cost), 0)"
            " FROM agentnet_attempts WHERE run_id=?",
            (run_id,),
        )
        return int(rows[0][0]), int(rows[0][1]), float(rows[0][2])
