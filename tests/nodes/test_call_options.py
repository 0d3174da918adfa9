"""A call's options (``max_tokens``, ``temperature``, ``deadline_s``, ``stop``) of the wrong kind are refused
by name before the model runs, through LangChain's ``invoke`` as through ``complete``. Before,
``max_tokens="64"`` failed inside the adapter ("'<' not supported between instances of 'int' and
'str'"), and ``max_tokens=-1`` was used: llama.cpp wrote until the context was full. Real SmolLM2 GGUF."""

from __future__ import annotations

from typing import Any

import pytest

from agentnet.errors import UserError
from agentnet.nodes.registry import NodeRegistry


@pytest.fixture(scope="module")
def llm(smollm2_node: Any) -> Any:
    return NodeRegistry.from_files().node("smollm2")


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("max_tokens", "64"),
        ("max_tokens", -1),
        ("max_tokens", 0),
        ("max_tokens", 2.5),
        ("max_tokens", True),
        ("temperature", "hot"),
        ("temperature", -0.5),
        ("deadline_s", 0),
        ("stop", 5),
        ("stop", ["\n", 3]),
    ],
)
def test_a_wrong_option_is_refused_by_name(llm: Any, option: str, value: Any) -> None:
    with pytest.raises(UserError) as refused:
        llm.invoke("Say hi", **{option: value})
    assert refused.value.code == "invalid_option"
    assert refused.value.message.startswith(f"{option}={value!r} is not")
    assert f"pass {option}=" in str(refused.value.hint)
    with pytest.raises(UserError):
        llm.complete("Say hi", **{option: value})


def test_right_options_still_reach_the_model(llm: Any) -> None:
    reply = llm.complete("Count: one, two, three, four, five", max_tokens=3, temperature=0, deadline_s=60.0)
    assert 0 < reply.usage.completion_tokens <= 3
    stopped = llm.invoke("List three colours, one per line.", stop="\n", max_tokens=40)
    assert "\n" not in stopped.content.strip()
