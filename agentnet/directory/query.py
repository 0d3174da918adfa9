"""What a directory search takes and returns (shared by the store, the planner and the CLI)."""

from __future__ import annotations

import re
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from agentnet.cards import CapabilityCard, normalize_type


def card_cost(card: CapabilityCard) -> float:
    """The price a max-cost filter compares: the dearer of input and output per 1k tokens."""
    return max(card.cost_per_1k_input, card.cost_per_1k_output)


class SearchFilters(BaseModel):
    """Constraints a candidate must satisfy; ``None`` means no constraint."""

    model_config = ConfigDict(extra="forbid")

    local_only: bool = False
    keep_data_on_host: bool = False
    input_type: str | None = None
    output_type: str | None = None
    max_cost: float | None = Field(default=None, ge=0)
    include_unavailable: bool = False
    providers: list[str] | None = None

    def rejects(self, card: CapabilityCard) -> str | None:
        """Why ``card`` fails these filters, or None when it passes (the in-memory reading; the store
        asks chromadb the same questions through ``entries.where_clause``)."""
        if not card.available and not self.include_unavailable:
            return "unavailable"
        if self.local_only and card.locality != "local":
            return "not local (local only)"
        if self.keep_data_on_host and card.data_leaves_host:
            return "sends data off this host"
        if self.max_cost is not None and card_cost(card) > self.max_cost:
            return f"costs more than {self.max_cost:g}/1k"
        if self.providers is not None and card.provider not in self.providers:
            return f"provider {card.provider!r} not allowed"
        if self.input_type and normalize_type(self.input_type) not in card.input_types:
            return f"does not accept {self.input_type}"
        if self.output_type and normalize_type(self.output_type) not in card.output_types:
            return f"does not produce {self.output_type}"
        return None

    def describe(self) -> list[str]:
        """Human-readable list of the active filters (for traces and 'why' columns)."""
        active = []
        if self.local_only:
            active.append("local only")
        if self.keep_data_on_host:
            active.append("data stays on host")
        if self.input_type:
            active.append(f"accepts {normalize_type(self.input_type)}")
        if self.output_type:
            active.append(f"produces {normalize_type(self.output_type)}")
        if self.max_cost is not None:
            active.append(f"cost <= {self.max_cost:g}/1k")
        return active

    @classmethod
    def from_described(cls, described: list[str]) -> SearchFilters:
        """The policies a ``describe()`` list states (a plan records the filters it was made under as
        that list): local only, data stays on host, a cost ceiling. Type filters and words it does
        not know are left out: they constrained one search, not who may run."""
        ceiling = [float(m.group(1)) for text in described if (m := _COST.fullmatch(text))]
        return cls(
            local_only="local only" in described,
            keep_data_on_host="data stays on host" in described,
            max_cost=min(ceiling) if ceiling else None,
        )

    def stricter(self, other: SearchFilters) -> SearchFilters:
        """These filters with ``other``'s policies added (the lower cost ceiling of the two)."""
        costs = [cost for cost in (self.max_cost, other.max_cost) if cost is not None]
        return self.model_copy(
            update={
                "local_only": self.local_only or other.local_only,
                "keep_data_on_host": self.keep_data_on_host or other.keep_data_on_host,
                "max_cost": min(costs) if costs else None,
            }
        )


_COST = re.compile(r"cost <= (\d+(?:\.\d*)?(?:e[+-]?\d+)?)/1k")


class Candidate(BaseModel):
    """One ranked answer to "who can do this?"."""

    card_id: str
    skill_id: str | None = None
    score: float
    # Parts of the score, for "why it matched": e.g. {"semantic": 0.71, "keyword": 0.4}.
    score_parts: dict[str, float] = Field(default_factory=dict)
    why: str = ""
    metadata: dict[str, Any] = Field(default_factory=dict)


@runtime_checkable
class CardSource(Protocol):
    """What the planner needs from a directory: ranked search and card lookup.

    The chromadb-backed ``Directory`` implements it; so can an in-memory index (e.g. for benchmarks).
    """

    def search(self, text: str, k: int = 5, filters: SearchFilters | None = None) -> list[Candidate]: ...

    def get(self, card_id: str) -> CapabilityCard | None: ...

    def cards(self) -> list[CapabilityCard]: ...
