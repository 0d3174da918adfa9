"""One call to a remote model, sent and read: retries, Retry-After, cooldown, and the real cause of a failure.

``RemoteCall`` is what ``LiteLLMNode`` runs for each call, the way LiteLLM's router treats a
deployment: the request goes out under the model's ``RetryPolicy`` (transient failures only, never
after a 401/403, a content-policy refusal, a bad request or an HTML page); a 429 or 503 is retried
when its ``Retry-After`` says, unless that is past agentnet's deadline; a deployment that failed
repeatedly is skipped for a while (``nodes.cooldown``). The reply is held back until its first piece
arrives, so a reply that fails before saying anything is retried; once text has gone to the caller,
a failure is reported and the partial text is never passed off as a whole reply.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from agentnet.errors import AgentnetError, ContentPolicyError
from agentnet.nodes.calls import CancelToken, Generation, Usage
from agentnet.nodes.cooldown import Cooldowns, shared_cooldowns
from agentnet.nodes.failures import POLICY_HINT, Deployment, Failure, classify
from agentnet.nodes.health import DOWN_MEMORY_S, forget_down, remember_down, remembered_down
from agentnet.retry import RetryPolicy
from agentnet.wording import plural

MAX_COOLDOWN_S = 300.0
# Final failures that say the model cannot be used for now: an endpoint down, a key refused.
REMEMBERED_KINDS = frozenset({"transient", "auth"})


def content_type(response: Any) -> str:
    """The reply's Content-Type as litellm reports it (``_hidden_params``), or ''."""
    hidden = getattr(response, "_hidden_params", None)
    headers = hidden.get("additional_headers") if isinstance(hidden, dict) else None
    return str(headers.get("llm_provider-content-type", "")) if isinstance(headers, dict) else ""


def close_quietly(stream: Any) -> None:
    """Close a reply stream (litellm's wrapper closes the HTTP response under it), whatever state it is in."""
    close = getattr(stream, "close", None)
    # Closing a stream that already failed may fail again: there is nothing to add to the first error.
    with contextlib.suppress(Exception):
        if callable(close):
            close()


class _Stopped(Exception):
    """The caller gave up (deadline or close): stop at once, quietly."""


@dataclass
class Reading:
    """One reply stream being read: its chunks, the text held back so far, usage and finish."""

    chunks: Iterator[Any]
    # What the provider returned (closed when the reading ends, see close_quietly).
    stream: Any = None
    held: list[str] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    finish_reason: str | None = None
    pieces: int = 0
    ended: bool = False

    def absorb(self, chunk: Any) -> str | None:
        """Take one chunk's usage and finish reason; return its text, if any."""
        chunk_usage = getattr(chunk, "usage", None)
        if chunk_usage is not None and getattr(chunk_usage, "completion_tokens", None):
            self.usage = Usage(
                prompt_tokens=chunk_usage.prompt_tokens or 0, completion_tokens=chunk_usage.completion_tokens or 0
            )
        if not chunk.choices:
            return None
        choice = chunk.choices[0]
        if choice.finish_reason:
            self.finish_reason = choice.finish_reason
        content = getattr(choice.delta, "content", None)
        if not content:
            return None
        self.pieces += 1
        return str(content)

    def read_until_text(self, cancel: CancelToken) -> None:
        for chunk in self.chunks:
            if cancel.cancelled:
                raise _Stopped
            text = self.absorb(chunk)
            if text:
                self.held.append(text)
                return
        self.ended = True

    def generation(self) -> Generation:
        usage = self.usage
        if usage.completion_tokens == 0 and self.pieces:
            # The server sent no usage: one streamed piece is one token for OpenAI-style servers.
            usage = Usage(prompt_tokens=usage.prompt_tokens, completion_tokens=self.pieces)
        return Generation(usage=usage, finish_reason=self.finish_reason)


@dataclass
class CooldownRule:
    allowed_fails: int
    cooldown_s: float
    # How long other processes are told to skip the model once it failed (ModelParams.down_memory_s).
    down_memory_s: float = DOWN_MEMORY_S


