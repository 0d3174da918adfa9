"""Capability cards: what a collaborator (model, tool, peer) can do, in a form the directory indexes.

Shaped after the A2A agent card: a card has a description and skills; each skill has an id, a name,
a description, tags and examples. agentnet adds what a planner needs to choose and link
collaborators: typed inputs and outputs, cost, latency, context length and locality.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Locality = Literal["local", "remote"]

_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/@ ()+\-]{0,199}$")


def normalize_type(name: str) -> str:
    """Media/data types compare case-insensitively ("Image" == "image")."""
    return name.strip().lower()


class Skill(BaseModel):
    """One thing a collaborator can do (A2A ``AgentSkill`` plus typed inputs/outputs)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=200)
    name: str = ""
    description: str = ""
    tags: list[str] = Field(default_factory=list)
    examples: list[str] = Field(default_factory=list)
    # None means "same as the card's"; a skill may narrow or change the card's types.
    input_types: list[str] | None = None
    output_types: list[str] | None = None

    @field_validator("input_types", "output_types")
    @classmethod
    def _normalize_types(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else [normalize_type(v) for v in value]


class CapabilityCard(BaseModel):
    """What a collaborator publishes into the directory."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=200)
    name: str = ""
    description: str = ""
    skills: list[Skill] = Field(default_factory=list)
    input_types: list[str] = Field(default_factory=lambda: ["text"])
    output_types: list[str] = Field(default_factory=lambda: ["text"])
    tags: list[str] = Field(default_factory=list)
    # USD per 1k tokens (or per call for tools); 0 for local models.
    cost_per_1k_input: float = Field(default=0.0, ge=0)
    cost_per_1k_output: float = Field(default=0.0, ge=0)
    latency_ms: float | None = Field(default=None, ge=0)
    context_length: int | None = Field(default=None, gt=0)
    locality: Locality = "local"
    # True when calling this collaborator sends the data off this host (remote providers, peers).
    data_leaves_host: bool = False
    # Who serves it: "model" (a registered node), "tool" (a registered callable), "external"
    # (a description only, e.g. imported from another network), "peer:<name>" for a federated peer.
    provider: str = "model"
    available: bool = True
    # When unavailable because something is not installed: what makes it available (a command).
    install: str | None = None
    # Parameters for API-style tools (a tool list's "parameters"): [{name, type, desc}].
    parameters: list[dict[str, str]] = Field(default_factory=list)
    # What a tool says it does to the world (MCP tool annotations): only reads; may change or delete
    # things (refused unless allowed); reaches outside this host (web, other services).
    read_only: bool = False
    destructive: bool = False
    open_world: bool = False

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _ID_PATTERN.fullmatch(value):  # match() with $ let a trailing newline through
            raise ValueError("id must start with a letter or digit and use only letters, digits, spaces and _.:/@()+-")
        return value

    @field_validator("input_types", "output_types")
    @classmethod
    def _normalize_types(cls, value: list[str]) -> list[str]:
        return [normalize_type(v) for v in value]

    @model_validator(mode="after")
    def _unique_skill_ids(self) -> CapabilityCard:
        seen: set[str] = set()
        for skill in self.skills:
            if skill.id in seen:
                raise ValueError(f"duplicate skill id {skill.id!r} in card {self.id!r}")
            seen.add(skill.id)
        return self

    @property
    def display_name(self) -> str:
        return self.name or self.id

    def skill_inputs(self, skill: Skill) -> list[str]:
        return skill.input_types if skill.input_types is not None else self.input_types

    def skill_outputs(self, skill: Skill) -> list[str]:
        return skill.output_types if skill.output_types is not None else self.output_types

    def content_hash(self) -> str:
        """A stable hash of everything indexed: unchanged cards are never re-embedded."""
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]

    def estimate_cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (prompt_tokens * self.cost_per_1k_input + completion_tokens * self.cost_per_1k_output) / 1000


# The tag a peer's card keeps when the peer runs a tool behind it (a calculator, a file reader, an MCP
# tool): its provider becomes "peer:NAME" here, and without the tag it passed for a model, so a chat
# model stood in for a failed peer tool and made up its answer (a file's content, a sum).
PEER_TOOL_TAG = "tool"


def is_model(card: CapabilityCard) -> bool:
    """A model (local, remote or a peer's), not a tool here or on a peer: its answer is text a chat
    model could write."""
    if card.provider == "model":
        return True
    return card.provider.startswith("peer:") and PEER_TOOL_TAG not in card.tags


def tool_card(card: CapabilityCard) -> CapabilityCard:
    """The card of a function on the network: a tool unless it names another provider ("peer:…")."""
    if card.provider != "model":
        return card
    return card.model_copy(update={"provider": "tool"})


# The most characters a plugin's card (or skill) description may have: the directory embeds about its
# first 1,000 (256 tokens) and the planner model reads its first 120, while all of it is stored, listed
# and published in the server's agent card (a 1 MB description took 1.4 s to embed, to no use).
MAX_PLUGIN_DESCRIPTION = 4000


def plugin_card_problem(card: CapabilityCard) -> str | None:
    """Why a plugin cannot register ``card`` (said after "registers node ..."), or None. A card whose
    description and skills say nothing is found by its id alone: the planner never picks it."""
    said = [card.description, *(skill.description for skill in card.skills)]
    if not any(text.strip() for text in said):
        return (
            f"registers node {card.id!r} with an empty description: the planner finds a node by what its card "
            "says, so it would never be chosen; skipped. Give its CapabilityCard a description (a sentence or "
            "two on what it does and takes)"
        )
    longest = max(said, key=len)
    if len(longest) > MAX_PLUGIN_DESCRIPTION:
        whose = "card's" if longest is card.description else "skill's"
        return (
            f"registers node {card.id!r} whose {whose} description is {len(longest):,} characters, more than "
            f"the {MAX_PLUGIN_DESCRIPTION:,} a plugin's card may have (the directory embeds about the first "
            "1,000; all of it is stored, listed and published); skipped. Shorten it to what the node does"
        )
    return None
