"""Tool lists as capability cards, and a fast in-memory ``CardSource`` over the shared embedder.

Two TaskBench formats are read: resource tools (``input-type``/``output-type``) and API tools
(``parameters``); agentnet card lists (``{"cards": [...]}`` or a bare list of card dicts) too.
The in-memory source serves benchmarks and ``agentnet plan --tools FILE``, where starting
chromadb would cost more than the planning itself.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from agentnet.cards import CapabilityCard
from agentnet.directory.query import Candidate, SearchFilters
from agentnet.errors import ConfigError

if TYPE_CHECKING:
    import numpy as np

_BAD_ID_CHARS = re.compile(r"[^A-Za-z0-9_.:/@ ()+\-]")


def card_text(card: CapabilityCard) -> str:
    """What gets embedded for a card: its name, description and skills."""
    parts = [card.display_name, card.description]
    for skill in card.skills:
        parts.extend([skill.name, skill.description, *skill.examples])
    for param in card.parameters:
        parts.append(f"{param.get('name', '')}: {param.get('desc', '')}")
    return ". ".join(p for p in parts if p)[:1500]


def tool_to_card(tool: dict[str, Any], where: str) -> CapabilityCard:
    """One TaskBench tool (either format) as a card; the original id is kept as the card's name."""
    raw_id = str(tool.get("id") or tool.get("name") or "").strip()
    if not raw_id:
        raise ConfigError(f"{where}: a tool has no 'id'", hint='every tool needs {"id": ..., "desc": ...}')
    card_id = _BAD_ID_CHARS.sub("_", raw_id)[:200]
    if not card_id[0].isalnum():
        card_id = "t" + card_id[:199]
    data: dict[str, Any] = {
        "id": card_id,
        "name": raw_id,
        "description": str(tool.get("desc") or tool.get("description") or ""),
        "provider": "external",
        "tags": ["tool"],
    }
    if "input-type" in tool or "output-type" in tool:
        data["input_types"] = [str(t) for t in tool.get("input-type") or []]
        data["output_types"] = [str(t) for t in tool.get("output-type") or []] or ["text"]
    if "parameters" in tool:
        data["parameters"] = [
            {k: str(v) for k, v in p.items() if k in ("name", "type", "desc")}
            for p in tool.get("parameters") or []
            if isinstance(p, dict)
        ]
        data["input_types"] = ["text"]
        data["output_types"] = ["text"]
    try:
        return CapabilityCard.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{where}: tool {raw_id!r} is not a valid card: {exc.errors()[0]['msg']}") from None


def load_tools(path: Path) -> list[CapabilityCard]:
    """Read a tool list file: TaskBench ``{"nodes": [...]}`` (either format) or agentnet cards."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read tool list {path}: {exc.strerror}", hint="check the --tools path") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        from agentnet.yamlfile import parse_yaml

        data = parse_yaml(text, str(path)).data
    if isinstance(data, dict) and isinstance(data.get("nodes"), list):
        return [tool_to_card(t, f"{path}: nodes[{i}]") for i, t in enumerate(data["nodes"]) if isinstance(t, dict)]
    items = data.get("cards") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ConfigError(
            f"{path} is not a tool list",
            hint='use TaskBench {"nodes": [...]} or a list of capability cards ({"cards": [...]})',
        )
    cards = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ConfigError(f"{path}: item {index} is not a mapping")
        if "desc" in item or "input-type" in item or ("parameters" in item and "description" not in item):
            cards.append(tool_to_card(item, f"{path}: item {index}"))
            continue
        try:
            cards.append(CapabilityCard.model_validate(item))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ConfigError(f"{path}: card {index} field {where}: {first['msg']}") from None
    return cards


def card_allowed(card: CapabilityCard, filters: SearchFilters | None) -> str | None:
    """Why a card is excluded by the filters, or None when it is allowed."""
    if filters is None:
        return None if card.available else "unavailable"
    if not card.available and not filters.include_unavailable:
        return "unavailable"
    if filters.local_only and card.locality != "local":
        return "not local (local only)"
    if filters.keep_data_on_host and card.data_leaves_host:
        return "sends data off this host"
    if filters.max_cost is not None and max(card.cost_per_1k_input, card.cost_per_1k_output) > filters.max_cost:
        return f"costs more than {filters.max_cost:g}/1k"
    if filters.providers is not None and card.provider not in filters.providers:
        return f"provider {card.provider!r} not allowed"
    if filters.input_type and filters.input_type.lower() not in card.input_types:
        return f"does not accept {filters.input_type}"
    if filters.output_type and filters.output_type.lower() not in card.output_types:
        return f"does not produce {filters.output_type}"
    return None


class InMemorySource:
    """A ``CardSource`` held in memory: cosine similarity over the shared MiniLM embeddings."""

    def __init__(self, cards: list[CapabilityCard]) -> None:
        self._cards = {card.id: card for card in cards}
        self._order = list(self._cards)
        self._matrix: np.ndarray | None = None
        self._lock = threading.Lock()

    def _vectors(self) -> np.ndarray:
        with self._lock:
            if self._matrix is None:
                from agentnet.directory.embedder import shared_embedder

                self._matrix = shared_embedder().embed([card_text(self._cards[i]) for i in self._order])
            return self._matrix

    def search(self, text: str, k: int = 5, filters: SearchFilters | None = None) -> list[Candidate]:
        if not self._order:
            return []
        from agentnet.directory.embedder import shared_embedder

        sims = self._vectors() @ shared_embedder().embed_one(text)
        ranked = sorted(range(len(self._order)), key=lambda i: -float(sims[i]))
        out: list[Candidate] = []
        for index in ranked:
            card = self._cards[self._order[index]]
            if card_allowed(card, filters) is not None:
                continue
            score = float(sims[index])
            out.append(Candidate(card_id=card.id, score=score, score_parts={"semantic": score}, why="semantic match"))
            if len(out) >= k:
                break
        return out

    def get(self, card_id: str) -> CapabilityCard | None:
        return self._cards.get(card_id)

    def cards(self) -> list[CapabilityCard]:
        return [self._cards[i] for i in self._order]
