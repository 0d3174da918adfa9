"""The built-in ``adapter:`` kinds, registered through the plugin hook like anyone else's.

``llamacpp`` (a GGUF file, in-process), ``litellm`` (any provider litellm reaches) and ``callable``
(a Python function named by ``options.function``). Engines are imported by the factories, on a
node's first use, never here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from agentnet.errors import ConfigError
from agentnet.plugins.hookspecs import hookimpl

if TYPE_CHECKING:
    from agentnet.config import ModelSpec
    from agentnet.nodes.base import ModelNode
    from agentnet.nodes.registry import NodeRegistry


class CallableOptions(BaseModel):
    """``options:`` of ``adapter: callable``."""

    model_config = ConfigDict(extra="forbid")

    # "package.module:function" (an attribute path after the colon is allowed: "mod:Class.method").
    function: str = Field(pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")
    # Hand the function parsed JSON when the input text is a JSON object or array.
    parse_json: bool = True


def _check_llamacpp(spec: ModelSpec) -> None:
    if not spec.path:
        raise ValueError("a llamacpp model needs 'path' (a GGUF file or 'embedded:smollm2')")


def _check_litellm(spec: ModelSpec) -> None:
    if not spec.model:
        raise ValueError("a litellm model needs 'model' (e.g. 'openai/gpt-4o-mini')")


def _llamacpp(spec: ModelSpec, registry: NodeRegistry) -> ModelNode:
    from agentnet.nodes.llamacpp import LlamaCppNode

    return LlamaCppNode.from_spec(spec, pool=registry.pool)


def _litellm(spec: ModelSpec, registry: NodeRegistry) -> ModelNode:
    from agentnet.nodes.litellm import LiteLLMNode

    return LiteLLMNode.from_spec(spec)


def import_function(reference: str, model_id: str) -> Callable[[Any], Any]:
    """The object ``reference`` ("package.module:attr.path") names, for model ``model_id``."""
    module_name, _, attr_path = reference.partition(":")
    fix = "install that module (or put it on PYTHONPATH) and name it as 'package.module:function'"
    try:
        target: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(f"model {model_id!r}: cannot import {module_name!r}: {exc}", hint=fix) from None
    for part in attr_path.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise ConfigError(f"model {model_id!r}: {module_name!r} has no {attr_path!r}", hint=fix) from None
    if not callable(target):
        raise ConfigError(f"model {model_id!r}: {reference!r} is a {type(target).__name__}, not a function", hint=fix)
    return target


def _callable(spec: ModelSpec, registry: NodeRegistry) -> ModelNode:
    from agentnet.nodes.callable import CallableNode

    options = CallableOptions.model_validate(spec.options)
    fn = import_function(options.function, spec.id)
    return CallableNode.build(fn, spec.capability_card(), parse_json=options.parse_json)


# The params every model node reads (base.py), then each adapter's own.
_EVERY_MODEL = ("seed", "temperature", "top_p", "max_tokens", "system_prompt", "deadline_s")


@hookimpl
def register_adapters(register: Callable[..., None]) -> None:
    register(
        "llamacpp",
        _llamacpp,
        check=_check_llamacpp,
        description="a GGUF file run in-process by llama.cpp (path: FILE or embedded:smollm2)",
        params=(*_EVERY_MODEL, "n_ctx", "n_threads", "chat_format", "top_k", "repeat_penalty"),
    )
    register(
        "litellm",
        _litellm,
        remote=True,
        check=_check_litellm,
        description="any provider litellm reaches (model: provider/name, api_base, api_key_env)",
        params=(*_EVERY_MODEL, "retries", "retry_backoff_s", "allowed_fails", "cooldown_s", "down_memory_s"),
    )
    register(
        "callable",
        _callable,
        options=CallableOptions,
        card={"provider": "tool", "context_length": None},
        description="a Python function on this host (options.function: 'package.module:function')",
    )
