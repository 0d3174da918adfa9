"""What a model id may be: agentnet's name for a declared model's node, checked where models are added
(``agentnet models add --id``), wherever a config is read (``ModelSpec``) and where an installed
plugin registers a node (``NodeRegistry``)."""

from __future__ import annotations

import re

# A model id is agentnet's name for the node: a config key, a CLI argument (`ask -m ID`), a recipe's
# `model:`. No slash (a peer's nodes are PEER/ID) and no space; the model string may have both.
MAX_LENGTH = 100
MODEL_ID = re.compile(rf"[A-Za-z0-9][A-Za-z0-9_.:@-]{{0,{MAX_LENGTH - 1}}}")
# What an id cannot hold: agentnet/mcp/cards.py makes a usable id of an MCP tool's name with it.
NOT_IN_ID = re.compile(r"[^A-Za-z0-9_.:@-]+")


ID_RULE = (
    "an id is up to 100 letters, digits and . _ - : @, starting with a letter or digit (e.g. qwen2.5-7b, gpt-mini)"
)


def model_id_problem(model_id: str) -> str | None:
    """Why ``model_id`` cannot name a model, or None."""
    if MODEL_ID.fullmatch(model_id):
        return None
    return (
        f"model id {model_id!r} cannot be used: {ID_RULE}; the model string may have slashes "
        "(model: openai/gpt-4o-mini)"
    )


def plugin_node_id_problem(node_id: str) -> str | None:
    """Why a node a plugin registers cannot have ``node_id`` (the same rule as a model's), or None."""
    if MODEL_ID.fullmatch(node_id):
        return None
    return (
        f"registers node {node_id!r}, an id that cannot name a node (it is a config key, the argument of "
        f"`ask -m`, a recipe's model:; a slash separates a peer's nodes): {ID_RULE}; skipped"
    )


def where_listed(node_id: str) -> str:
    """The command that lists what ``node_id`` can name: a peer's model (``PEER/ID``) is in `agentnet
    peers list`, not in `agentnet models list`, which shows this agentnet's own models and tools."""
    if "/" not in node_id:
        return "`agentnet models list`"
    peer = node_id.split("/", 1)[0]
    return f"`agentnet peers list`: {node_id!r} is a model of peer {peer!r}, added with `agentnet peers add URL`"
