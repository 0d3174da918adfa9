"""The recipe file format: pydantic models, unknown keys rejected.

A recipe declares inputs and steps. Each step is one of five kinds, told apart by its keys:

- a **call** (``prompt`` + ``model`` or ``needs``): one model call;
- a **cascade** (``prompt`` + ``cascade: [targets]``): try each target in order, escalate when the
  output fails ``output_schema`` or ``accept``;
- a **mixture** (``prompt`` + ``mixture: {proposers, aggregator}``): several proposers in
  parallel, one aggregator that sees ``{{ proposals }}``;
- a **route** (``route: {value, cases, default}``): pick one branch from an earlier output;
- a **loop** (``loop: {start, critique, revise, until, max_iterations}``): critique → revise, bounded.

Steps that do not depend on each other run in parallel; a step that references several earlier
steps joins them. Dependencies come from template references (``{{ steps.ID.output }}``) plus
``after: [ID]``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

STEP_ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,63}$"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")

StepKind = Literal["call", "cascade", "mixture", "route", "loop"]
# What an input carries: text is the value itself; the others are a file path, read when the run starts.
InputType = Literal["text", "image", "audio", "file"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InputSpec(_Strict):
    """A named input given with ``--input key=value``: text, or the path of an image, audio or other file."""

    description: str = ""
    type: InputType = Field(
        default="text", description="text (the value itself), or image, audio, file (the value is a file's path)"
    )
    # An input with a default may be omitted on the command line; a file default is relative to the recipe.
    default: str | None = None


def _input_name(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(
            f"input name {name!r} must be letters, digits, '_' or '-', starting with a letter or '_' "
            f"(at most 64): rename it, e.g. {_suggested(name)!r}, and the {{{{ inputs.NAME }}}} that read it"
        )
    return name


def _suggested(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_-")[:64] or "text"
    return cleaned if cleaned[0].isalpha() else f"in_{cleaned}"[:64]


# Checked as a key, beside (not after) each input's own fields: every bad name and bad field is reported.
InputName = Annotated[str, AfterValidator(_input_name)]


class Requirement(_Strict):
    """A collaborator described by what it must do, resolved through the directory at run time."""

    skill: str = Field(min_length=1, description="a skill id or tag the collaborator's card must list")
    output: str = Field(default="text", description="the output type the collaborator must produce")
    local: Literal["required", "preferred", "any"] = "any"
    max_cost: float | None = Field(default=None, ge=0, description="USD per 1k output tokens, at most")


class Condition(_Strict):
    """A test on a text; every test given must hold. Comparisons ignore case."""

    contains: str | None = None
    not_contains: str | None = None
    equals: str | None = None
    matches: str | None = Field(default=None, description="a Python regular expression searched in the text")
    min_length: int | None = Field(default=None, ge=0)
    max_length: int | None = Field(default=None, ge=0)

    # A field's own check, not the model's: a model validator runs only when every field parsed, so
    # a bad pattern beside a bad min_length went unreported until the other was fixed.
    @field_validator("matches")
    @classmethod
    def _a_pattern(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(
                    f"'matches' is not a valid regular expression: {exc} (a Python regular expression; "
                    "write a literal ( [ . * + ? with a backslash before it, in single quotes in YAML)"
                ) from None
        return value

    @model_validator(mode="after")
    def _at_least_one(self) -> Condition:
        if all(value is None for value in self.model_dump().values()):
            raise ValueError(
                "a condition needs at least one test: contains, not_contains, equals, matches, min_length, max_length"
            )
        return self

    def holds(self, text: str) -> bool:
        lowered = text.lower()
        stripped = text.strip()
        checks = [
            self.contains is None or self.contains.lower() in lowered,
            self.not_contains is None or self.not_contains.lower() not in lowered,
            self.equals is None or stripped.lower() == self.equals.strip().lower(),
            self.matches is None or re.search(self.matches, text) is not None,
            self.min_length is None or len(stripped) >= self.min_length,
            self.max_length is None or len(stripped) <= self.max_length,
        ]
        return all(checks)

    def describe(self) -> str:
        return ", ".join(f"{k}={v!r}" for k, v in self.model_dump(exclude_none=True).items())


class Target(_Strict):
    """Who answers: a concrete model id or a requirement, with optional per-target settings."""

    model: str | None = Field(default=None, description="a model id from `agentnet models list`")
    needs: Requirement | None = None
    system: str | None = None
    max_tokens: int | None = Field(default=None, gt=0, le=4096)
    temperature: float | None = Field(default=None, ge=0, le=2)

    @model_validator(mode="after")
    def _one_target(self) -> Target:
        if (self.model is None) == (self.needs is None):
            raise ValueError("give exactly one of 'model' (a model id) or 'needs' (a requirement)")
        return self

    def label(self) -> str:
        return self.model if self.model is not None else f"needs:{self.needs.skill if self.needs else '?'}"


class Call(Target):
    """A target plus the prompt it gets and what its output must satisfy."""

    prompt: str = Field(min_length=1)
    output_schema: dict[str, Any] | None = None
    accept: Condition | None = None


class RouteCase(Call):
    when: Condition


class Route(_Strict):
    # Not "on": YAML 1.1 reads a bare `on:` key as the boolean true.
    value: str = Field(min_length=1, description="a template whose rendered text the cases test")
    cases: list[RouteCase] = Field(min_length=1)
    # Taken when no case matches; without one the step's output is empty.
    default: Call | None = None


class Loop(_Strict):
    start: str = Field(min_length=1, description="a template giving the first draft")
    critique: Call
    revise: Call
    # Stop early when the critique satisfies this condition.
    until: Condition | None = None
    max_iterations: int = Field(ge=1, le=10, description="at most this many revisions")


class Mixture(_Strict):
    proposers: list[Target] = Field(min_length=2)
    aggregator: Call


class Step(_Strict):
    id: str = Field(pattern=STEP_ID_PATTERN)
    description: str = ""
    after: list[str] = Field(default_factory=list, description="steps that must finish first")
    # call / cascade / mixture
    prompt: str | None = Field(default=None, min_length=1)
    model: str | None = None
    needs: Requirement | None = None
    system: str | None = None
    max_tokens: int | None = Field(default=None, gt=0, le=4096)
    temperature: float | None = Field(default=None, ge=0, le=2)
    output_schema: dict[str, Any] | None = None
    accept: Condition | None = None
    cascade: list[Target] | None = Field(default=None, min_length=1)
    mixture: Mixture | None = None
    # route / loop
    route: Route | None = None
    loop: Loop | None = None

    @field_validator("id")
    @classmethod
    def _no_double_underscore(cls, value: str) -> str:
        if "__" in value:
            raise ValueError("step ids may not contain '__' (reserved for generated graph nodes)")
        return value

    @property
    def kind(self) -> StepKind:
        if self.route is not None:
            return "route"
        if self.loop is not None:
            return "loop"
        if self.cascade is not None:
            return "cascade"
        if self.mixture is not None:
            return "mixture"
        return "call"

    @model_validator(mode="after")
    def _one_kind(self) -> Step:
        blocks = [name for name in ("route", "loop", "cascade", "mixture") if getattr(self, name) is not None]
        if len(blocks) > 1:
            raise ValueError(f"a step has one kind; it sets {' and '.join(blocks)}")
        direct = [name for name in ("prompt", "model", "needs") if getattr(self, name) is not None]
        if self.kind in ("route", "loop"):
            if direct:
                raise ValueError(f"a {self.kind} step takes its prompts inside '{self.kind}:'; remove {direct}")
            return self
        if self.prompt is None:
            raise ValueError("this step needs a 'prompt' (or a 'route:' or 'loop:' block)")
        if self.kind == "call" and (self.model is None) == (self.needs is None):
            raise ValueError("give exactly one of 'model' (a model id) or 'needs' (a requirement)")
        if self.kind == "mixture" and (self.output_schema is not None or self.accept is not None):
            raise ValueError("a mixture's output_schema/accept belong on its aggregator (mixture.aggregator)")
        if self.kind in ("cascade", "mixture") and (self.model is not None or self.needs is not None):
            raise ValueError(f"a {self.kind} step names its models inside '{self.kind}:', not with model/needs")
        return self

    def as_call(self) -> Call:
        """The step's own call fields (call and cascade steps; a cascade's has no model of its own)."""
        return Call.model_construct(
            model=self.model,
            needs=self.needs,
            system=self.system,
            max_tokens=self.max_tokens,
            temperature=self.temperature,
            prompt=self.prompt or "",
            output_schema=self.output_schema,
            accept=self.accept,
        )


class Defaults(_Strict):
    max_tokens: int = Field(default=64, gt=0, le=4096)
    temperature: float = Field(default=0.2, ge=0, le=2)
    system: str | None = None


class Recipe(_Strict):
    """A recipe file."""

    name: str = Field(min_length=1, max_length=100)
    description: str = ""
    version: Literal[1] = 1
    inputs: dict[InputName, InputSpec] = Field(default_factory=dict)
    defaults: Defaults = Field(default_factory=Defaults)
    steps: list[Step] = Field(min_length=1)
    # A template over inputs and step outputs; default: the output of the last step.
    output: str | None = None

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)


def recipe_json_schema() -> dict[str, Any]:
    """The JSON Schema of a recipe file, for editors (``agentnet recipe schema``)."""
    schema = Recipe.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "agentnet recipe"
    return schema
