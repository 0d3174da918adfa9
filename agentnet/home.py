"""The one user directory (``~/.agentnet``, moved with ``AGENTNET_HOME``), read at call time."""

from __future__ import annotations

import os
from pathlib import Path

# The project config's file name, here rather than in config.py so a warm `ask` (which only passes the
# path to the daemon) need not import pydantic and yaml.
PROJECT_CONFIG_NAME = "agentnet.yaml"

HOME_ENV = "AGENTNET_HOME"


def home_dir() -> Path:
    """Where the agentnet home is, without creating it (to look for a file there, or to name it)."""
    raw = os.environ.get(HOME_ENV)
    return Path(raw).expanduser() if raw else Path.home() / ".agentnet"


def agentnet_home() -> Path:
    """The agentnet home directory; created on first use."""
    home = home_dir()
    home.mkdir(parents=True, exist_ok=True)
    return home


def home_path(*parts: str) -> Path:
    """A path under the agentnet home, with its parent folder created."""
    path = agentnet_home().joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
