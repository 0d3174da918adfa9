"""The A2A-style agent card served at ``/.well-known/agent-card.json``, built from capability cards.

The standard part (name, url, skills with input/output modes, security schemes) is what any A2A
client reads. The ``agentnet`` extension carries the full capability cards, so a peering agentnet
keeps types, costs and context lengths, and knows which model id serves each skill.
"""

from __future__ import annotations

import importlib.metadata
from typing import Any

from agentnet.cards import CapabilityCard
from agentnet.federation.peers import AGENTNET_EXTENSION
from agentnet.server.settings import ServerSettings

A2A_PROTOCOL_VERSION = "0.3.0"

_MIME = {
    "text": "text/plain",
    "json": "application/json",
    "markdown": "text/markdown",
    "image": "image/*",
    "audio": "audio/*",
    "video": "video/*",
}


def media_type(kind: str) -> str:
    """agentnet's short type names as the MIME types A2A uses for input/output modes."""
    if "/" in kind:
        return kind
    return _MIME.get(kind, f"application/x-agentnet-{kind}")


def _version() -> str:
    try:
        return importlib.metadata.version("agentnet")
    except importlib.metadata.PackageNotFoundError:
        return "0"


def _skills(card: CapabilityCard) -> list[dict[str, Any]]:
    skills = card.skills or []
    out = []
    if not skills:
        out.append(
            {
                "id": card.id,
                "name": card.display_name,
                "description": card.description or card.display_name,
                "tags": list(card.tags),
                "examples": [],
                "inputModes": [media_type(t) for t in card.input_types],
                "outputModes": [media_type(t) for t in card.output_types],
            }
        )
    for skill in skills:
        out.append(
            {
                # A2A skill ids are unique per agent; the model id comes first so callers know whom to call.
                "id": f"{card.id}/{skill.id}",
                "name": skill.name or skill.id,
                "description": skill.description or card.description or skill.id,
                "tags": sorted({*skill.tags, *card.tags}),
                "examples": list(skill.examples),
                "inputModes": [media_type(t) for t in card.skill_inputs(skill)],
                "outputModes": [media_type(t) for t in card.skill_outputs(skill)],
            }
        )
    return out


def network_card(description: str) -> CapabilityCard:
    """The card of the ``agentnet`` model: plan a task and run it across this server's network."""
    return CapabilityCard.model_validate(
        {
            "id": "agentnet",
            "name": "agentnet planner",
            "description": description,
            "skills": [
                {
                    "id": "plan-and-run",
                    "name": "Plan and run a task",
                    "description": "Split a task into steps, pick a collaborator for each from the directory "
                    "and run them; answers with the final result.",
                    "tags": ["planning", "orchestration", "multi-step"],
                }
            ],
            "tags": ["agentnet"],
            "provider": "model",
        }
    )


def build_agent_card(
    settings: ServerSettings, cards: list[CapabilityCard], *, streaming: bool = True
) -> dict[str, Any]:
    base = settings.base_url
    secured = settings.token is not None
    card: dict[str, Any] = {
        "protocolVersion": A2A_PROTOCOL_VERSION,
        "name": settings.display_name,
        "description": settings.description,
        "url": f"{base}/v1",
        "preferredTransport": "HTTP+JSON",
        "version": _version(),
        "provider": {"organization": "agentnet", "url": base},
        "capabilities": {
            "streaming": streaming,
            "pushNotifications": False,
            "extensions": [
                {
                    "uri": AGENTNET_EXTENSION,
                    "description": "agentnet capability cards; call a card's id as the `model` of "
                    "POST {url}/chat/completions (OpenAI-compatible).",
                    "required": False,
                    "params": {
                        "api_base": f"{base}/v1",
                        "cards": [c.model_dump(mode="json") for c in cards],
                    },
                }
            ],
        },
        "defaultInputModes": ["text/plain"],
        "defaultOutputModes": ["text/plain"],
        "skills": [skill for c in cards for skill in _skills(c)],
    }
    if secured:
        card["securitySchemes"] = {
            "bearer": {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer <token>"}
        }
        card["security"] = [{"bearer": []}]
    else:
        card["securitySchemes"] = {}
        card["security"] = []
    return card
