"""Remote nodes: any provider litellm reaches (OpenAI, Anthropic, Gemini, Ollama, any
OpenAI-compatible server through ``openai/<name>`` + ``api_base``).

Keys come from the environment or ``.env`` files (the working directory's, then
``$AGENTNET_HOME/.env``), read at call time, held as ``SecretStr`` and never logged, repr'd or
put into an error message. litellm is imported on first call, with its cost map read locally and
its logging and telemetry silenced. agentnet does its own bounded retries with backoff (never on
401/403) and its own deadline (``TokenStream``); litellm's and the HTTP client's retries are off.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr

from agentnet.config import ModelSpec, _is_loopback
from agentnet.errors import ConfigError, ContextOverflowError, ModelCallError
from agentnet.home import HOME_ENV
from agentnet.nodes.base import CallOptions, CancelToken, ChatMessage, Generation, ModelNode, Usage

# The environment variable litellm reads for each provider prefix.
PROVIDER_KEY_ENV = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "gemini": "GEMINI_API_KEY",
    "groq": "GROQ_API_KEY",
    "mistral": "MISTRAL_API_KEY",
    "cohere": "COHERE_API_KEY",
    "cohere_chat": "COHERE_API_KEY",
    "together_ai": "TOGETHERAI_API_KEY",
    "openrouter": "OPENROUTER_API_KEY",
    "deepseek": "DEEPSEEK_API_KEY",
    "xai": "XAI_API_KEY",
    "fireworks_ai": "FIREWORKS_AI_API_KEY",
    "perplexity": "PERPLEXITYAI_API_KEY",
    "huggingface": "HF_TOKEN",
    "azure": "AZURE_API_KEY",
}

_import_lock = threading.Lock()
_litellm: Any = None


def import_litellm() -> Any:
    """Import litellm once: local cost map (no network), no telemetry, no log or print noise."""
    global _litellm
    with _import_lock:
        if _litellm is None:
            os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
            with warnings.catch_warnings():
                # litellm's import raises deprecation warnings from its dependencies; not ours to fix.
                warnings.simplefilter("ignore")
                import litellm

                _warm_up(litellm)
            litellm.telemetry = False
            litellm.suppress_debug_info = True
            litellm.set_verbose = False
            for name in ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "litellm"):
                logging.getLogger(name).setLevel(logging.CRITICAL)
            _litellm = litellm
        return _litellm


def _warm_up(litellm: Any) -> None:
    """Run litellm's lazy imports now, while warnings are ignored, with a mock (offline) call.

    Otherwise they run inside the first real call and their dependency warnings surface there
    (and fail any caller, such as a test suite, that treats warnings as errors).
    """
    messages = [{"role": "user", "content": "warm-up"}]
    for stream in (False, True):
        response = litellm.completion(model="openai/warm-up", messages=messages, mock_response="ok", stream=stream)
        if stream:
            for _ in response:
                pass


def provider_of(model: str) -> str:
    return model.split("/", 1)[0] if "/" in model else "openai"


def dotenv_files() -> list[Path]:
    """``.env`` files consulted for keys, most specific first."""
    files = [Path.cwd() / ".env"]
    home = os.environ.get(HOME_ENV)
    files.append((Path(home).expanduser() if home else Path.home() / ".agentnet") / ".env")
    return [path for path in files if path.is_file()]


def lookup_secret(name: str) -> SecretStr | None:
    """``name`` from the environment, else from the ``.env`` files; never logged."""
    value = os.environ.get(name)
    if not value:
        from dotenv import dotenv_values

        for path in dotenv_files():
            value = dotenv_values(path).get(name)
            if value:
                break
    return SecretStr(value) if value else None


def litellm_cost_per_1k(model: str) -> tuple[float, float] | None:
    """(input, output) USD per 1k tokens from litellm's bundled cost map, or None if unknown."""
    litellm = import_litellm()
    try:
        info = litellm.get_model_info(model)
    except Exception:  # noqa: BLE001 - litellm raises plain Exception for unmapped models
        return None
    cost_in = info.get("input_cost_per_token") or 0.0
    cost_out = info.get("output_cost_per_token") or 0.0
    if not cost_in and not cost_out:
        return None
    return cost_in * 1000, cost_out * 1000


