"""Schemathesis fuzzes the API against its own OpenAPI schema over real HTTP: never a 5xx, and every
answer matches what the schema documents. Examples are bounded so this runs in well under a minute."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from serve_helpers import TOKEN, ThreadedServer

from agentnet.cards import CapabilityCard
from agentnet.testing import ScriptedModel

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadedServer]:
    from pydantic import SecretStr

    from agentnet.directory.store import Directory
    from agentnet.server.app import create_app
    from agentnet.server.settings import ServerSettings

    folder: Path = tmp_path_factory.mktemp("fuzz-directory")
    card = CapabilityCard(
        id="smollm2", description="general chat", skills=[{"id": "chat", "description": "answer questions"}]
    )
    directory = Directory(path=folder)
    directory.register(card)
    node = ScriptedModel.build("smollm2", ["fuzzed answer"], card=card)
    app = create_app(None, ServerSettings(token=SecretStr(TOKEN)), nodes=[node], directory=directory)
    server = ThreadedServer(app).start()
    try:
        yield server
    finally:
        server.stop()
        directory.close()


def _operations(server: ThreadedServer) -> list[object]:
    loaded = schemathesis.openapi.from_url(f"{server.url}/openapi.json", headers={"Authorization": f"Bearer {TOKEN}"})
    loaded.config.update(base_url=server.url)
    return [result.ok() for result in loaded.get_all_operations()]


def test_api_never_answers_5xx(fuzzed: ThreadedServer) -> None:
    # schemathesis's pytest plugin does not load under this pytest; drive its strategies with hypothesis.
    from hypothesis import given
    from hypothesis import strategies as st

    operations = _operations(fuzzed)
    labels = {op.label for op in operations}  # type: ignore[attr-defined]
    assert "POST /v1/chat/completions" in labels and "POST /v1/directory/search" in labels
    seen: dict[str, set[int]] = {}
    for operation in operations:

        @given(case=operation.as_strategy(), known_model=st.booleans())  # type: ignore[attr-defined]
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def fuzz(case, known_model: bool) -> None:  # type: ignore[no-untyped-def]
            if known_model and isinstance(case.body, dict) and "model" in case.body:
                # Random model names are all 404s; half the bodies name the served model to reach the node.
                case.body["model"] = "smollm2"
            response = case.call_and_validate(
                base_url=fuzzed.url, checks=CHECKS, headers={"Authorization": f"Bearer {TOKEN}"}
            )
            seen.setdefault(case.operation.label, set()).add(response.status_code)

        fuzz()
    # The fuzzer reached the handlers (not only the gate): some requests were answered 200.
    assert 200 in seen["GET /v1/models"]
    assert {200, 400} <= seen["POST /v1/chat/completions"]


def _nested(depth: int, leaf: dict[str, object]) -> dict[str, object]:
    schema = leaf
    for _ in range(depth):
        schema = {"type": "object", "properties": {"a": schema}}
    return schema


def _wide(width: int) -> dict[str, object]:
    return {"type": "object", "properties": {f"p{i}": {"type": "string"} for i in range(width)}}


def test_hostile_response_format_schemas_never_answer_5xx(fuzzed: ThreadedServer) -> None:
    """Deep, wide and malformed JSON Schemas in response_format (streamed or not): 400 or 200, never 5xx."""
    import httpx
    from hypothesis import given
    from hypothesis import strategies as st

    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=40,
    )
    odd_leaf = st.dictionaries(st.sampled_from(["type", "items", "$ref", "enum"]), json_values)
    schemas = st.one_of(
        st.builds(_nested, st.integers(0, 400), st.just({"type": "string"})),
        st.builds(_nested, st.integers(0, 80), odd_leaf),
        st.builds(_wide, st.integers(0, 12_000)),
        json_values,
    )
    seen: set[int] = set()
    with httpx.Client(base_url=fuzzed.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30) as client:

        @given(schema=schemas, stream=st.booleans())
        @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def fuzz(schema: object, stream: bool) -> None:
            body = {
                "model": "smollm2",
                "messages": [{"role": "user", "content": "answer in JSON"}],
                "response_format": {"type": "json_schema", "json_schema": {"name": "out", "schema": schema}},
                "stream": stream,
            }
            response = client.post("/v1/chat/completions", json=body)
            # A valid schema the scripted reply cannot meet is the model's failure (502 output_invalid).
            model_failed = response.status_code == 502 and response.json()["error"]["code"] == "output_invalid"
            assert response.status_code < 500 or model_failed, response.text[:500]
            seen.add(response.status_code)

        fuzz()
    assert 400 in seen  # the deep and wide ones were refused as client errors
    deep = {"type": "json_schema", "json_schema": {"name": "x", "schema": _nested(120, {"type": "string"})}}
    with httpx.Client(base_url=fuzzed.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30) as client:
        body = {"model": "smollm2", "messages": [{"role": "user", "content": "hi"}], "response_format": deep}
        refused = client.post("/v1/chat/completions", json=body)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid_schema", refused.text
    assert "64 levels" in refused.json()["error"]["message"]
