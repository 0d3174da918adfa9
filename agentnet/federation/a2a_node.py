"""A2A peer nodes: a skill of any A2A agent, called through a2a-sdk's client.

A call is one message with the step's prompt as a text part (the skill id rides in the message
metadata under ``agentnet``): ``SendStreamingMessage`` when the agent's card declares streaming, so
its artifact chunks reach the run as tokens while the agent works (SSE), else one blocking
``SendMessage``. The token (from the peer's ``--token-env`` variable) and the federation headers go
on the HTTP requests to the interface URL only, which is on the origin the user added
(``PeerRecord``); redirects are not followed. The answer is the task's artifacts (or the agent's
message); a task that ends failed, rejected or canceled, or that asks for input, is a
``ModelCallError`` the executor falls back from; the deadline is agentnet's, passed on as the HTTP
timeout. a2a-sdk is imported inside the functions.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncGenerator, Iterator
from typing import Any

from agentnet.cards import CapabilityCard
from agentnet.config import ModelParams
from agentnet.errors import DeadlineExceededError, ModelCallError
from agentnet.federation.node import MAX_RESPONSE_BYTES, PEER_PARAMS, read_token, with_federation_headers
from agentnet.federation.store import PeerRecord
from agentnet.nodes.base import CallOptions, CancelToken, ChatMessage, Generation, ModelNode, Usage
from agentnet.nodes.calls import ABORT_POLL_S
from agentnet.wording import plural

# A peer's answer beyond this many characters is cut, with a note (the next step reads it as data).
MAX_ANSWER_CHARS = 1_000_000
_CUT_NOTE = f"\n[agentnet: the peer's answer was cut to its first {MAX_ANSWER_CHARS:,} characters]"


class A2APeerNode(ModelNode):
    """``<peer>/<skill>``: one skill of an A2A agent."""

    peer: str
    api_base: str
    protocol_binding: str = "JSONRPC"
    protocol_version: str | None = None
    token_env: str | None = None
    skill: str | None = None
    streaming: bool = False

    @classmethod
    def for_card(cls, record: PeerRecord, card: CapabilityCard, params: ModelParams | None = None) -> A2APeerNode:
        return cls(
            node_id=card.id,
            card=card,
            params=params or PEER_PARAMS,
            peer=record.name,
            api_base=record.api_base,
            protocol_binding=record.protocol_binding or "JSONRPC",
            protocol_version=record.protocol_version,
            token_env=record.token_env,
            skill=card.skills[0].id if card.skills else None,
            streaming=record.streaming,
        )

    def _options(self, options: dict[str, Any]) -> CallOptions:
        # Runs in the caller's thread (where the request's context is), not in the worker thread.
        return with_federation_headers(super()._options(options), self.params)

    def _generate_tokens(
        self, messages: list[ChatMessage], options: CallOptions, cancel: CancelToken
    ) -> Iterator[str | Generation]:
        # W3C trace context first, as the LiteLLM adapter sends it: an agentnet peer behind A2A hangs its
        # spans under this call's, so a run through it is one trace.
        headers = {**options.trace_headers, **(options.extra.get("extra_headers") or {})}
        token = read_token(self.token_env)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        deadline_s = options.deadline_s or self.params.deadline_s
        yield from _drive(self._replies(prompt_text(messages), headers, deadline_s), cancel)
        yield Generation(usage=Usage(), finish_reason="stop")

    async def _replies(self, text: str, headers: dict[str, str], deadline_s: float) -> AsyncGenerator[str, None]:
        """The answer's text as the peer sends it: each artifact chunk of a stream, or the one reply."""
        import httpx
        from a2a.client import ClientConfig, ClientFactory
        from a2a.types import Message, Part, Role, SendMessageRequest
        from a2a.utils.errors import A2AError

        from agentnet.nodes.capped import CappedTransport, ResponseTooLarge, env_proxy

        message = Message(role=Role.ROLE_USER, message_id=uuid.uuid4().hex, parts=[Part(text=text)])
        if self.skill:
            message.metadata.update({"agentnet": {"skill": self.skill}})
        config = ClientConfig(streaming=self.streaming, supported_protocol_bindings=[self.protocol_binding])
        reply = _Reply(self.peer)
        try:
            # httpx reads no proxy settings for a client given its own transport: the environment's, as
            # a plain client would have used them (a peer reached only through a proxy).
            transport = CappedTransport(MAX_RESPONSE_BYTES, proxy=env_proxy(self.api_base))
            async with httpx.AsyncClient(
                headers=headers, timeout=deadline_s, follow_redirects=False, transport=transport
            ) as http:
                config.httpx_client = http
                client = ClientFactory(config).create(self._agent_card())
                async for response in client.send_message(SendMessageRequest(message=message)):
                    piece = reply.read(response)
                    if piece:
                        yield piece
                    if reply.cut:  # the answer is whole as far as agentnet takes it: stop reading
                        break
        except A2AError as exc:
            raise self._call_error(exc) from None
        except ResponseTooLarge as exc:
            raise ModelCallError(
                f"A2A peer {self.peer} ({self.api_base}) answered more than {exc.limit:,} bytes: refused",
                hint="the agent's answers are too large to take; ask it for less, or use another agent",
                code="peer_too_large",
            ) from None
        if not reply.answered:
            raise ModelCallError(f"A2A peer {self.peer} sent no reply", code="peer_error")

    def _agent_card(self) -> Any:
        """The card the SDK client needs: the recorded interface (never re-read from the peer)."""
        from a2a.types import AgentCapabilities, AgentCard, AgentInterface
        from a2a.utils.constants import PROTOCOL_VERSION_CURRENT

        interface = AgentInterface(
            url=self.api_base,
            protocol_binding=self.protocol_binding,
            protocol_version=self.protocol_version or PROTOCOL_VERSION_CURRENT,
        )
        return AgentCard(
            name=self.peer, supported_interfaces=[interface], capabilities=AgentCapabilities(streaming=self.streaming)
        )

    def _call_error(self, exc: Exception) -> Exception:
        from a2a.client import A2AClientTimeoutError

        if isinstance(exc, A2AClientTimeoutError):
            return DeadlineExceededError(
                f"A2A peer {self.peer} did not answer within the deadline",
                hint="give the step more time (deadline_s), or check the agent",
            )
        return ModelCallError(
            f"A2A peer {self.peer} ({self.api_base}): {str(exc)[:500]}",
            hint="`agentnet peers refresh` re-reads its agent card; check --token-env if it needs a token",
            code="peer_error",
        )


