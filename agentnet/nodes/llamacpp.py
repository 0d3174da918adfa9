"""Local nodes: a GGUF model run in-process by llama-cpp-python, shared through the model pool."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field

from agentnet.config import ModelSpec
from agentnet.errors import ContextOverflowError, ModelCallError
from agentnet.nodes.base import CallOptions, CancelToken, ChatMessage, Generation, ModelNode, Usage
from agentnet.nodes.pool import LoadedModel, ModelPool, PoolKey, shared_pool

# Template tokens a chat format may add around each message when the exact template is unknown
# (role headers, separators); generous so the bound stays an upper bound.
_PER_MESSAGE_OVERHEAD = 16


class LlamaCppNode(ModelNode):
    """A node backed by a GGUF file; the loaded ``Llama`` lives in a (shared) ``ModelPool``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    path: Path
    pool: ModelPool | None = Field(default=None, exclude=True, repr=False)

    @classmethod
    def from_spec(cls, spec: ModelSpec, pool: ModelPool | None = None) -> LlamaCppNode:
        return cls(
            node_id=spec.id, card=spec.capability_card(), params=spec.params, path=spec.resolved_path(), pool=pool
        )

    @property
    def pool_key(self) -> PoolKey:
        return PoolKey(
            path=str(self.path.resolve()),
            n_ctx=self.params.n_ctx,
            n_threads=self.params.n_threads,
            chat_format=self.params.chat_format,
        )

    @property
    def admission_key(self) -> str:
        # Ids that load the same file with the same settings share one Llama (and its lock).
        key = self.pool_key
        return f"llama.cpp:{key.path}:{key.n_ctx}:{key.n_threads}:{key.chat_format}"

    def _pool(self) -> ModelPool:
        return self.pool if self.pool is not None else shared_pool()

    def load(self) -> LoadedModel:
        """Load (or find) the model now, e.g. to validate the file before the first call."""
        return self._pool().get(self.pool_key)

    def _generate_tokens(
        self, messages: list[ChatMessage], options: CallOptions, cancel: CancelToken
    ) -> Iterator[str | Generation]:
        pool = self._pool()
        with pool.use(self.pool_key) as loaded:
            if cancel.cancelled:
                return
            prompt_tokens = count_prompt_tokens(loaded, messages, self.params.chat_format)
            max_tokens = min(options.max_tokens or self.params.max_tokens, self._room_for_reply(loaded, prompt_tokens))
            kwargs = self._completion_kwargs(messages, options, max_tokens)
            try:
                chunks = loaded.llama.create_chat_completion(**kwargs)
            except (ValueError, RuntimeError, TypeError) as exc:
                # e.g. a chat template that rejects these roles, or a schema the grammar converter cannot take
                raise self._engine_error(exc) from None
            counted = _Counted()
            yield from self._pieces(chunks, cancel, counted, pool)
        if cancel.cancelled:
            return
        if pool.closing.is_set():
            raise pool.closed_error(self.pool_key)
        yield Generation(
            usage=Usage(prompt_tokens=prompt_tokens, completion_tokens=counted.tokens),
            finish_reason=counted.finish_reason,
        )

    def _room_for_reply(self, loaded: LoadedModel, prompt_tokens: int) -> int:
        """Tokens left in the context window after the prompt; refuses a prompt that leaves none."""
        n_ctx = self.pool_key.n_ctx
        space = n_ctx - prompt_tokens
        if space <= 0:
            raise ContextOverflowError(
                f"the prompt for model {self.node_id!r} is {prompt_tokens} tokens; its context window "
                f"(n_ctx) is {n_ctx} tokens, and the reply needs room too",
                hint=f"shorten the prompt, or raise params.n_ctx for {self.node_id!r} "
                f"(the model was trained for up to {loaded.info.meta('context_length', 'an unknown number of')} "
                "tokens)",
            )
        return space

    def _completion_kwargs(self, messages: list[ChatMessage], options: CallOptions, max_tokens: int) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "messages": messages,
            "stream": True,
            "max_tokens": max_tokens,
            "temperature": self.params.temperature if options.temperature is None else options.temperature,
            "top_p": self.params.top_p,
            "top_k": self.params.top_k,
            "repeat_penalty": self.params.repeat_penalty,
            "seed": options.extra.get("seed", self.params.seed),
        }
        if options.stop:
            kwargs["stop"] = options.stop
        if options.schema is not None:
            # A GBNF grammar from the schema: sampling can only emit matching JSON.
            kwargs["grammar"] = json_grammar(options.schema)
        return kwargs

    def _pieces(self, chunks: Any, cancel: CancelToken, counted: _Counted, pool: ModelPool) -> Iterator[str]:
        """The text of llama.cpp's chunks, counted; stops (and frees the engine) once cancelled or
        once the process is exiting (the pool waits for this call to leave llama.cpp)."""
        try:
            for chunk in chunks:
                if cancel.cancelled or pool.closing.is_set():
                    return
                choice = chunk["choices"][0]
                content = choice["delta"].get("content")
                if content:
                    # llama-cpp-python streams one chunk per sampled token (multi-byte pieces joined).
                    counted.tokens += 1
                    yield content
                if choice.get("finish_reason"):
                    counted.finish_reason = choice["finish_reason"]
        except (ValueError, RuntimeError) as exc:
            raise self._engine_error(exc) from None
        finally:
            chunks.close()

    def _engine_error(self, exc: Exception) -> ModelCallError:
        return ModelCallError(
            f"llama.cpp could not run model {self.node_id!r}: {type(exc).__name__}: {str(exc)[:500]}",
            hint="if the chat template rejects a message role, drop or merge that message (or set params.chat_format); "
            "if a JSON Schema was given, simplify it",
            code="local_engine_error",
        )


