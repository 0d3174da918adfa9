"""Remote nodes: any provider litellm reaches (OpenAI, Anthropic, Gemini, Ollama, any
OpenAI-compatible server through ``openai/<name>`` + ``api_base``).

Keys come from the environment or ``.env`` files (the working directory's, then
``$AGENTNET_HOME/.env``), read at call time, held as ``SecretStr`` and never logged, repr'd or
put into an error message. litellm is imported on first call, with its cost map read locally,
telemetry off and its log silent unless asked for (``litellm_log_level``). agentnet does its own
retries (``params.retry_policy()``, honouring ``Retry-After``, never on 401/403), cooldowns and
deadline (``nodes/upstream.py``, ``TokenStream``); litellm's and the HTTP client's retries are off.
"""

from __future__ import annotations

import logging
import os
import threading
import warnings
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from pydantic import Field, SecretStr

from agentnet.config import ModelSpec
from agentnet.errors import ConfigError, ModelCallError
from agentnet.hosts import is_loopback_url
from agentnet.nodes.base import CallOptions, CancelToken, ChatMessage, Generation, ModelNode
from agentnet.nodes.keys import PROVIDER_KEY_ENV, lookup_secret, provider_of
from agentnet.nodes.upstream import CooldownRule, Deployment, RemoteCall
from agentnet.redact import RedactingFilter, url_credentials

if TYPE_CHECKING:
    from agentnet.nodes.capped import CappedSyncTransport

_import_lock = threading.Lock()
_litellm: Any = None


LITELLM_LOGGERS = ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "litellm")


def import_litellm() -> Any:
    """Import litellm once: local cost map (no network), no telemetry, no print noise, its log silent
    unless the process asked for it (``show_litellm_log``)."""
    global _litellm
    with _import_lock:
        if _litellm is None:
            os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
            with warnings.catch_warnings():
                # litellm's import raises deprecation warnings from its dependencies; not ours to fix.
                warnings.simplefilter("ignore")
                import litellm

                _own_log_only()
                _warm_up(litellm)
            litellm.telemetry = False
            litellm.suppress_debug_info = True
            litellm.set_verbose = False
            _litellm = litellm
        return _litellm


def litellm_log_level(level: int) -> None:
    """LiteLLM's log lines from ``level`` on go to the process's own handlers (INFO: ``agentnet mcp serve
    -v``). Without this call they are silent: its errors repeat agentnet's own, which say more."""
    for name in LITELLM_LOGGERS:
        logging.getLogger(name).setLevel(level)


def _own_log_only() -> None:
    """LiteLLM's records reach the handlers the process configured and no handler of LiteLLM's own: its
    import puts a stream handler on its loggers, which also propagate to the root logger, so a process
    that logs (``agentnet mcp serve``) printed every line twice, INFO lines once on stdout. Keys are
    masked on the logger (LiteLLM's own masking was its handler's). Silent unless a level was asked for."""
    for name in LITELLM_LOGGERS:
        logger = logging.getLogger(name)
        for handler in [h for h in logger.handlers if type(h).__module__.startswith("litellm")]:
            logger.removeHandler(handler)
        logger.addFilter(RedactingFilter())
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.CRITICAL)


