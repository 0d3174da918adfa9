"""Which run database to use, and opening it: ``AGENTNET_RUNS_URL``, else ``runs.url`` from the
config, else SQLite in the agentnet home (``$AGENTNET_HOME/runs.sqlite``, no setup).

The engine modules are imported only for the URL in use, so PostgreSQL's driver is needed only
when a ``postgresql://`` URL is configured.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from agentnet.errors import ConfigError
from agentnet.executor.store import RunStore
from agentnet.home import home_path
from agentnet.redact import redact_url

if TYPE_CHECKING:
    from agentnet.config import RunsSettings

RUNS_DB_NAME = "runs.sqlite"
RUNS_URL_ENV = "AGENTNET_RUNS_URL"


def runs_db_path() -> Path:
    return home_path(RUNS_DB_NAME)


def runs_url(settings: RunsSettings | None = None) -> str:
    """The run database's URL: ``AGENTNET_RUNS_URL``, else ``runs.url``, else SQLite in the home."""
    return os.environ.get(RUNS_URL_ENV) or (settings.url if settings else None) or f"sqlite:///{runs_db_path()}"


def runs_url_where(settings: RunsSettings | None = None) -> str:
    """Where the run database's URL is set, as a hint names it ("fix runs.url in FILE"): the
    environment variable, else the config file that set ``runs.url`` (``-c FILE``, the user config or
    ./agentnet.yaml), else both places a user may set it."""
    if os.environ.get(RUNS_URL_ENV):
        return f"in {RUNS_URL_ENV} (which wins over runs.url in the config)"
    if settings is not None and settings.url and settings.url_source:
        return f"in {settings.url_source}"
    return f"in agentnet.yaml or {RUNS_URL_ENV}"


def reach_run_db(settings: RunsSettings, timeout_s: float) -> None:
    """Whether the run database answers within about ``timeout_s`` (a ``RunStoreError`` saying why not):
    a PostgreSQL server is asked with a connection of its own; SQLite, a file here, has nothing to reach."""
    url = runs_url(settings)
    if url.startswith(("postgresql://", "postgres://")):
        from agentnet.executor.postgres_schema import reach

        reach(url, timeout_s, where=runs_url_where(settings))


def open_run_store(settings: RunsSettings | None = None) -> RunStore:
    """The run store the settings (or ``AGENTNET_RUNS_URL``, or the current config) point at."""
    if settings is None:
        from agentnet.config import load_config

        settings = load_config().runs
    url = runs_url(settings)
    if url.startswith(("postgresql://", "postgres://")):
        from agentnet.executor.postgres_store import PostgresRunStore

        return PostgresRunStore(url, settings, where=runs_url_where(settings))
    if url.startswith("sqlite:///"):
        from agentnet.executor.sqlite_store import SQLiteRunStore

        return SQLiteRunStore(Path(url.removeprefix("sqlite:///")), lease_s=settings.lease_s)
    raise ConfigError(
        f"the run database URL {redact_url(url)!r} is neither sqlite:///PATH nor postgresql://…",
        hint=f"fix runs.url {runs_url_where(settings)}",
    )
