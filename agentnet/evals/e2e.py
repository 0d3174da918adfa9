"""The end-to-end bench: generated tasks run (a) by the network agentnet plans and (b) by the embedded
model alone given the same inputs as text, in one process and one run; answers checked automatically.

Per tier it reports the success rate, the mean number of steps and the wall time per task of each,
and the ratio network / single. The tasks are in ``e2e_tasks.py``; ``bench/e2e/run.py`` and
``agentnet bench e2e`` print this report.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentnet.evals.e2e_tasks import Task, make_tasks

TIERS = ("single", "chain", "dag")
SINGLE_MAX_TOKENS = 96


@dataclass
class Outcome:
    task: Task
    ok: bool
    steps: int
    seconds: float
    answer: str
    error: str | None = None


@dataclass
class Report:
    network: list[Outcome] = field(default_factory=list)
    single: list[Outcome] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        tiers = {tier: _tier(self.network, self.single, tier) for tier in TIERS}
        return {
            "network": _rates(self.network),
            "single": _rates(self.single),
            "tiers": tiers,
            "ratio": _ratio(_rates(self.network)["success"], _rates(self.single)["success"]),
        }


def _rates(outcomes: list[Outcome]) -> dict[str, Any]:
    n = len(outcomes)
    return {
        "success": round(sum(o.ok for o in outcomes) / n, 3) if n else 0.0,
        "tasks": n,
        "mean_steps": round(sum(o.steps for o in outcomes) / n, 2) if n else 0.0,
        "s_per_task": round(sum(o.seconds for o in outcomes) / n, 2) if n else 0.0,
    }


def _ratio(network: float, single: float) -> float | None:
    return round(network / single, 2) if single else None


def _tier(network: list[Outcome], single: list[Outcome], tier: str) -> dict[str, Any]:
    mine = _rates([o for o in network if o.task.tier == tier])
    alone = _rates([o for o in single if o.task.tier == tier])
    return {"network": mine, "single": alone, "ratio": _ratio(mine["success"], alone["success"])}


def run_network(net: Any, task: Task) -> Outcome:
    """The task through agentnet: planned over the network's collaborators, then run."""
    started = time.perf_counter()
    try:
        result = net.run(task.task, inputs=task.inputs, check=False)
    except Exception as exc:  # noqa: BLE001 - a failed task is a measured failure, not a crash of the bench
        return Outcome(task, False, 0, time.perf_counter() - started, "", f"{type(exc).__name__}: {exc}")
    answer = result.answer or ""
    files = [Path(f["path"]) for f in result.files]
    error = result.error.message if result.error else None
    ok = result.error is None and task.check.passes(answer, files)
    return Outcome(task, ok, len(result.plan.steps), time.perf_counter() - started, answer, error)


def single_prompt(task: Task) -> str:
    """The task with its inputs as text where they are text; other files are only named (the model
    cannot read an image or write audio)."""
    parts = [task.task]
    for path in task.inputs:
        if path.suffix in (".txt", ".csv", ".md", ".json"):
            parts.append(f"{path.name}:\n{path.read_text(encoding='utf-8')}")
        else:
            parts.append(f"(attached: {path.name}, which you cannot open)")
    return "\n\n".join(parts)


def run_single(node: Any, task: Task) -> Outcome:
    """The task given to one model alone (the embedded default), inputs as text."""
    started = time.perf_counter()
    try:
        reply = node.complete(single_prompt(task), max_tokens=SINGLE_MAX_TOKENS)
    except Exception as exc:  # noqa: BLE001 - measured as a failure
        return Outcome(task, False, 1, time.perf_counter() - started, "", f"{type(exc).__name__}: {exc}")
    ok = task.check.passes(reply.text, [])
    return Outcome(task, ok, 1, time.perf_counter() - started, reply.text)


def run_bench(folder: Path, *, limit: int | None = None, single: bool = True, config: Any = None) -> Report:
    """Generate the tasks into ``folder`` and run each on the network, then on the embedded model alone."""
    from agentnet.network import Network

    tasks = make_tasks(folder)[:limit] if limit else make_tasks(folder)
    report = Report()
    with Network(config) as net:
        for task in tasks:
            report.network.append(run_network(net, task))
        if single:
            node = net.node()
            for task in tasks:
                report.single.append(run_single(node, task))
    return report


def format_report(report: Report) -> list[str]:
    """The printed table: per tier, success, mean steps and seconds per task of both, and the ratio."""
    summary = report.summary()
    lines = [f"{'tier':<8}{'tasks':>6}{'network':>9}{'single':>8}{'ratio':>7}{'steps':>7}{'s/task':>8}{'s/single':>9}"]
    rows = [(tier, summary["tiers"][tier]) for tier in TIERS]
    rows.append(("all", {"network": summary["network"], "single": summary["single"], "ratio": summary["ratio"]}))
    for name, row in rows:
        net, alone = row["network"], row["single"]
        ratio = "-" if row["ratio"] is None else f"{row['ratio']:.2f}"
        lines.append(
            f"{name:<8}{net['tasks']:>6}{net['success']:>9.2f}{alone['success']:>8.2f}{ratio:>7}"
            f"{net['mean_steps']:>7.2f}{net['s_per_task']:>8.1f}{alone['s_per_task']:>9.1f}"
        )
    return lines