def _drive(replies: AsyncGenerator[str, None], cancel: CancelToken) -> Iterator[str]:
    """Read an async generator from the node's worker thread, on an event loop of its own, piece by
    piece (so each arrives as it comes). The wait for the next piece looks at ``cancel`` every
    ``ABORT_POLL_S``: a call given up (its deadline, the caller gone) stops reading and closes the
    stream at once, even from a peer that sends nothing usable (SSE keep-alive comments forever), which
    would otherwise hold this thread and its connection for good."""
    loop = asyncio.new_event_loop()
    try:
        while not cancel.cancelled:
            pending = loop.create_task(_next(replies))
            while not pending.done() and not cancel.cancelled:
                loop.run_until_complete(asyncio.wait({pending}, timeout=ABORT_POLL_S))
            if not pending.done():
                pending.cancel()
                loop.run_until_complete(asyncio.wait({pending}))
                return
            piece = pending.result()
            if piece is None:
                return
            yield piece
    finally:
        loop.run_until_complete(replies.aclose())
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


async def _next(replies: AsyncGenerator[str, None]) -> str | None:
    """The next piece, or None at the end (a task cannot end with StopAsyncIteration)."""
    try:
        return await anext(replies)
    except StopAsyncIteration:
        return None


class _Reply:
    """What a peer's replies add up to: text as it comes (cut at ``MAX_ANSWER_CHARS``), and an error
    for a task that ends other than completed."""

    def __init__(self, peer: str) -> None:
        self.peer = peer
        self.answered = False
        self.sent = 0
        self.artifact: str | None = None  # the artifact being streamed
        self.cut = False  # the answer reached MAX_ANSWER_CHARS

    def read(self, response: Any) -> str:
        kind = response.WhichOneof("payload")
        if kind == "message":
            return self._text(parts_text(response.message.parts))
        if kind == "artifact_update":
            artifact = response.artifact_update.artifact
            after = self.artifact is not None and self.artifact != artifact.artifact_id
            self.artifact = artifact.artifact_id
            return self._text(("\n" if after else "") + parts_text(artifact.parts))
        if kind == "status_update":
            update = response.status_update
            return self._ended(update.task_id, update.status, "")
        task = response.task
        return self._ended(task.id, task.status, "\n".join(parts_text(a.parts) for a in task.artifacts))

    def _ended(self, task_id: str, status: Any, artifacts: str) -> str:
        """The text of a task that completed (unless its artifacts were streamed already); nothing
        while it works; ``ModelCallError`` when it ended otherwise."""
        from a2a.types import TaskState

        state = status.state
        if state in (TaskState.TASK_STATE_SUBMITTED, TaskState.TASK_STATE_WORKING):
            return ""
        said = parts_text(status.message.parts)
        if state != TaskState.TASK_STATE_COMPLETED:
            name = TaskState.Name(state).removeprefix("TASK_STATE_").lower().replace("_", "-")
            raise ModelCallError(
                f"A2A peer {self.peer} ended task {task_id} {name}" + (f": {said[:500]}" if said else ""),
                hint="agentnet sends one message per step; an agent that asks for more input cannot be used"
                if state in {TaskState.TASK_STATE_INPUT_REQUIRED, TaskState.TASK_STATE_AUTH_REQUIRED}
                else None,
                code="peer_task_" + name.replace("-", "_"),
            )
        if self.artifact is not None:
            return ""
        return self._text(artifacts or said)

    def _text(self, text: str) -> str:
        self.answered = True
        room = MAX_ANSWER_CHARS - self.sent
        if room <= 0 and self.cut:
            return ""
        self.sent += len(text)
        if len(text) <= room:
            return text
        self.cut = True
        return text[: max(room, 0)] + _CUT_NOTE


def prompt_text(messages: list[ChatMessage]) -> str:
    """The conversation as one text part: a lone message as it is, several with their roles."""
    if len(messages) == 1:
        return messages[0]["content"]
    return "\n\n".join(f"{m['role']}: {m['content']}" for m in messages)


def parts_text(parts: Any) -> str:
    """Text of A2A parts: text as is, data as JSON, files by name (their bytes are not text)."""
    out = []
    for part in parts:
        kind = part.WhichOneof("content")
        if kind == "text":
            out.append(part.text)
        elif kind == "data":
            from google.protobuf.json_format import MessageToDict

            out.append(json.dumps(MessageToDict(part.data), ensure_ascii=False))
        elif kind == "url":
            out.append(f"[file {part.filename or ''} at {part.url}]")
        elif kind == "raw":
            out.append(f"[file {part.filename or ''}, {part.media_type or 'binary'}, {plural(len(part.raw), 'byte')}]")
    return "\n".join(out)
