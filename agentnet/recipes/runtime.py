"""Who answers a recipe target: model ids and requirements become executor candidates.

The executor's steps name candidates by id and ask a resolver for each one's node. A recipe
target may carry its own settings (``max_tokens``, ``temperature``, ``system``) and an
``accept`` condition, so each such target gets its own candidate id (``smollm2@step#2``) that
resolves to a ``TargetNode``: the registered node with those settings, which raises
``OutputValidationError`` when its reply fails ``accept`` (the executor then escalates to the next
candidate, exactly as for a schema failure).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ConfigDict

from agentnet.cards import CapabilityCard
from agentnet.directory.query import CardSource, SearchFilters
from agentnet.errors import OutputValidationError, PlanningError
from agentnet.nodes.base import CallOptions, CancelToken, ChatMessage, Generation, ModelNode
from agentnet.recipes.schema import Condition, Defaults, Requirement, Target
from agentnet.recipes.validate import requirement_misses

PASS_THROUGH = "recipe:pass"


class TargetNode(ModelNode):
    """A registered node with a recipe target's settings and acceptance test."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    inner: ModelNode
    max_tokens: int | None = None
    temperature: float | None = None
    accept: Condition | None = None

    def _generate_tokens(
        self, messages: list[ChatMessage], options: CallOptions, cancel: CancelToken
    ) -> Iterator[str | Generation]:
        if self.max_tokens is not None:
            options.max_tokens = min(self.max_tokens, options.max_tokens or self.max_tokens)
        if self.temperature is not None:
            options.temperature = self.temperature
        text: list[str] = []
        for item in self.inner._generate_tokens(messages, options, cancel):
            if isinstance(item, str):
                text.append(item)
            elif self.accept is not None and not self.accept.holds("".join(text)):
                raise OutputValidationError(
                    f"the reply of {self.inner.node_id!r} does not satisfy accept ({self.accept.describe()}): "
                    f"{''.join(text)[:80]!r}",
                    hint="a cascade escalates to its next candidate; relax 'accept' or add a stronger model",
                )
            yield item


def _pass_through() -> ModelNode:
    from agentnet.nodes.callable import CallableNode

    card = CapabilityCard(id=PASS_THROUGH, description="recipe glue: passes its input on (routes, loops)")
    return CallableNode.build(lambda text: text, card, parse_json=False)


@dataclass(frozen=True)
class Room:
    """The most tokens a step's prompt can hold: the context window of ``model``, the step's largest."""

    tokens: int
    model: str
    step_id: str


