"""What plan memory keeps of a task: one remembered task, and the bounds on what is stored and
embedded of it (its request, a rated run's plan, its step texts).

Apart from ``planner.memory`` (the store) because the bounds are a concept of their own, read by the
CLI that reports them (``plan --learn`` names the lines it cut) as well as by the store.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from agentnet.planner.extract import mask_quotes

if TYPE_CHECKING:
    from agentnet.planner.plan import Plan

_STEP_PREFIX = re.compile(r"^\s*(?:step\s*\d+\s*[:.)-]|\d+\s*[:.)-])\s*", re.IGNORECASE)
# A remembered request keeps what the planner reads of a request (PlannerTuning.max_task_chars): an
# example line of 3 MB was stored whole; only its first 2000 characters were ever embedded.
MAX_TASK_CHARS = 20000
# A rated run's plan is kept beside its task as a record (nothing plans from it, every load reads it):
# a 940 KB request's run stored 1.9 MB, the request twice (the plan's task and its one step's
# instruction). Its request is cut as the task is, every other text to MAX_PLAN_TEXT; a plan still
# over MAX_PLAN_CHARS (hundreds of steps, as POST /v1/runs may send) is not kept, its tools are.
MAX_PLAN_TEXT = 2000
MAX_PLAN_CHARS = 100_000
# Step texts embedded per task (one per step; a posted plan may have thousands of steps).
MAX_PHRASES = 64


@dataclass
class Remembered:
    """One task to remember: the request, its tools in order, optionally one text per step."""

    task: str
    tools: list[str]
    steps: list[str] | None = None
    plan: Plan | None = None
    run_id: str | None = None
    rating: int = 1
    # Which tool fed which ((source, target) tool names); None: not known (a file without links).
    links: list[tuple[str, str]] | None = None


def bounded(item: Remembered) -> Remembered:
    """The item with its request cut to ``MAX_TASK_CHARS`` (``plan --learn`` names the lines cut)."""
    return item if len(item.task) <= MAX_TASK_CHARS else replace(item, task=item.task[:MAX_TASK_CHARS])


def bounded_plan(plan: Plan) -> tuple[Plan | None, str | None]:
    """``plan`` as plan memory keeps it, and a note saying what was cut (also among the kept plan's
    notes): its request to ``MAX_TASK_CHARS``, any other text to ``MAX_PLAN_TEXT``; no plan at all when
    it is still longer than ``MAX_PLAN_CHARS`` as JSON. The run's trace keeps the plan whole."""
    from agentnet.planner.plan import Plan

    data = plan.model_dump(mode="json")
    task, cut = data.pop("task"), list[int]()
    data = {**_cut(data, MAX_PLAN_TEXT, cut), "task": task[:MAX_TASK_CHARS]}
    said = [f"its request to the first {MAX_TASK_CHARS} characters"] if len(task) > MAX_TASK_CHARS else []
    texts = "1 other text to its" if len(cut) == 1 else f"{len(cut)} other texts to their"
    said += [f"{texts} first {MAX_PLAN_TEXT}"] if cut else []
    note = f"plan memory keeps this plan cut: {' and '.join(said)}" if said else None
    data["notes"] += [note] if note else []
    size = len(json.dumps(data))
    if size > MAX_PLAN_CHARS:
        return None, (f"plan memory keeps no copy of this plan: {size} characters of JSON even cut, over "
                      f"{MAX_PLAN_CHARS}; its tools and step texts are learned as usual")  # fmt: skip
    return (plan, None) if note is None else (Plan.model_validate(data), note)


def _cut(value: Any, limit: int, cut: list[int]) -> Any:
    """JSON ``value`` with every string longer than ``limit`` cut to it (``cut`` counts them)."""
    if isinstance(value, str) and len(value) > limit:
        cut.append(len(value))
        return value[:limit]
    if isinstance(value, dict):
        return {key: _cut(item, limit, cut) for key, item in value.items()}
    return [_cut(item, limit, cut) for item in value] if isinstance(value, list) else value


def phrases(item: Remembered) -> list[tuple[str, str]]:
    """(tool, phrase) for each step text of a positive example, without repeats, at most ``MAX_PHRASES``
    (a phrase keeps 500 characters: a step text is read no further than ``MAX_PLAN_TEXT``)."""
    if item.rating <= 0 or not item.steps or len(item.steps) != len(item.tools):
        return []
    pairs = ((tool, _clean(step[:MAX_PLAN_TEXT])) for tool, step in zip(item.tools, item.steps, strict=True))
    return [(tool, text) for tool, text in dict.fromkeys(pairs) if text][:MAX_PHRASES]


def request_text(task: str) -> str:
    """A task as its vector is made: quoted material is data, and must not make two requests alike."""
    return " ".join(mask_quotes(task[:2000]).split())


def _clean(text: str) -> str:
    return " ".join(mask_quotes(_STEP_PREFIX.sub("", text)).split())[:500]
