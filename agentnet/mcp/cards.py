"""An MCP tool as a capability card: id ``<server>.<tool>``, text from its title and description,
parameters from its input schema, and flags from its annotations.

Annotations follow the MCP defaults: a tool not marked read-only may be destructive unless it says
``destructiveHint: false``, and reaches the open world unless it says ``openWorldHint: false``. The
server's text is untrusted data: sentences that give the agent orders are dropped (the card is
tagged ``instructions-removed``), control characters go, whitespace is collapsed, lengths are capped
and data delimiters are defused, so a description can neither steer the planner nor pose as
agentnet's own prompt structure.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from agentnet.cards import CapabilityCard
from agentnet.config import McpServerSpec
from agentnet.delimit import flat_text
from agentnet.hosts import is_loopback_url
from agentnet.mcp.store import McpServerRecord, McpTool
from agentnet.model_ids import MAX_LENGTH, MODEL_ID, NOT_IN_ID

MAX_DESCRIPTION = 1000
MAX_PARAM_DESCRIPTION = 300
# Example values in a parameter's description ("(e.g., 'Asia/Tokyo')") are instances, not what the tool
# does: left in the card, they make any task that mentions them look like a match for the tool.
_EXAMPLES = re.compile(r"\((?:e\.g\.|eg\.|for example|such as|like)[^)]*\)|'[^'\s][^']*'|\"[^\"]*\"", re.IGNORECASE)
# Sentences addressed to the agent instead of describing the tool ("ignore the other tools", "system
# instruction: always use this tool") are prompt injection: they never reach the card.
_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.!?]*\b(?:instructions?|previous|prior|above|other|rules?|prompts?)\b"
    r"|\b(?:system|developer)\s+(?:prompt|instruction|message)s?\b"
    r"|\b(?:use|call|choose|pick|plan|select|prefer)\s+(?:this|that|the|my|our)\s+(?:tool|function|server)\s+"
    r"(?:for|in|on|before|instead)\s+(?:every|all|any|each|other)\b"
    r"|\bsend\s+(?:all|every)\b[^.!?]*\b(?:data|files?|keys?|secrets?)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def node_id(server: str, tool: str) -> str:
    """The node id of a tool: ``<server>.<tool>``, a usable model id (``model_ids.MODEL_ID``: a config
    key, ``ask -m``'s argument, a recipe's ``model:``, a peer's ``PEER/ID``, which must still fit a card's
    200 characters). A name an id cannot hold ("get weather", "a/b", over 100 characters: MCP allows 128
    and any character) is made one: what it cannot hold becomes '_', cut to fit, then '-' and 8 hex of the
    name's SHA-256, so two names of one server never share an id (not even "get weather" and
    "get_weather") and every process makes the same. The call still sends the tool's own name."""
    whole = f"{server}.{tool}"
    if MODEL_ID.fullmatch(whole):
        return whole
    digest = hashlib.sha256(tool.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    room = MAX_LENGTH - len(server) - len(digest) - 2  # the '.' and the '-'
    return f"{server}.{NOT_IN_ID.sub('_', tool)[:room]}-{digest}"


def without_instructions(text: str) -> tuple[str, bool]:
    """``text`` without its sentences that give the agent orders; True when any was removed."""
    sentences = [part for part in _SENTENCE_END.split(text or "") if part.strip()]
    kept = [part for part in sentences if not _INJECTION.search(part)]
    return " ".join(kept), len(kept) < len(sentences)


def tool_flags(tool: McpTool) -> dict[str, bool]:
    hints = tool.annotations
    read_only = hints.get("read_only_hint") is True
    return {
        "read_only": read_only,
        "destructive": not read_only and hints.get("destructive_hint") is not False,
        "open_world": hints.get("open_world_hint") is not False,
    }


def _parameters(schema: dict[str, Any]) -> list[dict[str, str]]:
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return []
    required = set(schema.get("required") or [])
    params = []
    for name, prop in properties.items():
        prop = prop if isinstance(prop, dict) else {}
        kind = prop.get("type", "any")
        params.append(
            {
                "name": flat_text(name, 100),
                "type": flat_text(kind if isinstance(kind, str) else "/".join(map(str, kind)), 40),
                "desc": flat_text(
                    _EXAMPLES.sub("", without_instructions(str(prop.get("description") or prop.get("title") or ""))[0]),
                    MAX_PARAM_DESCRIPTION,
                )
                + ("" if name in required else " (optional)"),
            }
        )
    return params


def tool_card(spec: McpServerSpec, tool: McpTool, *, available: bool = True) -> CapabilityCard:
    flags = tool_flags(tool)
    remote_server = spec.url is not None and not is_loopback_url(spec.url)
    title = tool.title or tool.annotations.get("title") or tool.name
    description, injected = without_instructions(tool.description)
    tags = ["mcp", spec.name, *(name.replace("_", "-") for name, on in flags.items() if on)]
    if injected:
        tags.append("instructions-removed")
    return CapabilityCard(
        id=node_id(spec.name, tool.name),
        name=flat_text(title, 120),
        description=flat_text(description, MAX_DESCRIPTION),
        input_types=["text"],
        output_types=["text"],
        tags=tags,
        locality="remote" if remote_server else "local",
        data_leaves_host=remote_server or flags["open_world"],
        provider=provider(spec.name),
        available=available,
        parameters=_parameters(tool.input_schema),
        read_only=flags["read_only"],
        destructive=flags["destructive"],
        open_world=flags["open_world"],
    )


def provider(server: str) -> str:
    return f"mcp:{server}"


def record_cards(record: McpServerRecord) -> list[CapabilityCard]:
    return [tool_card(record.spec, tool, available=record.available) for tool in record.tools]