class RemoteCall:
    """One call: ``send()`` starts the provider's stream; ``replies()`` yields its text, then a ``Generation``."""

    def __init__(
        self,
        dep: Deployment,
        send: Callable[[], Any],
        *,
        policy: RetryPolicy,
        rule: CooldownRule,
        cancel: CancelToken,
        deadline_s: float,
        secret: str | tuple[str, ...] | None,
        cooldowns: Cooldowns | None = None,
        refusal: Callable[[], AgentnetError | None] | None = None,
    ) -> None:
        self.dep = dep
        self.send = send
        self.policy = policy
        self.rule = rule
        self.cancel = cancel
        self.deadline = time.monotonic() + deadline_s
        self.secret = secret
        self.cooldowns = cooldowns or shared_cooldowns()
        # The caller's own reason a read failed, if it has one (its transport refused an answer over its
        # byte cap): the model answered, so the failure is not counted against it nor remembered as down.
        self.refusal = refusal

    def replies(self) -> Iterator[str | Generation]:
        try:
            reading = self._open_with_retries()
        except _Stopped:
            return
        try:
            yield from reading.held
            yield from self._rest(reading)
            self._check_finish(reading)
        except _Stopped:
            return
        finally:
            # Read to the end, failed or abandoned by the caller: the connection goes back or is closed
            # now, not whenever the garbage collector finds the stream (a long-running server would
            # hold one socket per abandoned reply until then).
            close_quietly(reading.stream)
        self.cooldowns.succeeded(self.dep.key)
        if remembered_down(self.dep.node_id) is not None:
            forget_down(self.dep.node_id)
        yield reading.generation()

    def _open_with_retries(self) -> Reading:
        attempts = 0

        def failed(exc: Exception, attempt: int) -> None:
            nonlocal attempts
            attempts = attempt
            if isinstance(exc, Failure):
                self._count(exc)

        try:
            return self.policy.call(self._open, on_failure=failed, sleep=self._sleep, deadline=self.deadline)
        except Failure as failure:
            early = failure.retryable and attempts < self.policy.max_attempts
            error = failure.error(self.dep, attempts, gave_up_early=early)
            if failure.kind in REMEMBERED_KINDS:
                # Other processes' planners skip this model for a while instead of paying the same timeouts.
                remember_down(self.dep.node_id, error.message, self.rule.down_memory_s)
            raise error from None

    def _open(self) -> Reading:
        """Send the request and read up to the first piece of text (or the end)."""
        self._check_cooling()
        if self.cancel.cancelled:
            raise _Stopped
        response: Any = None
        try:
            response = self.send()
            kind = content_type(response)
            if "html" in kind.lower():
                raise Failure("bad_response", f"an HTML page ({kind})")
            reading = Reading(iter(response), response)
            reading.read_until_text(self.cancel)
            if reading.ended and reading.pieces == 0 and reading.usage.prompt_tokens == 0:
                # No text and no usage: the server failed after starting the stream (llama.cpp's server
                # does this when the prompt exceeds its context window).
                raise Failure("empty", "an empty stream", cools=False)
        except (Failure, _Stopped):
            close_quietly(response)
            raise
        except Exception as exc:  # noqa: BLE001 - classified: litellm and its HTTP client raise many types
            close_quietly(response)
            raise self._refused() or classify(exc, self.secret) from None
        return reading

    def _rest(self, reading: Reading) -> Iterator[str]:
        try:
            for chunk in reading.chunks:
                if self.cancel.cancelled:
                    raise _Stopped
                text = reading.absorb(chunk)
                if text:
                    yield text
        except _Stopped:
            raise
        except Exception as exc:  # noqa: BLE001 - classified, then reported as a broken reply
            refused = self._refused()
            if refused is not None:
                raise refused from None
            self._broken(classify(exc, self.secret).detail)

    def _refused(self) -> AgentnetError | None:
        return self.refusal() if self.refusal is not None else None

    def _check_finish(self, reading: Reading) -> None:
        if reading.finish_reason == "content_filter":
            raise ContentPolicyError(
                f"{self.dep.who} stopped its reply under its content policy (finish_reason=content_filter); "
                "the partial reply is discarded",
                hint=POLICY_HINT,
            )
        if reading.pieces and reading.finish_reason is None:
            self._broken("the stream ended before a finish_reason was received")

    def _broken(self, detail: str) -> None:
        failure = Failure("broken", detail, retryable=True)
        self._count(failure)
        raise failure.error(self.dep, 1) from None

    def _count(self, failure: Failure) -> None:
        if not failure.cools:
            return
        # A server that asks for a wait past this call's deadline will refuse calls until then: skip it
        # meanwhile (for at most MAX_COOLDOWN_S, whatever it asked).
        waits = min(failure.retry_after_s or 0.0, MAX_COOLDOWN_S)
        beyond = waits if time.monotonic() + waits >= self.deadline else 0.0
        self.cooldowns.failed(
            self.dep.key,
            failure.detail[:200],
            allowed_fails=self.rule.allowed_fails,
            cooldown_s=self.rule.cooldown_s,
            at_least_s=beyond,
        )

    def _check_cooling(self) -> None:
        cooling = self.cooldowns.cooling(self.dep.key)
        if cooling is not None:
            left = cooling.remaining(time.monotonic())
            detail = (
                f"it is cooling down for {left:.1f} s more after {plural(cooling.failures, 'failed request')}"
                f" in the last minute (last: {cooling.last_error})"
            )
            raise Failure("cooling", detail, cools=False)

    def _sleep(self, seconds: float) -> None:
        if self.cancel.wait(seconds):
            raise _Stopped
