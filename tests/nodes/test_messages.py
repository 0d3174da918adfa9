"""What a node accepts as messages: a prompt, LangChain messages, role/content dicts or pairs; anything
else, or nothing, is refused with a UserError before the model is called."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from agentnet.errors import UserError
from agentnet.nodes.base import to_chat_messages
from agentnet.testing import ScriptedModel


def test_every_accepted_shape_becomes_role_and_content() -> None:
    assert to_chat_messages("hi") == [{"role": "user", "content": "hi"}]
    mixed: list[Any] = [
        SystemMessage("rules"),
        HumanMessage("question"),
        AIMessage("answer"),
        {"role": "user", "content": 42},
        {"content": "no role"},
        ("assistant", "pair"),
    ]
    assert to_chat_messages(mixed) == [
        {"role": "system", "content": "rules"},
        {"role": "user", "content": "question"},
        {"role": "assistant", "content": "answer"},
        {"role": "user", "content": "42"},
        {"role": "user", "content": "no role"},
        {"role": "assistant", "content": "pair"},
    ]


@pytest.mark.parametrize(
    ("messages", "message", "hint"),
    [
        ([], "no messages to send", "pass a prompt or at least one message"),
        ((), "no messages to send", "pass a prompt or at least one message"),
        ([{"role": "user", "text": "hi"}], "has no 'content'", "use {'role': ..., 'content': ...}"),
        ([("user", "a", "b")], "cannot use tuple as a chat message", None),
        ([42], "cannot use int as a chat message", None),
    ],
    ids=["empty-list", "empty-tuple", "dict-without-content", "triple", "number"],
)
def test_bad_messages_are_refused_before_the_model_is_called(messages: Any, message: str, hint: str | None) -> None:
    node = ScriptedModel.build("n", ["never"])
    # LangChain's own invoke() coerces messages itself first; agentnet's check is the one for empty input.
    calls = (node.complete, node.stream_text, node.invoke) if not messages else (node.complete, node.stream_text)
    for call in calls:
        with pytest.raises(UserError) as info:
            call(messages)
        assert message in info.value.message
        if hint is not None:
            assert info.value.hint == hint
    assert node.calls == []
