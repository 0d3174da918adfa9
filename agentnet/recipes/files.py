"""Where recipe files live (kept free of heavy imports: `recipe list` and `validate` use it)."""

from __future__ import annotations

from pathlib import Path


def recipe_dirs() -> list[Path]:
    """Where ``agentnet recipe list`` looks: the repo's ``recipes/`` and ``$AGENTNET_HOME/recipes``."""
    from agentnet.home import agentnet_home

    repo = Path(__file__).resolve().parents[2] / "recipes"
    return [path for path in (repo, agentnet_home() / "recipes") if path.is_dir()]
