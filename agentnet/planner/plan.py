"""The plan: a DAG of steps, each naming its collaborator, instruction, inputs and alternates.

Plans are plain pydantic data so they serialise to JSON, travel between processes (checkpoints,
servers) and render as mermaid. Validation against the directory lives in ``validate.py``.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from agentnet.artifacts import Artifact
from agentnet.jsonschemas import schema_problem

StepInputKind = Literal["user", "literal", "step"]


class StepInput(BaseModel):
    """One input of a step: the user's input, a literal argument, or an earlier step's output."""

    model_config = ConfigDict(extra="forbid")

    kind: StepInputKind
    name: str | None = None  # parameter name for API-style tools
    value: Any = None  # literal value (kind=literal) or the user-input key/text (kind=user)
    step: str | None = None  # the producing step's id (kind=step)
    type: str | None = None  # the media/data type carried (text, image, ...)

    def label(self) -> str:
        """How a plan listing names this input: ``<s1>``, ``part 2/5 of report.txt``, ``user: …``."""
        if self.kind == "step":
            return f"<{self.step}>"
        if isinstance(self.value, dict) and "part" in self.value:
            source = self.value.get("input") or "the task"
            return f"part {self.value['part']}/{self.value.get('parts')} of {source}"
        return f"{self.kind}: {self.value}" if self.value not in (None, "") else self.kind


class Alternate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    card_id: str
    score: float


class Step(BaseModel):
    """One step of a plan: the collaborator it calls (``capability``), the instruction and inputs it
    gets, the alternates tried in order when it fails, and why the planner chose it."""

    model_config = ConfigDict(extra="forbid")

    id: str
    capability: str  # the chosen card id
    skill: str | None = None
    instruction: str
    inputs: list[StepInput] = Field(default_factory=list)
    output_type: str | None = None
    alternates: list[Alternate] = Field(default_factory=list)
    # Why this collaborator: scores, filters, repairs applied.
    why: str = ""
    score: float | None = None
    output_schema: dict[str, Any] | None = None
    # Most tokens this step's reply may use (None: the model's own setting).
    max_tokens: int | None = Field(default=None, gt=0)

    @field_validator("output_schema")
    @classmethod
    def _bounded_schema(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        problem = schema_problem(value) if value is not None else None
        if problem is not None:
            raise ValueError(problem)
        return value

    @property
    def depends_on(self) -> list[str]:
        seen: list[str] = []
        for item in self.inputs:
            if item.kind == "step" and item.step and item.step not in seen:
                seen.append(item.step)
        return seen


class Plan(BaseModel):
    """A task's plan: its steps (a DAG by their inputs), how it was made (``source``), the notes the
    planner adds for the user, and the inputs handed over beside the task. ``agentnet plan --json``
    prints one, ``Network.plan`` returns one; ``Network.execute`` and ``POST /v1/runs`` run one."""

    model_config = ConfigDict(extra="forbid")

    task: str
    steps: list[Step] = Field(default_factory=list)
    # How the plan was made: "model", "repaired", "fallback", "memory", "recipe".
    source: str = "model"
    notes: list[str] = Field(default_factory=list)
    filters: list[str] = Field(default_factory=list)
    planning_s: float | None = None
    # Inputs handed over beside the task (files, stdin): steps read them by name.
    inputs: list[Artifact] = Field(default_factory=list)

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def final_steps(self) -> list[Step]:
        """Steps nothing else consumes: their outputs are the answer."""
        consumed = {dep for step in self.steps for dep in step.depends_on}
        return [step for step in self.steps if step.id not in consumed]

    def to_mermaid(self) -> str:
        lines = ["flowchart TD", '    input(["user input"])']
        for step in self.steps:
            label = _mermaid_text(f"{step.id}: {step.capability}")
            lines.append(f'    {_mermaid_id(step.id)}["{label}"]')
        for step in self.steps:
            deps = step.depends_on
            if not deps or any(item.kind == "user" for item in step.inputs):
                lines.append(f"    input --> {_mermaid_id(step.id)}")
            for dep in deps:
                lines.append(f"    {_mermaid_id(dep)} --> {_mermaid_id(step.id)}")
        return "\n".join(lines)


def _mermaid_id(step_id: str) -> str:
    return "s_" + re.sub(r"[^A-Za-z0-9_]", "_", step_id)


def _mermaid_text(text: str) -> str:
    return text.replace('"', "'").replace("\n", " ")[:80]


def first_problem(exc: ValidationError) -> str:
    """A plan's validation error as one line: where the first problem is, what it is, how many more."""
    problems = exc.errors()
    where = ".".join(str(part) for part in ("plan", *problems[0]["loc"]))
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{where}: {problems[0]['msg']}{more}"
