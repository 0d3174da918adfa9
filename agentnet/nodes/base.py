"""The node interface every collaborator implements, and the machinery all adapters share.

A node is a LangChain chat model (``BaseChatModel``), so ``node.invoke(messages)`` works in any
LangChain/LangGraph app, plus agentnet's own richer calls: ``complete`` / ``acomplete`` return a
``Reply`` with usage, latency and cost; ``stream_text`` yields tokens; a JSON Schema can be
imposed on the reply. Adapters implement one hook, ``_generate_tokens``; this class enforces the
deadline (agentnet's own clock, not the provider's), validates structured output with one
constrained retry, and measures every call.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import threading
import time
from abc import abstractmethod
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any, ClassVar, TypeVar

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from pydantic import Field

from agentnet.cards import CapabilityCard
from agentnet.config import ModelParams
from agentnet.errors import DeadlineExceededError, OutputValidationError, ToolCallingUnsupportedError, UserError
from agentnet.jsonschemas import check_schema
from agentnet.nodes.calls import CallAborted, CallOptions, CancelToken, Generation, Reply, Usage

# TokenStream and its thread names live in token_stream.py; importable from here as before.
from agentnet.nodes.token_stream import CALL_THREAD_PREFIX as CALL_THREAD_PREFIX
from agentnet.nodes.token_stream import ChatMessage, TokenStream
from agentnet.redact import redact_text

MessagesLike = str | Sequence[BaseMessage | ChatMessage | tuple[str, str]]

_ROLE_BY_LC_TYPE = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool"}


def to_chat_messages(messages: MessagesLike) -> list[ChatMessage]:
    """Normalise a prompt, LangChain messages, role/content dicts or (role, content) pairs."""
    if isinstance(messages, str):
        return [{"role": "user", "content": messages}]
    if not isinstance(messages, Sequence):  # None, a number: "'NoneType' object is not iterable"
        raise UserError(f"cannot use {type(messages).__name__} as messages",
                        hint="pass a prompt (a str) or a list of messages")  # fmt: skip
    out: list[ChatMessage] = []
    for message in messages:
        if isinstance(message, BaseMessage):
            content = message.content if isinstance(message.content, str) else json.dumps(message.content)
            out.append({"role": _ROLE_BY_LC_TYPE.get(message.type, "user"), "content": content})
        elif isinstance(message, dict):
            if "content" not in message:
                raise UserError(f"message {message!r} has no 'content'", hint="use {'role': ..., 'content': ...}")
            out.append({"role": str(message.get("role", "user")), "content": str(message["content"])})
        elif isinstance(message, tuple) and len(message) == 2:
            out.append({"role": str(message[0]), "content": str(message[1])})
        else:
            raise UserError(f"cannot use {type(message).__name__} as a chat message")
    if not out:
        raise UserError("no messages to send", hint="pass a prompt or at least one message")
    return out


class _Shown(str):
    """A field's repr, already made (and masked): shown as it is."""

    def __repr__(self) -> str:
        return str(self)


_DONE = object()
T = TypeVar("T")
_CHUNK_FIELDS = {"content", "usage_metadata", "response_metadata"}


