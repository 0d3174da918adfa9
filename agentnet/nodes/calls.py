"""What one call to a node takes and gives back: options, usage, the measured reply, the cancel token.

Plain data (pydantic and dataclasses), apart from ``ModelNode`` (``nodes/base.py``, which imports
them from here) so an adapter's helpers can use them without the LangChain base class.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agentnet.errors import UserError
from agentnet.nodes.outputs import OutputFile


class Usage(BaseModel):
    """The tokens one call spent, prompt and completion (a tool spends none)."""

    model_config = ConfigDict(extra="forbid")

    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def plus(self, other: Usage | None) -> Usage:
        """Both calls' tokens (``other`` None: nothing to add)."""
        if other is None:
            return self
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
        )


class Reply(BaseModel):
    """One answer from a node, measured."""

    node_id: str
    text: str
    data: Any = None  # the parsed JSON when a schema was imposed, or what a tool returned as data
    # Files the node produced (a tool's audio, image or document), as bytes until the executor stores them.
    files: list[OutputFile] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    latency_s: float = 0.0
    first_token_s: float | None = None
    cost: float = 0.0
    finish_reason: str | None = None
    attempts: int = 1

    @property
    def tokens_per_s(self) -> float:
        """Generation speed: the tokens after the first over the time after the first, so loading the
        model and reading the prompt do not count (all tokens over the latency when that is unknown)."""
        after_first = self.latency_s - (self.first_token_s or 0.0)
        if self.first_token_s is not None and self.usage.completion_tokens > 1 and after_first > 0:
            return (self.usage.completion_tokens - 1) / after_first
        return self.usage.completion_tokens / self.latency_s if self.latency_s > 0 else 0.0


@dataclass
class CallOptions:
    """What one call asks for; ``None`` means the node's configured default."""

    max_tokens: int | None = None
    temperature: float | None = None
    schema: dict[str, Any] | None = None
    stop: list[str] | None = None
    deadline_s: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # The call's span (``genai_spans.ModelCall``), set while tracing is on; adapters that reach a
    # server send ``trace_headers``, made from it only then.
    trace_call: Any = None
    # Set by the caller to stop waiting (a cancelled run): the wait raises ``CallAborted`` within
    # ``ABORT_POLL_S`` and the adapter is told to stop, as on a deadline.
    abort: threading.Event | None = None

    def __post_init__(self) -> None:
        # Checked here, where every call's options are made: a wrong value failed deep in an adapter
        # ("'<' not supported between instances of 'int' and 'str'") or, worse, was used (max_tokens=-1
        # let llama.cpp write until the context was full).
        _check_number("max_tokens", self.max_tokens, whole=True, least=1, example="64")
        _check_number("temperature", self.temperature, whole=False, least=0, example="0.2")
        _check_number("deadline_s", self.deadline_s, whole=False, least=None, example="30")
        self.stop = _stop_list(self.stop)

    @property
    def trace_headers(self) -> dict[str, str]:
        """W3C trace context naming this call, for adapters that reach a server (empty untraced)."""
        return self.trace_call.headers() if self.trace_call is not None else {}


def _check_number(name: str, value: Any, *, whole: bool, least: float | None, example: str) -> None:
    """``value`` is None or a number (a whole one when ``whole``) of at least ``least`` (above 0 when None)."""
    if value is None:
        return
    kinds = (int,) if whole else (int, float)
    fits = isinstance(value, kinds) and not isinstance(value, bool)
    if fits:
        fits = value >= least if least is not None else value > 0
    if not fits:
        what = "a whole number" if whole else "a number"
        bound = f"of at least {least:g}" if least is not None else "above 0"
        raise UserError(
            f"{name}={value!r} is not {what} {bound}",
            hint=f"pass {name}={example}, or leave it out for the model's own (params.{name})",
            code="invalid_option",
        )


def _stop_list(stop: Any) -> list[str] | None:
    if isinstance(stop, str):
        return [stop]  # one stop sequence, as OpenAI's API takes it
    if stop is None or (isinstance(stop, list | tuple) and all(isinstance(s, str) for s in stop)):
        return None if stop is None else list(stop)
    raise UserError(f"stop={stop!r} is not a list of strings", hint='pass stop=["\\n\\n"], or leave it out',
                    code="invalid_option")  # fmt: skip


# How often a call waiting for its next token wakes: to look at its ``abort`` event and to take an
# interrupt sent to its thread (nodes/base.py).
ABORT_POLL_S = 0.1


class CallAborted(Exception):
    """The caller set the call's ``abort`` event; it stopped waiting for the reply."""

    # What the call had spent (``Usage``) when tokens were produced before it stopped; see ``partial_usage``.
    spent: Usage | None = None


def estimate_tokens(text: str) -> int:
    """A cautious token estimate (about 3.5 characters per token for English)."""
    return int(len(text) / 3.5) + 4


def partial_usage(messages: list[dict[str, str]], pieces: int) -> Usage | None:
    """What a call stopped mid-reply (cancelled, past its deadline) had spent, as near as can be said
    without the adapter's final count: a piece per token (llama.cpp streams one per sampled token; an
    OpenAI-style stream about one), the prompt estimated. None when no token came: nothing to count."""
    if not pieces:
        return None
    return Usage(
        prompt_tokens=estimate_tokens("".join(m.get("content", "") for m in messages)), completion_tokens=pieces
    )


@dataclass
class Generation:
    """What an adapter reports after its last token."""

    usage: Usage
    finish_reason: str | None = None
    # A tool's structured result and files (see nodes/outputs.py); models leave them empty.
    data: Any = None
    files: list[OutputFile] = field(default_factory=list)


class CancelToken:
    """Set when the caller stops waiting; adapters check it between tokens to free their engine."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True at once if the caller stops waiting meanwhile."""
        return self._event.wait(seconds)
