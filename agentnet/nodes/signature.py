"""A Python function's parameters as a tool's input schema (pydantic reads the signature).

``Annotated[str, Field(description=..., json_schema_extra={"x-agentnet": "input"})]`` gives a
parameter its description and role; without roles, the first required parameter takes the step's
input. Light on purpose (pydantic only): registries complete plugin cards with it before any node
is built, so listing tools never imports LangChain.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, create_model

from agentnet.cards import CapabilityCard, tool_card
from agentnet.nodes.arguments import ROLE_KEY


class Signature:
    """A function's parameters as a pydantic model and a JSON Schema with roles, or None for a
    function of one untyped parameter (it takes the input as it comes)."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.model: type[BaseModel] | None = None
        self.schema: dict[str, Any] = {}
        # The parameter given the input role because the function marks no roles of its own.
        self.default_input: str | None = None
        try:
            parameters = list(inspect.signature(fn).parameters.values())
            hints = typing.get_type_hints(fn, include_extras=True)
        except (TypeError, ValueError, NameError):
            return
        if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD, p.POSITIONAL_ONLY) for p in parameters):
            return
        if len(parameters) == 1 and (parameters[0].name not in hints or parameters[0].name.startswith("_")):
            return
        # pydantic keeps no field whose name starts with "_": such parameters must have defaults.
        parameters = [p for p in parameters if not (p.name.startswith("_") and p.default is not p.empty)]
        if any(p.name.startswith("_") for p in parameters):
            return
        fields: dict[str, Any] = {
            p.name: (hints.get(p.name, Any), ... if p.default is p.empty else p.default) for p in parameters
        }
        self.model = create_model(f"{getattr(fn, '__name__', 'tool')}_arguments", **fields)
        schema = self.model.model_json_schema()
        properties = schema.get("properties") or {}
        if not any(isinstance(p, dict) and ROLE_KEY in p for p in properties.values()):
            first = next((name for name in schema.get("required") or [] if name in properties), None)
            if first is not None:
                properties[first][ROLE_KEY] = "input"
                self.default_input = first
        self.schema = schema

    def parameters(self) -> list[dict[str, str]]:
        """The card's parameters: the one that takes the step's input, so the planner wires a value
        the task hands over (a quoted text, a file name) to it."""
        out = []
        for name, prop in (self.schema.get("properties") or {}).items():
            if isinstance(prop, dict) and prop.get(ROLE_KEY) == "input":
                out.append({"name": name, "type": str(prop.get("type", "any")), "desc": prop.get("description", "")})
        return out


def with_parameters(card: CapabilityCard, fn: Callable[..., Any]) -> CapabilityCard:
    """A function's card, completed with the parameter that takes its input (unless it names its own)."""
    card = tool_card(card)
    if card.parameters:
        return card
    parameters = Signature(fn).parameters()
    return card.model_copy(update={"parameters": parameters}) if parameters else card
