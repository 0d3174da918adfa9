"""Step events streamed while a run executes (LangGraph ``custom`` stream mode carries them)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

EventKind = Literal["started", "token", "finished", "failed", "fell_back"]


class StepEvent(BaseModel):
    """One thing that happened to a step.

    ``started``: a candidate begins (``node``, ``attempt``). ``token``: a piece of its reply
    (``text``). ``finished``: the step succeeded (``text``, ``tokens``, ``latency_s``, ``cost``).
    ``failed``: an attempt failed (``error``, ``code``; ``final`` when no candidate is left).
    ``fell_back``: the step moves from ``node`` to ``to_node`` (``reason``).
    """

    model_config = ConfigDict(extra="forbid")

    source: Literal["agentnet"] = "agentnet"
    event: EventKind
    run_id: str
    step: str
    node: str | None = None
    attempt: int | None = None
    text: str | None = None
    error: str | None = None
    code: str | None = None
    final: bool = False
    to_node: str | None = None
    reason: str | None = None
    tokens: int | None = None
    latency_s: float | None = None
    cost: float | None = None

    @classmethod
    def from_chunk(cls, chunk: Any) -> StepEvent | None:
        """The event carried by a LangGraph custom-stream chunk, or None if it is not ours."""
        if isinstance(chunk, dict) and chunk.get("source") == "agentnet":
            return cls.model_validate(chunk)
        return None
