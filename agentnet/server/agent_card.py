"""The A2A agent card served at ``/.well-known/agent-card.json``: a2a-sdk's ``AgentCard``, built from
capability cards.

The standard part (name, interfaces, skills with input/output modes, security schemes) is what any
A2A client reads: the A2A interface is JSON-RPC at ``/a2a`` (``server/a2a.py``), protected by the
bearer scheme when the server has a token. The ``agentnet`` extension carries the full capability
cards, so a peering agentnet keeps types, costs and context lengths, and knows which model id serves
each skill on the OpenAI-compatible API (``api_base``). a2a-sdk is imported inside the functions.
"""

from __future__ import annotations

import importlib.metadata
from typing import TYPE_CHECKING, Any

from agentnet.cards import CapabilityCard
from agentnet.federation.peers import AGENTNET_EXTENSION
from agentnet.server.settings import ServerSettings

if TYPE_CHECKING:
    from a2a.types import AgentCard, AgentSkill

# Where the A2A JSON-RPC endpoint is mounted (the card's interface URL).
A2A_PATH = "/a2a"

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


def _skills(card: CapabilityCard) -> list[AgentSkill]:
    from a2a.types import AgentSkill

    if not card.skills:
        return [
            AgentSkill(
                id=card.id,
                name=card.display_name,
                description=card.description or card.display_name,
                tags=list(card.tags) or [card.id],
                input_modes=[media_type(t) for t in card.input_types],
                output_modes=[media_type(t) for t in card.output_types],
            )
        ]
    return [
        AgentSkill(
            # A2A skill ids are unique per agent; the model id comes first so callers know whom to call.
            id=f"{card.id}/{skill.id}",
            name=skill.name or skill.id,
            description=skill.description or card.description or skill.id,
            tags=sorted({*skill.tags, *card.tags}) or [card.id],
            examples=list(skill.examples),
            input_modes=[media_type(t) for t in card.skill_inputs(skill)],
            output_modes=[media_type(t) for t in card.skill_outputs(skill)],
        )
        for skill in card.skills
    ]


def _no_skill(settings: ServerSettings) -> AgentSkill:
    """The one skill of a server that has no collaborator (no model, no network): A2A requires a
    skill, and the SDK warned, each time the card was served, that the card was not spec-compliant."""
    from a2a.types import AgentSkill

    return AgentSkill(
        id="agentnet",
        name=settings.display_name,
        description=f"{settings.description} This server has no collaborators yet: it answers no task.",
        tags=["agentnet"],
        input_modes=["text/plain"],
        output_modes=["text/plain"],
    )


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


def build_agent_card(settings: ServerSettings, cards: list[CapabilityCard], *, streaming: bool = True) -> AgentCard:
    """This server's A2A agent card (a2a-sdk ``AgentCard``)."""
    from a2a.types import (
        AgentCapabilities,
        AgentCard,
        AgentExtension,
        AgentInterface,
        AgentProvider,
        HTTPAuthSecurityScheme,
        SecurityRequirement,
        SecurityScheme,
        StringList,
    )
    from a2a.utils.constants import PROTOCOL_VERSION_CURRENT, TransportProtocol

    base = settings.base_url
    extension = AgentExtension(
        uri=AGENTNET_EXTENSION,
        description="agentnet capability cards; call a card's id as the `model` of "
        "POST {api_base}/chat/completions (OpenAI-compatible).",
        required=False,
        params={"api_base": f"{base}/v1", "cards": [c.model_dump(mode="json") for c in cards]},
    )
    card = AgentCard(
        name=settings.display_name,
        description=settings.description,
        supported_interfaces=[
            AgentInterface(
                url=f"{base}{A2A_PATH}",
                protocol_binding=TransportProtocol.JSONRPC.value,
                protocol_version=PROTOCOL_VERSION_CURRENT,
            )
        ],
        provider=AgentProvider(organization="agentnet", url=base),
        version=_version(),
        capabilities=AgentCapabilities(streaming=streaming, push_notifications=False, extensions=[extension]),
        # A task's text, and the files its message may hand over: what some collaborator reads.
        default_input_modes=[
            "text/plain",
            *sorted({media_type(t) for c in cards for t in c.input_types} - {"text/plain"}),
        ],
        default_output_modes=["text/plain"],
        skills=[skill for c in cards for skill in _skills(c)] or [_no_skill(settings)],
    )
    if settings.token is not None:
        card.security_schemes["bearer"].CopyFrom(
            SecurityScheme(
                http_auth_security_scheme=HTTPAuthSecurityScheme(
                    scheme="bearer",
                    description="Authorization: Bearer <token> (the server's --token-env or --token-file)",
                )
            )
        )
        card.security_requirements.append(SecurityRequirement(schemes={"bearer": StringList()}))
    return card


def card_document(card: AgentCard) -> dict[str, Any]:
    """The card as JSON, exactly as the SDK serves it (A2A 1.0 fields plus the 0.3 ones older clients read)."""
    from a2a.server.request_handlers.response_helpers import agent_card_to_dict

    return agent_card_to_dict(card)


def agent_card_document(settings: ServerSettings, cards: list[CapabilityCard]) -> dict[str, Any]:
    return card_document(build_agent_card(settings, cards))
