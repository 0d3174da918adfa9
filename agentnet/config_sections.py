"""The settings sections of agentnet's configuration besides its models: directory, planner, budgets,
MCP servers and settings, the run database, the bundled collaborators. ``agentnet.config`` reads the
files these come from and re-exports them."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from agentnet.config_models import DEFAULT_MODEL_ID

INSTANCE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


class DirectorySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # None: embedded chromadb under $AGENTNET_HOME/directory; "http://host:port": a `chroma run` server.
    url: str | None = None
    path: str | None = None
    # chromadb's rule for a collection's name, checked where the config is read (file and line named):
    # a server refused it only at the first plan, as a damaged directory ("directory_corrupt").
    collection: str = "agentnet_cards"
    # The id this config's cards are published as in a shared directory (default: a random id kept in
    # $AGENTNET_HOME/instance_id). Set it when two configs share one home but publish different models.
    origin: str | None = Field(default=None, pattern=INSTANCE_ID_PATTERN)
    # The config file ``url`` was read from (set by ``load_config``), named by the hints about the URL,
    # as runs.url's are: "fix directory.url" left a user of ``-c FILE`` or the user config guessing which file.
    _source: str | None = PrivateAttr(default=None)

    @property
    def url_source(self) -> str | None:
        return self._source

    @field_validator("collection")
    @classmethod
    def _collection_name(cls, name: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{1,510}[A-Za-z0-9]", name):
            raise ValueError(
                f"{name!r} is no collection name: 3-512 letters, digits, '.', '_' or '-', "
                "starting and ending with a letter or digit (e.g. agentnet_cards)"
            )
        return name


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
    # The config file ``url`` was read from (set by ``load_config``), so a hint about the URL names the
    # file to fix: "in agentnet.yaml" sent a user of ``-c FILE`` or the user config to the wrong file.
    _source: str | None = PrivateAttr(default=None)

    @property
    def url_source(self) -> str | None:
        return self._source

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
