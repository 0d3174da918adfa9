"""LangChain's ``with_structured_output`` for every node, on agentnet's own structured replies.

A node already imposes a JSON Schema on a reply (``complete(..., schema=...)``: a grammar on
llama.cpp, ``response_format`` on providers, validated with one constrained retry). LangChain apps
ask for the same thing with ``llm.with_structured_output(Model)``; BaseChatModel's version needs
tool calling, which agentnet's nodes do not do, so it raised NotImplementedError. Here the schema
(a pydantic model, a TypedDict, a JSON Schema or an OpenAI tool dict) is bound as ``schema=`` and
the validated JSON parsed into what LangChain returns: the pydantic object, or a dict.
"""

from __future__ import annotations

import json
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from agentnet.errors import UserError
from agentnet.jsonschemas import check_schema

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.runnables import Runnable

# What LangChain callers pass as ``method``: every one is served the same way here (the schema as a
# grammar or response_format), so each is accepted and none changes the call.
METHODS = ("json_schema", "function_calling", "json_mode")


def json_schema_of(schema: Any) -> tuple[dict[str, Any], type[BaseModel] | None]:
    """The JSON Schema to impose, and the pydantic model to parse into (None: a dict is returned)."""
    from langchain_core.utils.function_calling import convert_to_json_schema

    if isinstance(schema, type) and issubclass(schema, BaseModel):
        # LangChain's converter inlines $defs, which llama.cpp's grammar converter reads more simply.
        return convert_to_json_schema(schema), schema
    if isinstance(schema, dict) and not ({"name", "function"} & schema.keys()):
        return schema, None  # already a JSON Schema (LangChain's converter wants it titled; agentnet does not)
    try:
        return convert_to_json_schema(schema), None
    except (ValueError, TypeError) as exc:
        raise UserError(
            f"with_structured_output cannot read {type(schema).__name__} {schema!r:.200} as a schema: {exc}",
            hint="pass a pydantic model class, a TypedDict, or a JSON Schema dict",
            code="invalid_schema",
        ) from None


def structured_runnable(
    node: BaseChatModel, node_id: str, schema: Any, *, include_raw: bool, method: str
) -> Runnable[Any, Any]:
    from langchain_core.runnables import RunnableLambda, RunnableMap, RunnablePassthrough

    if method not in METHODS:
        raise UserError(
            f"with_structured_output got method={method!r}",
            hint=f"use one of {', '.join(METHODS)} (all impose the schema the same way on agentnet nodes)",
        )
    json_schema, model = json_schema_of(schema)
    check_schema(json_schema, f"the schema given to {node_id!r}.with_structured_output")
    bound = node.bind(schema=json_schema)

    def parse(message: Any) -> Any:
        # The node validated the JSON against the schema before returning it; pydantic adds its own types.
        data = json.loads(message.content)
        return model.model_validate(data) if model is not None else data

    parser = RunnableLambda(parse, name="agentnet_structured_parser")
    if not include_raw:
        return bound | parser
    # LangChain's include_raw shape: {"raw", "parsed", "parsing_error"}, a parse failure kept, not raised.
    parsed = RunnablePassthrough.assign(parsed=itemgetter("raw") | parser, parsing_error=lambda _: None)
    failed = RunnablePassthrough.assign(parsed=lambda _: None)
    return RunnableMap(raw=bound) | parsed.with_fallbacks([failed], exception_key="parsing_error")
