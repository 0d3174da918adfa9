"""Schema failures: one constrained retry, then a clear error (ScriptedModel injects the bad replies)."""

from __future__ import annotations

import pytest

from agentnet.errors import DeadlineExceededError, OutputValidationError, UserError
from agentnet.testing import Delay, ScriptedModel

SCHEMA = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}


def test_bad_reply_gets_one_retry_then_a_clear_error() -> None:
    model = ScriptedModel.build("flaky", ['{"n": "seven"}', "not json at all"])
    with pytest.raises(OutputValidationError) as err:
        model.complete("count", schema=SCHEMA)
    assert len(model.calls) == 2
    assert "'flaky'" in err.value.message and "2 attempts" in err.value.message
    assert "not valid JSON" in err.value.message
    # The retry told the model what was wrong with its first reply.
    retry_prompt = model.calls[1][-1]["content"]
    assert "at n: 'seven' is not of type 'integer'" in retry_prompt


def test_retry_can_succeed() -> None:
    model = ScriptedModel.build("flaky", ["{oops", '{"n": 7}'])
    reply = model.complete("count", schema=SCHEMA)
    assert reply.data == {"n": 7}
    assert reply.attempts == 2


def test_invalid_schema_is_a_user_error() -> None:
    model = ScriptedModel.build("m", ["{}"])
    with pytest.raises(UserError, match="JSON Schema given to 'm': not a valid JSON Schema"):
        model.complete("x", schema={"type": "no-such-type"})


def test_deadline_applies_to_scripted_silence() -> None:
    model = ScriptedModel.build("slow", [Delay(5.0, "late")])
    with pytest.raises(DeadlineExceededError, match=r"0\.2 s deadline"):
        model.complete("x", deadline_s=0.2)
