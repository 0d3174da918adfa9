"""Run limits set on the command line for one run (over the ``budgets:`` and ``mcp:`` of agentnet.yaml)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from agentnet.config import AgentnetConfig

RecursionLimitOption = Annotated[
    int | None,
    typer.Option(
        "--recursion-limit",
        min=2,
        max=100_000,
        help="Most graph steps (model calls, fallbacks, loop turns) the run may take; "
        "default: budgets.recursion_limit (200).",
    ),
]


def with_recursion_limit(config: AgentnetConfig, limit: int | None) -> AgentnetConfig:
    if limit is None:
        return config
    return config.model_copy(update={"budgets": config.budgets.model_copy(update={"recursion_limit": limit})})


AllowDestructiveOption = Annotated[
    bool,
    typer.Option(
        "--allow-destructive", help="Let MCP tools that may change or delete things run (refused by default)."
    ),
]


def with_destructive(config: AgentnetConfig, allow: bool) -> AgentnetConfig:
    """``--allow-destructive`` for one run (``agentnet run``, ``agentnet recipe run``): the refusal's hint
    names the flag, and a recipe run had none."""
    if not allow:
        return config
    return config.model_copy(update={"mcp": config.mcp.model_copy(update={"allow_destructive": True})})