@dataclass
class _Counted:
    tokens: int = 0
    finish_reason: str | None = None


_NO_TEMPLATE = object()


def _template_formatter(loaded: LoadedModel) -> Any:
    """The GGUF's own chat template as a formatter (cached on the loaded model), or None."""
    cached = loaded.cache.get("formatter", _NO_TEMPLATE)
    if cached is not _NO_TEMPLATE:
        return cached
    llama = loaded.llama
    template = llama.metadata.get("tokenizer.chat_template")
    formatter = None
    if template:
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        formatter = Jinja2ChatFormatter(
            template=template,
            eos_token=_token_text(llama, llama.token_eos()),
            bos_token=_token_text(llama, llama.token_bos()),
        )
    loaded.cache["formatter"] = formatter
    return formatter


def _token_text(llama: Any, token: int) -> str:
    if token < 0:
        return ""
    return bytes(llama.detokenize([token], special=True)).decode("utf-8", errors="ignore")


def count_prompt_tokens(loaded: LoadedModel, messages: list[ChatMessage], chat_format: str | None) -> int:
    """Prompt tokens as llama.cpp will see them: the rendered GGUF template, else a safe upper bound."""
    llama = loaded.llama
    formatter = _template_formatter(loaded) if chat_format is None else None
    if formatter is not None:
        try:
            rendered = formatter(messages=messages)
        except Exception:  # noqa: BLE001 - a template that cannot render these messages: fall back to the bound
            rendered = None
        if rendered is not None:
            tokens = llama.tokenize(rendered.prompt.encode("utf-8"), add_bos=not rendered.added_special, special=True)
            return len(tokens)
    total = 1 + _PER_MESSAGE_OVERHEAD
    for message in messages:
        total += len(llama.tokenize(message["content"].encode("utf-8"), add_bos=False, special=False))
        total += _PER_MESSAGE_OVERHEAD
    return total


def json_grammar(schema: dict[str, Any]) -> Any:
    """The schema as llama.cpp's grammar, strings without raw control characters.

    llama-cpp-python's converter lets a JSON string hold any character but a quote or a backslash, so a
    small model breaks a line inside a string (``"France }\\nThe answer is ...``) and the reply is not
    JSON (``Invalid control character``); llama.cpp's own converter excludes U+0000-U+001F and U+007F,
    as JSON does. A schema the converter cannot take falls back to any JSON object, as
    ``response_format`` did: the reply is still validated against the schema afterwards.
    """
    import json

    from llama_cpp.llama_grammar import JSON_GBNF, LlamaGrammar, json_schema_to_gbnf

    try:
        gbnf = json_schema_to_gbnf(json.dumps(schema))
    except Exception:  # noqa: BLE001 - the converter raises anything on a schema it does not handle
        gbnf = JSON_GBNF
    gbnf = gbnf.replace(_ANY_CHAR, _JSON_CHAR)
    return LlamaGrammar.from_string(gbnf, verbose=False)


_ANY_CHAR = 'char ::= [^"\\\\] |'
_JSON_CHAR = 'char ::= [^"\\\\\\x7F\\x00-\\x1F] |'