class LiteLLMNode(ModelNode):
    """A node reached through litellm."""

    model: str
    api_base: str | None = None
    api_key_env: str | None = None
    # A key given in code (library use); otherwise it is looked up at call time.
    api_key: SecretStr | None = Field(default=None, repr=False, exclude=True)

    @classmethod
    def from_spec(cls, spec: ModelSpec) -> LiteLLMNode:
        assert spec.model is not None  # guaranteed by ModelSpec's validator
        return cls(
            node_id=spec.id,
            card=spec.capability_card(),
            params=spec.params,
            model=spec.model,
            api_base=spec.api_base,
            api_key_env=spec.api_key_env,
        )

    @property
    def endpoint(self) -> str:
        return self.api_base or f"the {provider_of(self.model)} provider's default endpoint"

    def key_env_name(self) -> str | None:
        return self.api_key_env or PROVIDER_KEY_ENV.get(provider_of(self.model))

    def _resolve_key(self) -> SecretStr | None:
        if self.api_key is not None:
            return self.api_key
        name = self.key_env_name()
        key = lookup_secret(name) if name else None
        if key is None and self.api_key_env:
            raise ConfigError(
                f"model {self.node_id!r} reads its API key from {self.api_key_env}, which is not set",
                hint=f"export {self.api_key_env}=... or add it to ./.env or $AGENTNET_HOME/.env",
            )
        if key is None and self.api_base and provider_of(self.model) == "openai":
            # OpenAI-compatible local servers usually need no key, but the client insists on one.
            key = SecretStr("no-key")
        return key

    def _request(self, messages: list[ChatMessage], options: CallOptions, key: SecretStr | None) -> dict[str, Any]:
        deadline = options.deadline_s or self.params.deadline_s
        request: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "stream": True,
            "stream_options": {"include_usage": True},
            "max_tokens": options.max_tokens or self.params.max_tokens,
            "temperature": self.params.temperature if options.temperature is None else options.temperature,
            "top_p": self.params.top_p,
            "seed": options.extra.get("seed", self.params.seed),
            # agentnet enforces its own deadline; this only lets the worker thread end soon after.
            "timeout": deadline,
            "max_retries": 0,
            "num_retries": 0,
            # Per call, not litellm's global switch: parameters a provider lacks (seed, stream_options) are dropped.
            "drop_params": True,
        }
        if options.stop:
            request["stop"] = options.stop
        if self.api_base:
            request["api_base"] = self.api_base
        if key is not None:
            request["api_key"] = key.get_secret_value()
        if options.schema is not None:
            request["response_format"] = self._response_format(options.schema)
        return request

    def _response_format(self, schema: dict[str, Any]) -> dict[str, Any]:
        if self.api_base and provider_of(self.model) == "openai":
            # OpenAI-compatible servers (llama.cpp, vLLM, LM Studio) constrain json_object + schema.
            return {"type": "json_object", "schema": schema}
        # Real providers: OpenAI-style json_schema, which litellm translates for the others.
        return {"type": "json_schema", "json_schema": {"name": "reply", "schema": schema}}

    def _generate_tokens(
        self, messages: list[ChatMessage], options: CallOptions, cancel: CancelToken
    ) -> Iterator[str | Generation]:
        litellm = import_litellm()
        self._fill_cost_from_litellm()
        key = self._resolve_key()
        secret = key.get_secret_value() if key is not None else None
        request = self._request(messages, options, key)
        attempts = self.params.retries + 1
        for attempt in range(1, attempts + 1):
            if cancel.cancelled:
                return
            yielded = False
            try:
                response = litellm.completion(**request)
                usage = Usage()
                finish_reason: str | None = None
                pieces = 0
                for chunk in response:
                    if cancel.cancelled:
                        return
                    chunk_usage = getattr(chunk, "usage", None)
                    if chunk_usage is not None and getattr(chunk_usage, "completion_tokens", None):
                        usage = Usage(
                            prompt_tokens=chunk_usage.prompt_tokens or 0,
                            completion_tokens=chunk_usage.completion_tokens or 0,
                        )
                    if not chunk.choices:
                        continue
                    choice = chunk.choices[0]
                    content = getattr(choice.delta, "content", None)
                    if content:
                        pieces += 1
                        yielded = True
                        yield content
                    if choice.finish_reason:
                        finish_reason = choice.finish_reason
                if pieces == 0 and usage.prompt_tokens == 0:
                    # No text and no usage: the server failed after starting the stream (llama.cpp's
                    # server does this when the prompt exceeds its context window).
                    raise ModelCallError(
                        f"model {self.node_id!r} ({self.model} at {self.endpoint}) ended its reply stream without "
                        "any content or usage; the server failed mid-request",
                        hint="check the server's log; a common cause is a prompt longer than the server's context "
                        "window (shorten it or raise the server's n_ctx)",
                        code="model_empty_stream",
                    )
                if usage.completion_tokens == 0 and pieces:
                    # The server sent no usage: one streamed piece is one token for OpenAI-style servers.
                    usage = Usage(prompt_tokens=usage.prompt_tokens, completion_tokens=pieces)
                yield Generation(usage=usage, finish_reason=finish_reason)
                return
            except ModelCallError:
                raise
            except Exception as exc:  # noqa: BLE001 - classified below; litellm raises many types
                status = getattr(exc, "status_code", None)
                detail = _scrub(f"{type(exc).__name__}: {getattr(exc, 'message', None) or exc}", secret)
                if status in (401, 403):
                    name = self.key_env_name()
                    raise ModelCallError(
                        f"model {self.node_id!r} ({self.model} at {self.endpoint}) refused the credentials "
                        f"(HTTP {status}); not retried",
                        hint=f"check the API key in {name or 'the provider key variable'} "
                        "(environment, ./.env or $AGENTNET_HOME/.env) and that it may use this model",
                        code="model_auth_failed",
                    ) from None
                if type(exc).__name__ == "ContextWindowExceededError":
                    raise ContextOverflowError(
                        f"the prompt for model {self.node_id!r} ({self.model}) does not fit its context window: "
                        f"{detail[:300]}",
                        hint="shorten the prompt or pick a model with a longer context",
                    ) from None
                if yielded or not _is_transient(exc, status) or attempt == attempts:
                    tried = f"after {attempt} attempt{'s' if attempt > 1 else ''}"
                    raise ModelCallError(
                        f"model {self.node_id!r} ({self.model} at {self.endpoint}) failed {tried}: {detail[:500]}",
                        hint="check that the server is running and reachable, the model name, and the api_base"
                        if _is_transient(exc, status)
                        else "check the model name and the request parameters",
                    ) from None
            backoff = self.params.retry_backoff_s * (2 ** (attempt - 1))
            end = time.monotonic() + backoff
            while time.monotonic() < end:
                if cancel.cancelled:
                    return
                time.sleep(min(0.05, max(0.0, end - time.monotonic())))

    def _fill_cost_from_litellm(self) -> None:
        if self.card.cost_per_1k_input or self.card.cost_per_1k_output or _is_loopback(self.api_base):
            return
        costs = litellm_cost_per_1k(self.model)
        if costs is not None:
            self.card = self.card.model_copy(update={"cost_per_1k_input": costs[0], "cost_per_1k_output": costs[1]})


def _is_transient(exc: Exception, status: int | None) -> bool:
    if status is not None:
        return status >= 500 or status in (408, 409, 429)
    name = type(exc).__name__
    return name in {
        "APIConnectionError",
        "Timeout",
        "APITimeoutError",
        "ServiceUnavailableError",
        "InternalServerError",
    } or isinstance(exc, ConnectionError | TimeoutError)


def _scrub(text: str, secret: str | None) -> str:
    if secret and len(secret) >= 4:
        text = text.replace(secret, "***")
    return text
