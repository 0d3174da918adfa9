"""Executor steps retry through one declarative ``RetryPolicy`` (``StepPolicy.retry``), as remote nodes do."""

from __future__ import annotations

import time
from typing import Any

import pytest

from agentnet.errors import ContentPolicyError, ModelCallError
from agentnet.executor import GraphBuilder, StepPolicy, StepSpec
from agentnet.retry import RetryPolicy
from agentnet.testing import ScriptedModel


def run(policy: StepPolicy, *nodes: ScriptedModel) -> dict[str, Any]:
    builder = GraphBuilder(list(nodes), policy=policy)
    builder.add_step(StepSpec(id="s", candidates=[n.node_id for n in nodes], prompt=lambda ctx: "go"))
    out = builder.compile().invoke({"task": "t", "inputs": {}, "results": {}})
    result: dict[str, Any] = out["results"]["s"]
    return result


@pytest.mark.parametrize("retry_on", [ValueError, (ValueError, ConnectionError), lambda e: isinstance(e, ValueError)])
def test_retry_on_as_a_class_a_tuple_or_a_predicate(retry_on: Any) -> None:
    """Only the chosen errors are tried again; any other is raised after its first attempt."""
    policy = RetryPolicy(max_attempts=3, initial_interval=0, jitter=False, retry_on=retry_on)
    assert policy.should_retry(ValueError("odd")) and not policy.should_retry(KeyError("k"))
    calls: list[int] = []

    def missing() -> None:
        calls.append(1)
        if len(calls) > 3:  # a BaseException: the policy's own loop cannot swallow it
            pytest.fail("a KeyError was retried past max_attempts")
        raise KeyError("k")

    with pytest.raises(KeyError):
        policy.call(missing, sleep=lambda _: None)
    assert len(calls) == 1  # first in this file: a policy that loops forever fails here, in seconds
    calls.clear()

    def odd() -> None:
        calls.append(1)
        if len(calls) > 5:
            pytest.fail("retried past max_attempts")
        raise ValueError("odd")

    with pytest.raises(ValueError):
        policy.call(odd, sleep=lambda _: None)
    assert len(calls) == 3


def test_the_default_backoff_doubles_up_to_8_s_and_jitter_only_lengthens_it() -> None:
    """What docs/models.md promises: waits double from the first one, at most 8 s, lengthened by up to 25 %."""
    steady = RetryPolicy(jitter=False)
    assert steady.max_attempts == 3
    assert [steady.interval(attempt) for attempt in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    waits = [RetryPolicy().interval(1) for _ in range(200)]
    assert all(0.5 <= wait <= 0.5 * 1.25 for wait in waits) and len(set(waits)) > 100


def test_a_steps_retry_policy_decides_how_often_a_candidate_is_tried() -> None:
    flaky = ScriptedModel.build("flaky", [ModelCallError("reset"), ModelCallError("reset again"), "third time"])
    policy = StepPolicy(retry=RetryPolicy(max_attempts=3, initial_interval=0, jitter=False))
    result = run(policy, flaky)
    assert result["text"] == "third time" and len(flaky.calls) == 3
    assert [a["status"] for a in result["attempts"]] == ["failed", "failed", "ok"]


def test_errors_that_say_they_are_not_retryable_move_on_to_the_next_candidate() -> None:
    refusing = ScriptedModel.build("refusing", [ContentPolicyError("refused")])
    backup = ScriptedModel.build("backup", ["backup answer"])
    result = run(StepPolicy(retries=3, retry_backoff_s=0), refusing, backup)
    assert len(refusing.calls) == 1 and result["node_id"] == "backup"


def test_retry_on_chooses_the_errors_worth_another_attempt() -> None:
    flaky = ScriptedModel.build("flaky", [ValueError("odd"), "fine"])
    policy = StepPolicy(retry=RetryPolicy(max_attempts=2, initial_interval=0, retry_on=ValueError))
    assert run(policy, flaky)["text"] == "fine"


def test_a_wait_the_server_asked_for_is_honoured_but_never_past_the_deadline() -> None:
    class Busy(ModelCallError):
        retry_after_s = 30.0

    policy = RetryPolicy(max_attempts=3, initial_interval=0.01, jitter=False)
    assert policy.interval(1, Busy("429")) == 30.0
    assert policy.interval(2) == 0.02
    calls: list[int] = []

    def always_busy() -> None:
        calls.append(1)
        raise Busy("429")

    started = time.monotonic()
    with pytest.raises(Busy):
        policy.call(always_busy, deadline=started + 5)
    assert len(calls) == 1 and time.monotonic() - started < 5


def test_network_trouble_is_retried_by_default_and_a_server_ask_over_a_minute_is_not_taken() -> None:
    """What agentnet.retry promises by default: a connection or timeout error without a ``retryable`` flag is worth
    another attempt; a Retry-After up to a minute replaces the backoff, a longer one does not."""
    outcomes: list[BaseException | str] = [ConnectionResetError("reset"), TimeoutError("slow"), "answer"]

    def flaky() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    waits: list[float] = []
    policy = RetryPolicy(max_attempts=3, initial_interval=0.01, jitter=False)
    assert policy.call(flaky, sleep=waits.append) == "answer" and waits == [0.01, 0.02]

    class Asked(ModelCallError):
        def __init__(self, seconds: float) -> None:
            super().__init__("429")
            self.retry_after_s = seconds

    assert policy.interval(1, Asked(60.0)) == 60.0
    assert policy.interval(1, Asked(60.5)) == 0.01