@dataclass
class Candidates:
    """Resolves recipe candidate ids to nodes; built once per compiled recipe."""

    base: Callable[[str], ModelNode]
    cards: Sequence[CapabilityCard]
    defaults: Defaults = field(default_factory=Defaults)
    directory: CardSource | None = None
    _targets: dict[str, tuple[str, Target, Condition | None]] = field(default_factory=dict)
    _nodes: dict[str, ModelNode] = field(default_factory=dict)
    _resolved: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def card(self, card_id: str) -> CapabilityCard:
        for card in self.cards:
            if card.id == card_id:
                return card
        known = ", ".join(c.id for c in self.cards) or "none"
        raise PlanningError(f"unknown model {card_id!r} (known: {known})", hint="see `agentnet models list`")

    def resolve(self, need: Requirement) -> list[tuple[str, str]]:
        """(card id, why) for cards satisfying ``need``, best first: directory rank, local, cost."""
        key = need.model_dump_json()
        if key not in self._resolved:
            self._resolved[key] = self._rank(need)
        return self._resolved[key]

    def _rank(self, need: Requirement) -> list[tuple[str, str]]:
        fitting = [card for card in self.cards if not requirement_misses(card, need)]
        if not fitting:
            raise PlanningError(
                f"no registered model satisfies skill={need.skill!r} output={need.output!r} local={need.local}",
                hint="register a model whose card lists that skill (agentnet.yaml), or relax the requirement",
            )
        scores: dict[str, float] = {}
        if self.directory is not None:
            filters = SearchFilters(
                local_only=need.local == "required", output_type=need.output, max_cost=need.max_cost
            )
            for candidate in self.directory.search(need.skill, k=max(10, len(fitting)), filters=filters):
                scores.setdefault(candidate.card_id, candidate.score)
        prefer_local = need.local == "preferred"

        def rank(card: CapabilityCard) -> tuple[float, float, float]:
            return (
                0.0 if (not prefer_local or card.locality == "local") else 1.0,
                -scores.get(card.id, 0.0),
                card.cost_per_1k_output,
            )

        source = "directory rank" if scores else "card match"
        why = f"needs skill {need.skill!r} ({source}{', local preferred' if prefer_local else ''})"
        return [(card.id, why) for card in sorted(fitting, key=rank)]

    def candidates(self, target: Target, label: str, accept: Condition | None = None) -> tuple[list[str], str]:
        """Candidate ids for a target (one per matching model) and why they were chosen."""
        if target.model is not None:
            self.card(target.model)
            pairs = [(target.model, "named in the recipe")]
        elif target.needs is not None:
            pairs = self.resolve(target.needs)
        else:  # the schema requires one of the two
            raise PlanningError(f"{label}: a target needs 'model' or 'needs'")
        plain = accept is None and target.max_tokens is None and target.temperature is None and target.system is None
        ids = []
        with self._lock:
            for card_id, _ in pairs:
                key = card_id if plain else f"{card_id}@{label}"
                self._targets[key] = (card_id, target, accept)
                ids.append(key)
        return ids, pairs[0][1]

    def room(self, candidate_ids: Sequence[str], step_id: str) -> Room | None:
        """The largest context window among the models behind ``candidate_ids``: what one input's text
        may take at most in the step's prompt. None when one of them states none (a tool, a model
        whose window is not known): then no bound is known."""
        best: Room | None = None
        for candidate in candidate_ids:
            model = self.model_of(candidate)
            card = next((c for c in self.cards if c.id == model), None)
            if card is None or not card.context_length:
                return None
            if best is None or card.context_length > best.tokens:
                best = Room(card.context_length, model, step_id)
        return best

    def model_of(self, candidate_id: str) -> str:
        """The model behind a candidate id (a step's tailored ``model@label`` or a plain model id)."""
        entry = self._targets.get(candidate_id)
        return entry[0] if entry else candidate_id

    def __call__(self, candidate_id: str) -> ModelNode:
        with self._lock:
            node = self._nodes.get(candidate_id)
            if node is not None:
                return node
            entry = self._targets.get(candidate_id)
        if candidate_id == PASS_THROUGH:
            node = _pass_through()
        elif entry is None:
            node = self._tailor(candidate_id, Target(model=candidate_id), None)
        else:
            node = self._tailor(*entry)
        with self._lock:
            return self._nodes.setdefault(candidate_id, node)

    def _tailor(self, card_id: str, target: Target, accept: Condition | None) -> ModelNode:
        inner = self.base(card_id)
        system = target.system if target.system is not None else self.defaults.system
        params = inner.params.model_copy(update={"system_prompt": system} if system is not None else {})
        return TargetNode(
            node_id=inner.node_id,
            card=inner.card,
            params=params,
            inner=inner,
            max_tokens=target.max_tokens or self.defaults.max_tokens,
            temperature=target.temperature if target.temperature is not None else self.defaults.temperature,
            accept=accept,
        )


def node_source(nodes: Any) -> tuple[Callable[[str], ModelNode], list[CapabilityCard]]:
    """A node lookup and the cards behind it, from a ``NodeRegistry`` or a list/dict of nodes."""
    if hasattr(nodes, "node") and hasattr(nodes, "cards"):
        return nodes.node, list(nodes.cards())
    table = dict(nodes) if isinstance(nodes, dict) else {node.node_id: node for node in nodes}

    def lookup(node_id: str) -> ModelNode:
        if node_id not in table:
            raise PlanningError(f"unknown model {node_id!r} (known: {', '.join(table)})")
        return table[node_id]

    return lookup, [node.card for node in table.values()]


def model_in_step(candidate_id: str, step_id: str) -> str:
    """The model behind a candidate id recorded in a recipe run's trace, without the running program.

    A tailored candidate is ``<model>@<label>`` and its label starts with the step's id (or, for an
    inner step ``ID__part``, with ``ID``); model ids may contain "@" themselves, hence the check."""
    model, sep, label = candidate_id.rpartition("@")
    owner = label.split("#")[0]
    if sep and model and owner in (step_id, step_id.rpartition("__")[0]):
        return model
    return candidate_id
