"""A recipe's call step ends its chain with the general chat model, as a plan's text step does.

A ``call`` step's candidates are its named model, or every model meeting its ``needs``; when they all
fail, the run failed with the config's ``default_model`` never asked. Now the general model a plan
step would fall back to (``general_fallback``: ``default_model`` first, else an allowed model tagged
chat/general, meeting the needs the prompt's words show) is the step's last candidate, with the
step's own settings and ``accept`` test, when the step is all text: every candidate is a model (not
a tool), it reads no image, audio or file input and no step that makes one, and it is asked for
text. The config's planner policies and the step's own requirement (``local: required``,
``max_cost``) decide which models may stand in. A ``cascade`` names its chain itself and keeps it;
mixtures, routes and loops keep theirs too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from agentnet.cards import CapabilityCard, is_model
from agentnet.directory.query import SearchFilters
from agentnet.general_fallback import general_model
from agentnet.recipes.schema import Call, Recipe, Step
from agentnet.recipes.template import scan


@dataclass
class GeneralFallback:
    """What a recipe's call step may fall back to: the cards, the policies and the preferred model."""

    cards: Sequence[CapabilityCard]
    filters: SearchFilters
    preferred: str | None

    @classmethod
    def of(cls, nodes: Any) -> GeneralFallback | None:
        """From a ``NodeRegistry`` (its config's ``default_model`` and planner policies; models known to
        be unusable, no key or no file, are no stand-in); None for a plain list of nodes, which has no
        default model."""
        from agentnet.planner.build import policy_filters

        config = getattr(nodes, "config", None)
        if config is None:
            return None
        return cls(nodes.cards(health=True), policy_filters(config.planner), config.default_model)

    def model_for(self, recipe: Recipe, step: Step, chain: Sequence[str]) -> str | None:
        """The general model to try after ``chain`` (the step's models, in order), or None."""
        call = step.as_call()
        cards = {card.id: card for card in self.cards}
        if step.kind != "call" or not all(c in cards and _text_model(cards[c]) for c in chain):
            return None
        if not (_asks_text(call) and _reads_text(recipe, call, cards)):
            return None
        filters = self.filters
        if call.needs is not None:
            required = SearchFilters(local_only=call.needs.local == "required", max_cost=call.needs.max_cost)
            filters = filters.stricter(required)
        general = general_model(call.prompt, self.cards, filters, self.preferred)
        return general.id if general is not None and general.id not in chain else None


def _text_model(card: CapabilityCard) -> bool:
    """A model that answers in text: a chat model cannot stand in for a tool, nor for a model (a
    peer's speech or image model) whose answer is audio or an image."""
    return is_model(card) and set(card.output_types) <= {"text"}


def _asks_text(call: Call) -> bool:
    return call.needs is None or call.needs.output == "text"


def _reads_text(recipe: Recipe, call: Call, cards: dict[str, CapabilityCard]) -> bool:
    """Whether every input and earlier output the prompt names is text."""
    refs, _ = scan(call.prompt)
    for ref in refs:
        if ref.root == "inputs" and len(ref.path) > 1:
            spec = recipe.inputs.get(ref.path[1])
            if spec is not None and spec.type != "text":
                return False
        elif ref.root == "steps" and len(ref.path) > 1 and not _makes_text(recipe, ref.path[1], cards):
            return False
    return True


def _makes_text(recipe: Recipe, step_id: str, cards: dict[str, CapabilityCard]) -> bool:
    """Whether a step's output is text: its named model makes text only, or its need asks for text."""
    try:
        step = recipe.step(step_id)
    except KeyError:
        return True
    if step.needs is not None:
        return step.needs.output == "text"
    card = cards.get(step.model or "")
    return card is None or set(card.output_types) <= {"text"}
