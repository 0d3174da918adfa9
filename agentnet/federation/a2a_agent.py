"""Any A2A agent as a peer: its agent card, read by a2a-sdk, becomes a peer record whose cards are
the agent's skills (``<peer>/<skill id>``), reached through the agent's A2A interface.

The card is untrusted data. The SDK parses it (A2A 1.0, or 0.3 mapped by the SDK); an interface
on another origin than the URL added is refused (the token and the prompts go only there); a card
with more than ``MAX_SKILLS`` skills is refused; every text goes through the same cleaning as MCP
tool descriptions (sentences that give the agent orders are dropped and the card tagged
``instructions-removed``; control characters, delimiters and lengths are bounded).
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from agentnet.cards import CapabilityCard, Skill
from agentnet.delimit import flat_text
from agentnet.directory.importers import mime_to_type
from agentnet.errors import ModelCallError, UserError
from agentnet.federation.store import PeerRecord, foreign_api_base, now_iso, origin
from agentnet.mcp.cards import without_instructions

if TYPE_CHECKING:
    from a2a.types import AgentCard, AgentInterface, AgentSkill

MAX_SKILLS = 256
MAX_DESCRIPTION = 1000
MAX_EXAMPLES = 10
MAX_TAGS = 20
# The SDK client's bindings, in the order agentnet prefers them.
BINDINGS = ("JSONRPC", "HTTP+JSON")
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_.:@()+\-]")


def parse_card(url: str, document: dict[str, Any]) -> AgentCard:
    """The agent card as a2a-sdk reads it (``peer_invalid`` when it cannot)."""
    try:
        from a2a.client.card_resolver import parse_agent_card
    except ImportError:
        raise UserError(
            f"{url} is an A2A agent (not an agentnet server): reaching it needs a2a-sdk",
            hint="pip install 'agentnet[a2a]'",
            code="a2a_sdk_missing",
        ) from None
    from google.protobuf.json_format import ParseError

    try:
        # The SDK rewrites 0.3 fields in place: it gets a copy.
        return parse_agent_card(copy.deepcopy(document))
    except (ParseError, ValueError, TypeError, AttributeError) as exc:
        raise ModelCallError(
            f"peer {url} published an A2A agent card that cannot be read: {str(exc)[:300]}",
            # The SDK's words ("'str' object has no attribute 'pop'") say what broke, not what to do.
            hint=f"check that {url} is the agent's base URL (its card: {url}/.well-known/agent-card.json); "
            "if it is, the card does not follow the A2A format, and the agent's owner must fix it",
            code="peer_invalid",
        ) from None


def pick_interface(url: str, agent: AgentCard) -> AgentInterface:
    """The interface to call: a binding the SDK client speaks, on the origin the user added."""
    usable = [i for i in agent.supported_interfaces if i.protocol_binding in BINDINGS]
    if not usable:
        offered = ", ".join(sorted({i.protocol_binding for i in agent.supported_interfaces})) or "none"
        raise ModelCallError(
            f"peer {url} offers no A2A interface agentnet can call (offered: {offered}; agentnet speaks "
            f"{' and '.join(BINDINGS)})",
            code="peer_invalid",
        )
    same_origin = [i for i in usable if origin(i.url) == origin(url)]
    if not same_origin:
        raise foreign_api_base(url, usable[0].url)
    return min(same_origin, key=lambda i: BINDINGS.index(i.protocol_binding))


def _types(modes: Any, default: list[str]) -> list[str]:
    found = [flat_text(mime_to_type(str(mode)), 40) for mode in list(modes)[:20]]
    return [t for t in dict.fromkeys(found) if t] or default


class _Text:
    """Cleans an agent's texts and remembers whether any sentence was an order to the agent."""

    injected = False

    def __call__(self, text: str, limit: int) -> str:
        kept, removed = without_instructions(text)
        self.injected = self.injected or removed
        return flat_text(kept, limit)


def _skill_card(peer: PeerRecord, agent: AgentCard, skill: AgentSkill, card_id: str) -> CapabilityCard:
    text = _Text()
    agent_name = flat_text(agent.name, 120) or peer.name
    inputs = _types(skill.input_modes, _types(agent.default_input_modes, ["text"]))
    outputs = _types(skill.output_modes, _types(agent.default_output_modes, ["text"]))
    description = text(skill.description or agent.description or skill.name, MAX_DESCRIPTION)
    examples = [e for e in (text(example, 300) for example in list(skill.examples)[:MAX_EXAMPLES]) if e]
    tags = [t for t in (flat_text(tag, 50) for tag in list(skill.tags)[:MAX_TAGS]) if t]
    marks = ["a2a", "peer", peer.name, *(["instructions-removed"] if text.injected else [])]
    return CapabilityCard(
        id=card_id,
        name=f"{text(skill.name, 120) or card_id} ({agent_name}, A2A peer {peer.name})",
        description=description,
        skills=[
            Skill(
                id=skill.id[:200] or "agent",
                name=text(skill.name, 120),
                description=description,
                tags=tags,
                examples=examples,
            )
        ],
        input_types=inputs,
        output_types=outputs,
        tags=sorted({*tags, *marks}),
        locality="remote",
        data_leaves_host=not peer.loopback,
        provider=peer.provider,
    )


def skill_cards(peer: PeerRecord, agent: AgentCard) -> list[CapabilityCard]:
    """One card per skill (an agent without skills is one card, ``<peer>/agent``)."""
    from a2a.types import AgentSkill

    skills = list(agent.skills)
    if len(skills) > MAX_SKILLS:
        raise ModelCallError(
            f"peer {peer.url} lists {len(skills)} skills in its agent card; at most {MAX_SKILLS} are accepted",
            code="peer_invalid",
        )
    if not skills:
        skills = [AgentSkill(id="agent", name=agent.name, description=agent.description)]
    cards: list[CapabilityCard] = []
    taken: set[str] = set()
    for skill in skills:
        base = f"{peer.name}/{_UNSAFE_ID.sub('_', skill.id)[:120] or 'skill'}"
        card_id, n = base, 1
        while card_id in taken:
            n += 1
            card_id = f"{base}-{n}"
        taken.add(card_id)
        cards.append(_skill_card(peer, agent, skill, card_id))
    return cards


def a2a_record(url: str, name: str, token_env: str | None, document: dict[str, Any]) -> PeerRecord:
    """The peer record of the A2A agent whose card is ``document`` (fetched from ``url``)."""
    agent = parse_card(url, document)
    interface = pick_interface(url, agent)
    record = PeerRecord(
        name=name,
        url=url,
        api_base=interface.url,
        transport="a2a",
        protocol_binding=interface.protocol_binding,
        protocol_version=interface.protocol_version or None,
        streaming=bool(agent.capabilities.streaming),
        token_env=token_env,
        refreshed_at=now_iso(),
    )
    record.cards = skill_cards(record, agent)
    return record
