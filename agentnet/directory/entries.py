"""How a card becomes directory entries: one per card and one per skill, each a text plus metadata.

Metadata holds everything a search filter needs, in shapes chromadb can filter on: scalars, and one
boolean key per accepted/produced type (``in:image``, ``out:text``), so a type filter is an exact
``where`` clause rather than a scan. The card entry also carries the whole card as JSON, so
``get``/``cards`` never need a second store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from agentnet.cards import CapabilityCard, Skill, normalize_type
from agentnet.directory.query import SearchFilters, card_cost

SEPARATOR = "#"  # card ids cannot contain '#', so "<card>#<skill>" never collides
# One boolean key per instance publishing a card ("origin:<instance id>" on its card entry): each
# publisher sets or clears only its own key, so publishers never overwrite each other's claims.
ORIGIN_PREFIX = "origin:"


@dataclass(frozen=True)
class Entry:
    id: str
    document: str
    metadata: dict[str, Any]


def card_entry_id(card_id: str) -> str:
    return f"{card_id}{SEPARATOR}"


def skill_entry_id(card_id: str, skill_id: str) -> str:
    return f"{card_id}{SEPARATOR}{skill_id}"


def origin_key(origin: str) -> str:
    return f"{ORIGIN_PREFIX}{origin}"


def origins(metadata: dict[str, Any]) -> list[str]:
    """The instances that publish the card whose entry has ``metadata``."""
    return sorted(k.removeprefix(ORIGIN_PREFIX) for k, v in metadata.items() if k.startswith(ORIGIN_PREFIX) and v)


_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def readable_name(name: str) -> str:
    """An identifier as words: ``send_email`` and ``sendEmail`` read "send email" (API tool names)."""
    spaced = _CAMEL_BOUNDARY.sub(" ", name.replace("_", " ").replace("-", " "))
    return " ".join(spaced.split())


def _sentence(label: str, values: list[str]) -> str:
    return f" {label}: {', '.join(values)}." if values else ""


def _tags(values: list[str]) -> str:
    # Unlabelled: the word "Tags" alone made MiniLM match requests about names or labels.
    return f" ({', '.join(values)})." if values else ""


def card_text(card: CapabilityCard) -> str:
    """What is embedded (and keyword-matched) for a card, by the directory and the planner alike:
    "name: description", then its tags and parameters. Skills have entries of their own."""
    description = card.description.strip()
    name = readable_name(card.display_name)
    text = f"{name}: {description}" if description else name
    parameters = [_parameter(p) for p in card.parameters if p.get("name")]
    return text + _tags(card.tags) + _sentence("Parameters", parameters)


def _parameter(param: dict[str, str]) -> str:
    desc = param.get("desc", "").strip()
    return f"{param['name']} ({desc})" if desc else param["name"]


def skill_text(card: CapabilityCard, skill: Skill) -> str:
    """What is embedded for one skill of a card."""
    name = skill.name or skill.id
    description = skill.description.strip()
    text = f"{name}: {description}" if description else name
    # The first three examples only (docs/directory.md says so to card authors): with every example
    # read, the calculator's six and the dates tool's five, three tests of tests/planner and
    # tests/collaborators planned worse (2026-12-07); the commit that set three gave no reason.
    return text + _tags(skill.tags) + _sentence("Examples", skill.examples[:3])


def entry_texts(card: CapabilityCard) -> list[str]:
    """The texts of a card's entries: the card itself, then each skill (the order of ``card_entries``)."""
    return [card_text(card), *(skill_text(card, skill) for skill in card.skills)]


def _base_metadata(card: CapabilityCard, content_hash: str) -> dict[str, Any]:
    return {
        "card_id": card.id,
        "locality": card.locality,
        "data_leaves_host": card.data_leaves_host,
        "provider": card.provider,
        "available": card.available,
        "cost": card_cost(card),
        "context_length": card.context_length or 0,
        "content_hash": content_hash,
    }


def _type_metadata(inputs: list[str], outputs: list[str]) -> dict[str, Any]:
    meta: dict[str, Any] = {"input_types": ",".join(inputs), "output_types": ",".join(outputs)}
    meta.update({f"in:{t}": True for t in inputs})
    meta.update({f"out:{t}": True for t in outputs})
    return meta


def card_entries(card: CapabilityCard, content_hash: str | None = None) -> list[Entry]:
    digest = content_hash or card.content_hash()
    base = _base_metadata(card, digest)
    entries = [
        Entry(
            id=card_entry_id(card.id),
            document=card_text(card),
            metadata={
                **base,
                **_type_metadata(card.input_types, card.output_types),
                "kind": "card",
                "skill_id": "",
                "name": card.display_name,
                "tags": ",".join(card.tags),
                "card_json": card.model_dump_json(),
            },
        )
    ]
    for skill in card.skills:
        entries.append(
            Entry(
                id=skill_entry_id(card.id, skill.id),
                document=skill_text(card, skill),
                metadata={
                    **base,
                    **_type_metadata(card.skill_inputs(skill), card.skill_outputs(skill)),
                    "kind": "skill",
                    "skill_id": skill.id,
                    "name": skill.name or skill.id,
                    "tags": ",".join(skill.tags),
                },
            )
        )
    return entries


def where_clause(filters: SearchFilters | None) -> dict[str, Any] | None:
    """The chromadb ``where`` filter for ``filters`` (None when nothing is constrained).

    Availability is not part of it: nearly every card is available, and a filter that keeps nearly
    everything makes chroma fetch every id from sqlite on each query. The store drops unavailable
    entries from the shortlist instead.
    """
    filters = filters or SearchFilters()
    conditions: list[dict[str, Any]] = []
    if filters.local_only:
        conditions.append({"locality": {"$eq": "local"}})
    if filters.keep_data_on_host:
        conditions.append({"data_leaves_host": {"$eq": False}})
    if filters.input_type:
        conditions.append({f"in:{normalize_type(filters.input_type)}": {"$eq": True}})
    if filters.output_type:
        conditions.append({f"out:{normalize_type(filters.output_type)}": {"$eq": True}})
    if filters.max_cost is not None:
        conditions.append({"cost": {"$lte": float(filters.max_cost)}})
    if filters.providers is not None:
        conditions.append({"provider": {"$in": list(filters.providers) or [""]}})
    if not conditions:
        return None
    if len(conditions) == 1:
        return conditions[0]
    return {"$and": conditions}
