"""``node.with_structured_output(schema)``, as LangChain apps call it, on the real SmolLM2 GGUF: the
schema imposed as agentnet's ``schema=`` (a grammar), the reply parsed into the pydantic model or a dict,
through invoke, stream, batch and ainvoke, and include_raw. It raised NotImplementedError before.
ScriptedModel only injects the replies a real model would rarely give (invalid twice, a pydantic-only
rule broken)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import pytest
from langchain_core.messages import AIMessage
from pydantic import BaseModel, field_validator
from typing_extensions import TypedDict

from agentnet.errors import OutputValidationError, UserError
from agentnet.nodes.registry import NodeRegistry
from agentnet.testing import ScriptedModel


class City(BaseModel):
    city: str
    country: str


class CityOnly(TypedDict):
    """A city."""

    city: Annotated[str, ..., "the city's name"]


@pytest.fixture(scope="module")
def llm(smollm2_node: Any) -> Any:
    return NodeRegistry.from_files().node("smollm2")  # the same loaded GGUF, built as an app builds it


def test_a_pydantic_model_comes_back_as_its_object(llm: Any) -> None:
    found = llm.with_structured_output(City).invoke("Rome, Italy")
    assert isinstance(found, City)
    assert {found.city, found.country} == {"Rome", "Italy"}


def test_a_typed_dict_and_a_json_schema_come_back_as_dicts(llm: Any) -> None:
    assert llm.with_structured_output(CityOnly).invoke("Paris, France") == {"city": "Paris"}
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    assert llm.with_structured_output(schema).invoke("Paris, France") == {"city": "Paris"}


def test_stream_batch_and_ainvoke_give_the_parsed_object(llm: Any) -> None:
    structured = llm.with_structured_output(CityOnly)
    assert list(structured.stream("Paris, France")) == [{"city": "Paris"}]  # one piece: valid once whole
    assert structured.batch(["Paris, France", "Paris, France"]) == [{"city": "Paris"}] * 2
    assert asyncio.run(structured.ainvoke("Paris, France")) == {"city": "Paris"}


def test_include_raw_gives_the_message_with_its_usage(llm: Any) -> None:
    out = llm.with_structured_output(CityOnly, include_raw=True).invoke("Paris, France")
    assert out["parsed"] == {"city": "Paris"} and out["parsing_error"] is None
    assert isinstance(out["raw"], AIMessage)
    assert out["raw"].usage_metadata["output_tokens"] > 0
    assert out["raw"].response_metadata["node_id"] == "smollm2"


def test_a_reply_that_never_fits_raises_the_documented_error() -> None:
    model = ScriptedModel.build("flaky", ["not json", '{"city": 3}'])
    with pytest.raises(OutputValidationError, match="'flaky' could not produce JSON matching the schema"):
        model.with_structured_output(City).invoke("Rome, Italy")


class Capital(BaseModel):
    city: str

    @field_validator("city")
    @classmethod
    def capitalised(cls, value: str) -> str:
        if not value[:1].isupper():
            raise ValueError("a city starts with a capital letter")
        return value


def test_include_raw_keeps_a_pydantic_error_instead_of_raising() -> None:
    model = ScriptedModel.build("lower", ['{"city": "rome"}'])
    out = model.with_structured_output(Capital, include_raw=True).invoke("Rome")
    assert out["parsed"] is None and "capital letter" in str(out["parsing_error"])
    assert out["raw"].content == '{"city": "rome"}'


def test_a_schema_it_cannot_read_is_a_user_error() -> None:
    model = ScriptedModel.build("m", ["{}"])
    with pytest.raises(UserError, match="cannot read int 3 as a schema") as err:
        model.with_structured_output(3)
    assert err.value.code == "invalid_schema"
    with pytest.raises(UserError, match="method='xml'"):
        model.with_structured_output(City, method="xml")
    with pytest.raises(UserError, match="unknown options: tools"):
        model.with_structured_output(City, tools=[City])
    model.with_structured_output(City, strict=True)  # what OpenAI users pass: the schema is always enforced
