"""agentnet's configuration: declared models (with their capability cards) and settings.

Sources, later ones winning per model id / per setting: the built-in embedded default model,
the user file ``$AGENTNET_HOME/config.yaml``, the project file ``./agentnet.yaml`` (or an
explicit ``--config`` path). Nothing here reads the environment at import time. A declared model
is ``config_models.py``, the other sections ``config_sections.py``; their names import from here too.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

# The models and sections live in their own modules; their names stay importable from here.
from agentnet.config_models import (
    DEFAULT_MODEL_ID,
    EMBEDDED_DISTRIBUTION,
    EMBEDDED_GGUF,
    ModelParams,
    ModelSpec,
    embedded_default_spec,
    embedded_gguf_path,
)
from agentnet.config_sections import (
    INSTANCE_ID_PATTERN,
    MCP_NAME_PATTERN,
    RUNS_URL_SCHEMES,
    BudgetSettings,
    CollaboratorSettings,
    DirectorySettings,
    FileReaderSettings,
    McpServerSpec,
    McpSettings,
    PlannerSettings,
    RunsSettings,
)
from agentnet.errors import ConfigError
from agentnet.home import PROJECT_CONFIG_NAME, agentnet_home
from agentnet.yamlfile import load_yaml_file, raise_validation

__all__ = [
    "DEFAULT_MODEL_ID",
    "EMBEDDED_DISTRIBUTION",
    "EMBEDDED_GGUF",
    "INSTANCE_ID_PATTERN",
    "MCP_NAME_PATTERN",
    "PROJECT_CONFIG_NAME",
    "RUNS_URL_SCHEMES",
    "AgentnetConfig",
    "BudgetSettings",
    "CollaboratorSettings",
    "DirectorySettings",
    "FileReaderSettings",
    "McpServerSpec",
    "McpSettings",
    "ModelParams",
    "ModelSpec",
    "PlannerSettings",
    "RunsSettings",
    "config_files",
    "embedded_default_spec",
    "embedded_gguf_path",
    "load_config",
]


class AgentnetConfig(BaseModel):
    """agentnet.yaml as read: the declared models and the default one, and the directory, planner, budgets,
    runs, pool, MCP and collaborator settings. ``load_config()`` layers the files; a key it does not know
    is an error naming the file and line."""

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


def _read_config_file(path: Path) -> AgentnetConfig:
    doc = load_yaml_file(path)
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        raise ConfigError(f"{doc.where(())}: the config must be a mapping (key: value), not {type(data).__name__}")
    try:
        config = AgentnetConfig.model_validate(data)
    except ValidationError as exc:
        raise_validation(doc, exc, "config", model=AgentnetConfig)
        raise  # unreachable: raise_validation always raises
    if config.runs.url is not None:
        config.runs._source = str(path)
    if config.directory.url is not None:
        config.directory._source = str(path)
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
            raise ConfigError(
                f"config file {explicit} does not exist",
                hint="check the path (given to --config, or to Network.from_config)",
            )
        files.append(explicit)
    else:
        project = Path.cwd() / PROJECT_CONFIG_NAME
        if _config_file(project):
            files.append(project)
    return files


def _config_file(path: Path) -> bool:
    """Whether ``path`` is a config file to read; a folder, a pipe or a device in its place is refused,
    never skipped (the settings the user meant to apply would silently not be) and never opened (a
    FIFO would hold the command until something wrote to it)."""
    if path.is_dir():
        raise ConfigError(
            f"{path} is a folder, where a config file was expected",
            hint="remove or rename the folder, and put the settings in a YAML file of that name",
        )
    if path.exists() and not path.is_file():
        raise ConfigError(
            f"{path} is not a regular file (a pipe, a socket or a device): a config is read from a file",
            hint="save the settings to a YAML file and give its path (--config FILE), or remove what is there",
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


def given_config(config: object) -> AgentnetConfig:
    """``config`` as ``Network(config)`` takes it: an ``AgentnetConfig``. A path or a dict failed later, on
    "'str' object has no attribute 'models'"."""
    if isinstance(config, AgentnetConfig):
        return config
    if isinstance(config, str | Path):
        hint = f"to read a config file, use Network.from_config({str(config)!r})"
    else:
        hint = "pass AgentnetConfig.model_validate(your_dict), or use Network.from_config(path) for a file"
    raise ConfigError(f"Network() takes an AgentnetConfig, not {type(config).__name__}", hint=hint)
