"""The checks of a recipe object that span several of its fields, run even when a field failed.

pydantic runs an object's model validators (a step has exactly one of model/needs, one kind, a
prompt; a target one of model/needs; a condition at least one test) only once every field parsed:
a step with ``max_tokens: 0`` and both ``model:`` and ``needs:`` reported only max_tokens, and the
second problem appeared after the first was fixed. These validators only ask which fields are set,
so here each object that failed is built without validation from its fields as written and its
model validators are run on it.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ValidationError

from agentnet.recipes.schema import Call, Condition, RouteCase, Step, Target

Loc = tuple[str | int, ...]


def _items(value: Any, loc: Loc, model: type[BaseModel]) -> Iterator[tuple[Loc, type[BaseModel], dict[str, Any]]]:
    if isinstance(value, list):
        for j, item in enumerate(value):
            if isinstance(item, dict):
                yield (*loc, j), model, item
    elif isinstance(value, dict):
        yield loc, model, value


def _block(step: dict[str, Any], key: str) -> dict[str, Any]:
    value = step.get(key)
    return value if isinstance(value, dict) else {}


def _objects(step: dict[str, Any], loc: Loc) -> Iterator[tuple[Loc, type[BaseModel], dict[str, Any]]]:
    """The step and every object inside it that has a check across its fields."""
    yield loc, Step, step
    yield from _items(step.get("accept"), (*loc, "accept"), Condition)
    yield from _items(step.get("cascade"), (*loc, "cascade"), Target)
    mixture, route, loop = (_block(step, key) for key in ("mixture", "route", "loop"))
    yield from _items(mixture.get("proposers"), (*loc, "mixture", "proposers"), Target)
    calls = [(("mixture", "aggregator"), mixture.get("aggregator")), (("route", "default"), route.get("default")),
             (("loop", "critique"), loop.get("critique")), (("loop", "revise"), loop.get("revise"))]  # fmt: skip
    for where, call in calls:
        for at, model, data in _items(call, (*loc, *where), Call):
            yield at, model, data
            yield from _items(data.get("accept"), (*at, "accept"), Condition)
    for at, model, data in _items(route.get("cases"), (*loc, "route", "cases"), RouteCase):
        yield at, model, data
        yield from _items(data.get("when"), (*at, "when"), Condition)
        yield from _items(data.get("accept"), (*at, "accept"), Condition)
    yield from _items(loop.get("until"), (*loc, "loop", "until"), Condition)


def _hidden(model: type[BaseModel], data: dict[str, Any]) -> list[str]:
    """The messages of ``model``'s validators across fields, when a field failed and hid them."""
    try:
        model.model_validate(data)
    except ValidationError as exc:
        if any(not error["loc"] for error in exc.errors()):
            return []  # they ran: their problem is reported already
    else:
        return []
    built = model.model_construct(**{k: v for k, v in data.items() if k in model.model_fields})
    messages = []
    for decorator in model.__pydantic_decorators__.model_validators.values():
        if decorator.info.mode != "after":
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # values as written, unvalidated: dumping them may warn
                decorator.func(built)
        except ValueError as exc:
            messages.append(f"Value error, {exc}")
        except Exception:  # noqa: BLE001 - a value as written that the check cannot read: its field's error says it
            continue
    return messages


def hidden_problems(data: dict[str, Any]) -> list[tuple[Loc, str]]:
    """(where, message) of each check across fields that a failed field kept from running."""
    steps = data.get("steps")
    found: list[tuple[Loc, str]] = []
    if not isinstance(steps, list):
        return found
    for i, step in enumerate(steps):
        if isinstance(step, dict):
            for loc, model, item in _objects(step, ("steps", i)):
                found.extend((loc, message) for message in _hidden(model, item))
    return found