class ModelNode(BaseChatModel):
    """Base of every node. Subclasses implement ``_generate_tokens``."""

    node_id: str
    card: CapabilityCard
    params: ModelParams = Field(default_factory=ModelParams)
    # What a call is, in OpenTelemetry's GenAI terms (tool nodes say ``execute_tool``).
    gen_ai_operation: ClassVar[str] = "chat"

    def __repr_args__(self) -> Any:
        # LangChain hands every callback (LangSmith, an app's tracer) a node it cannot serialize as its
        # repr: credentials in a field (api_base's user:pass@ or ?api-key=, an MCP server's Bearer
        # header) are masked there, as in agentnet's errors.
        for name, value in super().__repr_args__():
            yield name, _Shown(redact_text(repr(value)))

    # --- what adapters implement -------------------------------------------------------------

    @abstractmethod
    def _generate_tokens(
        self, messages: list[ChatMessage], options: CallOptions, cancel: CancelToken
    ) -> Iterator[str | Generation]:
        """Yield text pieces as they are produced, then exactly one ``Generation``.

        Runs in a worker thread; must stop promptly once ``cancel.cancelled`` is true.
        Raise ``AgentnetError`` subclasses for failures the user should read.
        """

    def span_attributes(self) -> dict[str, Any]:
        """``gen_ai.*`` attributes naming what a call reaches (adapters name their provider)."""
        return {"gen_ai.provider.name": "agentnet", "gen_ai.request.model": self.node_id}

    @property
    def admission_key(self) -> str:
        """What a server's admission limit counts calls against: the engine that does the work, so
        two ids for one loaded model share one limit (adapters sharing an engine override this)."""
        return self.node_id

    def _prepare_messages(self, messages: list[ChatMessage]) -> list[ChatMessage]:
        """Add the configured system prompt unless the caller gave one."""
        if self.params.system_prompt and not any(m["role"] == "system" for m in messages):
            return [{"role": "system", "content": self.params.system_prompt}, *messages]
        return messages

    # --- agentnet's API ----------------------------------------------------------------------

    def stream_text(self, messages: MessagesLike, **options: Any) -> TokenStream:
        """Stream the reply's text pieces; the finished ``Reply`` is ``stream.reply`` afterwards."""
        opts = self._options(options)
        return TokenStream(self, self._prepare_messages(to_chat_messages(messages)), opts)

    def complete(self, messages: MessagesLike, **options: Any) -> Reply:
        """One call, with deadline, measurement and (when ``schema`` is given) validated JSON."""
        opts = self._options(options)
        chat = self._prepare_messages(to_chat_messages(messages))
        if opts.schema is None:
            stream = TokenStream(self, chat, opts)
            for _ in stream:
                pass
            assert stream.reply is not None  # set by the stream's last step
            return stream.reply
        return self._complete_structured(chat, opts)

    async def acomplete(self, messages: MessagesLike, **options: Any) -> Reply:
        """``complete`` in a worker thread; a cancelled caller stops the model (see ``_abortable``)."""
        return await _abortable(lambda abort: self.complete(messages, **{"abort": abort, **options}))

    async def astream_text(self, messages: MessagesLike, **options: Any) -> AsyncIterator[str]:
        stream = self.stream_text(messages, **options)
        iterator = iter(stream)
        while True:
            piece = await asyncio.to_thread(next, iterator, _DONE)
            if piece is _DONE:
                return
            yield str(piece)

    def _options(self, options: dict[str, Any]) -> CallOptions:
        known = {"max_tokens", "temperature", "schema", "stop", "deadline_s", "abort"}
        extra = {k: v for k, v in options.items() if k not in known}
        return CallOptions(**{k: v for k, v in options.items() if k in known}, extra=extra)

    def _complete_structured(self, chat: list[ChatMessage], opts: CallOptions) -> Reply:
        import jsonschema

        schema = opts.schema or {}
        check_schema(schema, f"the JSON Schema given to {self.node_id!r}")
        validator = jsonschema.Draft202012Validator(schema)
        spent = [Usage()]  # what the calls so far spent, the first's too when the second fails
        try:
            return self._structured_calls(chat, opts, validator, spent)
        except (OutputValidationError, DeadlineExceededError, CallAborted) as exc:
            counted = spent[0].plus(getattr(exc, "spent", None))  # the step's record counts it
            exc.spent = counted if counted.total_tokens else None
            raise

    def _structured_calls(
        self, chat: list[ChatMessage], opts: CallOptions, validator: Any, spent: list[Usage]
    ) -> Reply:
        """Up to two calls for JSON matching ``validator``'s schema; ``spent[0]``: what they spent."""
        attempt_chat, attempt_opts = chat, opts
        problem = ""
        started = time.perf_counter()
        for attempt in (1, 2):
            stream = TokenStream(self, attempt_chat, attempt_opts)
            for _ in stream:
                pass
            reply = stream.reply
            assert reply is not None
            total = spent[0] = spent[0].plus(reply.usage)
            data, problem = _parse_against(validator, reply.text)
            if not problem:
                return reply.model_copy(
                    update={
                        "data": data,
                        "attempts": attempt,
                        "usage": total,
                        "latency_s": time.perf_counter() - started,
                        "cost": self.card.estimate_cost(total.prompt_tokens, total.completion_tokens),
                    }
                )
            if reply.finish_reason == "length":
                # Cut off, not wrong: the same question again, with room for the whole answer.
                attempt_chat, attempt_opts = chat, self._more_room(opts, attempt_opts, attempt == 2, problem)
                continue
            attempt_chat = [
                *chat,
                {"role": "assistant", "content": reply.text[:2000]},
                {
                    "role": "user",
                    "content": f"That reply does not match the required JSON Schema ({problem}). "
                    "Reply again with only JSON that matches the schema.",
                },
            ]
        raise OutputValidationError(
            f"model {self.node_id!r} could not produce JSON matching the schema after 2 attempts: {problem}",
            hint="simplify the schema, raise max_tokens, or use a stronger model for this step",
        )

    def _more_room(self, asked: CallOptions, used: CallOptions, last: bool, problem: str) -> CallOptions:
        """Options for JSON cut off by max_tokens: twice the room, as the same limit would cut it again.
        A limit the caller fixed (a budget, a request) is kept: the call fails so a fallback can answer."""
        limit = used.max_tokens or self.params.max_tokens
        if asked.max_tokens is not None or last:
            raise OutputValidationError(
                f"model {self.node_id!r} ran out of tokens (max_tokens={limit}) before its JSON was complete: "
                f"{problem}",
                hint="raise max_tokens for this step or model (params.max_tokens), or give the step a fallback model",
                code="output_truncated",
            )
        return replace(used, max_tokens=2 * limit)

    # --- LangChain BaseChatModel -------------------------------------------------------------

    @property
    def _llm_type(self) -> str:
        return f"agentnet-{type(self).__name__}"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"node_id": self.node_id}

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        if stop is not None:
            kwargs["stop"] = stop
        if kwargs.get("schema") is not None:
            # Validated against the schema, with its one constrained retry (``with_structured_output``).
            reply = self.complete(messages, **kwargs)
        else:
            stream = self.stream_text(messages, **kwargs)
            for piece in stream:
                if run_manager is not None:
                    run_manager.on_llm_new_token(piece)
            assert stream.reply is not None
            reply = stream.reply
        message = AIMessage(content=reply.text, usage_metadata=_usage_metadata(reply),
                            response_metadata=_response_metadata(reply))  # fmt: skip
        return ChatResult(generations=[ChatGeneration(message=message)])

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        """``_generate`` in a worker thread, as LangChain's default runs it, but a cancelled caller
        (``asyncio.wait_for``'s timeout) stops the model: the default left it writing its whole reply."""
        sync_manager = run_manager.get_sync() if run_manager is not None else None
        return await _abortable(
            lambda abort: self._generate(messages, stop, sync_manager, **{"abort": abort, **kwargs})
        )

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        if stop is not None:
            kwargs["stop"] = stop
        if kwargs.get("schema") is not None:
            # JSON is only known to fit the schema once whole: one chunk, after validation.
            whole = self._generate(messages, **kwargs).generations[0].message
            yield ChatGenerationChunk(message=AIMessageChunk(**whole.model_dump(include=_CHUNK_FIELDS)))
            return
        stream = self.stream_text(messages, **kwargs)
        for piece in stream:
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if run_manager is not None:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk
        reply = stream.reply
        assert reply is not None
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="", usage_metadata=_usage_metadata(reply), response_metadata=_response_metadata(reply)
            )
        )

    def with_structured_output(
        self,
        schema: Any,
        *,
        include_raw: bool = False,
        method: str = "json_schema",
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[Any, Any]:
        """Replies parsed into ``schema`` (a pydantic model, a TypedDict or a JSON Schema), as LangChain's
        chat models do; the schema is imposed as ``schema=`` is (a grammar on llama.cpp), see structured.py.
        ``strict`` is accepted and changes nothing: the reply is always validated against the schema."""
        from agentnet.nodes.structured import structured_runnable

        if kwargs:
            raise UserError(f"with_structured_output got unknown options: {', '.join(sorted(kwargs))}",
                            hint="pass schema, include_raw and method only")  # fmt: skip
        return structured_runnable(self, self.node_id, schema, include_raw=include_raw, method=method)

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Runnable[Any, Any]:
        """Not supported, said plainly: LangChain's own version raised a NotImplementedError with no message
        (from ``create_react_agent(node, tools)`` too). On agentnet the network calls the tools."""
        raise ToolCallingUnsupportedError(
            f"node {self.node_id!r} does not call tools itself (bind_tools, an agent loop's tool calling)",
            hint="put the tools on the network: a Python function with registry.register_callable(fn, card), an MCP "
            "server with `agentnet mcp add`; the planner gives steps to them (net.run). For JSON replies use "
            "with_structured_output(schema)",
        )


async def _abortable(call: Callable[[threading.Event], T]) -> T:
    """``call(abort)`` in a worker thread with the caller's context (as ``asyncio.to_thread``: LangChain's
    callbacks and the trace read it there); if the awaiting task is cancelled, ``abort`` is set, so the
    call's stream stops within ``ABORT_POLL_S`` and tells the adapter to stop generating."""
    abort = threading.Event()
    context = contextvars.copy_context()
    try:
        return await asyncio.get_running_loop().run_in_executor(None, context.run, call, abort)
    except asyncio.CancelledError:
        abort.set()
        raise


def _usage_metadata(reply: Reply) -> UsageMetadata:
    return {
        "input_tokens": reply.usage.prompt_tokens,
        "output_tokens": reply.usage.completion_tokens,
        "total_tokens": reply.usage.total_tokens,
    }


def _response_metadata(reply: Reply) -> dict[str, Any]:
    return {
        "node_id": reply.node_id,
        # LangChain's usage accounting (get_usage_metadata_callback) counts tokens by this key, and
        # nothing without it: the node id, the name calls use.
        "model_name": reply.node_id,
        "latency_s": reply.latency_s,
        "cost": reply.cost,
        "finish_reason": reply.finish_reason,
    }


def _parse_against(validator: Any, text: str) -> tuple[Any, str]:
    """A reply's JSON and '' when it matches the schema, else None and what is wrong."""
    try:
        data = json.loads(text)
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON ({exc.msg} at position {exc.pos})"
    except RecursionError:  # nested past what the parser or validator can walk: no usable answer
        return None, "the JSON is nested too deeply"
    if not errors:
        return data, ""
    first = errors[0]
    where = "/".join(str(p) for p in first.path) or "(root)"
    return None, f"at {where}: {first.message}"