def _warm_up(litellm: Any) -> None:
    """Run litellm's lazy imports now, while warnings are ignored, with a mock (offline) call.

    Otherwise they run inside the first real call and their dependency warnings surface there
    (and fail any caller, such as a test suite, that treats warnings as errors). The mock calls are
    no model calls: they are kept out of LiteLLM's log, shown or not.
    """
    messages = [{"role": "user", "content": "warm-up"}]
    loggers = [logging.getLogger(name) for name in LITELLM_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        for stream in (False, True):
            response = litellm.completion(model="openai/warm-up", messages=messages, mock_response="ok", stream=stream)
            if stream:
                for _ in response:
                    pass
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


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
    # Most bytes of one answer read from an OpenAI-compatible api_base (a peer's); None: as LiteLLM reads.
    max_response_bytes: int | None = None

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

    def span_attributes(self) -> dict[str, Any]:
        return {"gen_ai.provider.name": provider_of(self.model), "gen_ai.request.model": self.model}

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
        elif key is None and name is not None and not self.api_base:
            # Said before any request: a hosted provider refuses a call without its key, and the
            # client's own error for it reads like a server fault.
            raise ConfigError(
                f"model {self.node_id!r} needs an API key in {name}, which is not set",
                hint=f"export {name}=... or add it to ./.env or $AGENTNET_HOME/.env "
                "(`agentnet doctor` checks every key)",
                code="model_key_missing",
            )
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
        if options.trace_headers:
            request["extra_headers"] = dict(options.trace_headers)
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
        request = self._request(messages, options, key)
        capped = self._capped(request, key)
        call = RemoteCall(
            Deployment(self.node_id, self.model, self.endpoint, self.key_env_name()),
            lambda: litellm.completion(**request),
            policy=self.params.retry_policy(),
            rule=CooldownRule(self.params.allowed_fails, self.params.cooldown_s, self.params.down_memory_s),
            cancel=cancel,
            deadline_s=options.deadline_s or self.params.deadline_s,
            secret=(*([key.get_secret_value()] if key is not None else []), *url_credentials(self.api_base)),
            refusal=None if capped is None else self._refusal(capped[1]),
        )
        return call.replies() if capped is None else self._within(call.replies(), capped[0])

    def _capped(self, request: dict[str, Any], key: SecretStr | None) -> tuple[Any, CappedSyncTransport] | None:
        """LiteLLM calls an OpenAI-compatible server with the OpenAI client it is given: this one's transport
        stops reading past ``max_response_bytes`` (LiteLLM's own reads an event, or a body, whole)."""
        if self.max_response_bytes is None or not self.api_base or provider_of(self.model) != "openai":
            return None
        import httpx
        import openai

        from agentnet.nodes.capped import CappedSyncTransport, env_proxy

        transport = CappedSyncTransport(self.max_response_bytes, proxy=env_proxy(self.api_base))
        http = httpx.Client(transport=transport, follow_redirects=True)
        request["client"] = openai.OpenAI(
            api_key=key.get_secret_value() if key is not None else "no-key",
            base_url=self.api_base,
            # An httpx.Client, as LiteLLM gives its own: the SDK takes one (typed as its httpx2 fork's only).
            http_client=http,  # type: ignore[arg-type]
            max_retries=0,
        )
        return http, transport

    def _refusal(self, transport: CappedSyncTransport) -> Callable[[], ModelCallError | None]:
        """Why a read failed when the transport stopped it: LiteLLM's error for it names no cause and reads
        as a connection failure, which would count against the model and mark it down; an answer over
        the cap is the model's fault, but it was reached and answers smaller requests."""
        return lambda: self._too_large(transport.limit) if transport.exceeded else None

    def _within(self, replies: Iterator[str | Generation], http: Any) -> Iterator[str | Generation]:
        try:
            yield from replies
        finally:
            http.close()

    def _too_large(self, limit: int) -> ModelCallError:
        return ModelCallError(
            f"model {self.node_id!r} ({self.endpoint}) answered more than {limit:,} bytes: refused",
            hint="ask it for less (a lower max_tokens), or check the server",
            code="response_too_large",
            retryable=False,  # the same request would pull as much again
        )

    def _fill_cost_from_litellm(self) -> None:
        if self.card.cost_per_1k_input or self.card.cost_per_1k_output or is_loopback_url(self.api_base):
            return
        costs = litellm_cost_per_1k(self.model)
        if costs is not None:
            self.card = self.card.model_copy(update={"cost_per_1k_input": costs[0], "cost_per_1k_output": costs[1]})
