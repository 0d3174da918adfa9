"""Plan validation against cards and policies: each defect is rejected or repaired with a reason."""

from __future__ import annotations

from typing import Any

import pytest
from bounded import call_within

from agentnet.cards import CapabilityCard
from agentnet.directory.inmemory import InMemorySource
from agentnet.directory.query import SearchFilters
from agentnet.errors import PlanningError
from agentnet.planner import validate
from agentnet.planner.plan import Alternate, Plan, Step, StepInput
from agentnet.planner.validate import Validation


# Repairs loop until the plan is sound: a regression that never ends must fail in seconds, not hang the run.
def validate_plan(*args: Any, **kwargs: Any) -> Validation:
    result: Validation = call_within(30, validate.validate_plan, *args, **kwargs)
    return result


def ensure_valid(*args: Any, **kwargs: Any) -> Plan:
    plan: Plan = call_within(30, validate.ensure_valid, *args, **kwargs)
    return plan


CARDS = [
    CapabilityCard(id="fetch", description="Fetch a web page", input_types=["url"], output_types=["text"]),
    CapabilityCard(id="summarize", description="Summarize a text", input_types=["text"], output_types=["text"]),
    CapabilityCard(id="caption", description="Describe a photo", input_types=["image"], output_types=["text"]),
    CapabilityCard(id="upscale", description="Upscale a photo", input_types=["image"], output_types=["image"]),
    CapabilityCard(
        id="cloud-summarize",
        description="Summarize a text with a hosted model",
        locality="remote",
        data_leaves_host=True,
        cost_per_1k_input=0.5,
    ),
]


@pytest.fixture(scope="module")
def source() -> InMemorySource:
    return InMemorySource(CARDS)


def step(step_id: str, card: str, *deps: str, **extra: object) -> Step:
    inputs = [StepInput(kind="step", step=d) for d in deps] or [StepInput(kind="user", value="task")]
    return Step(id=step_id, capability=card, instruction=f"use {card}", inputs=inputs, **extra)  # type: ignore[arg-type]


def test_valid_plan_passes_untouched(source: InMemorySource) -> None:
    plan = Plan(task="t", steps=[step("s1", "fetch"), step("s2", "summarize", "s1")])
    result = validate_plan(plan, source)
    assert result.ok and result.problems == []
    assert result.plan.notes == [] and result.plan.source == "model"


def test_cycle_is_broken_and_recorded(source: InMemorySource) -> None:
    plan = Plan(task="t", steps=[step("s1", "summarize", "s2"), step("s2", "summarize", "s1")])
    strict = validate_plan(plan, source, repair=False)
    assert not strict.ok and any(p.code == "cycle" for p in strict.unrepaired)
    repaired = ensure_valid(plan, source)
    assert any("cycle" in note for note in repaired.notes)
    assert repaired.source == "repaired"
    order = [s.id for s in repaired.steps]
    for index, s in enumerate(repaired.steps):
        assert all(order.index(dep) < index for dep in s.depends_on)


def test_dangling_input_is_relinked_by_type(source: InMemorySource) -> None:
    plan = Plan(task="t", steps=[step("s1", "fetch"), step("s2", "summarize", "s9")])
    repaired = ensure_valid(plan, source)
    assert repaired.step("s2").depends_on == ["s1"]
    assert any("'s9'" in note and "re-linked" in note for note in repaired.notes)


def test_self_reference_is_dropped(source: InMemorySource) -> None:
    plan = Plan(task="t", steps=[step("s1", "summarize", "s1")])
    repaired = ensure_valid(plan, source)
    assert repaired.step("s1").depends_on == []
    assert repaired.step("s1").inputs[0].kind == "user"


def test_type_mismatch_is_relinked_or_reads_user_input(source: InMemorySource) -> None:
    # caption accepts an image; summarize produces text. upscale (an image) is the right producer.
    plan = Plan(
        task="t",
        steps=[step("s1", "upscale"), step("s2", "summarize"), step("s3", "caption", "s2")],
    )
    strict = validate_plan(plan, source, repair=False)
    assert [p.code for p in strict.unrepaired] == ["type_mismatch"]
    repaired = ensure_valid(plan, source)
    assert repaired.step("s3").depends_on == ["s1"]
    lonely = ensure_valid(Plan(task="t", steps=[step("s1", "summarize"), step("s2", "caption", "s1")]), source)
    assert lonely.step("s2").depends_on == [] and lonely.step("s2").inputs[0].kind == "user"
    assert any("type" in note for note in lonely.notes)


def test_unknown_collaborator_gets_best_allowed_alternate(source: InMemorySource) -> None:
    ghost = step(
        "s1",
        "ghost",
        alternates=[Alternate(card_id="also-missing", score=0.9), Alternate(card_id="summarize", score=0.5)],
    )
    repaired = ensure_valid(Plan(task="t", steps=[ghost]), source)
    assert repaired.steps[0].capability == "summarize"
    assert any("'ghost' is not in the directory" in note for note in repaired.notes)


def test_policy_violations_are_substituted(source: InMemorySource) -> None:
    remote = step("s1", "cloud-summarize", alternates=[Alternate(card_id="summarize", score=0.8)])
    plan = Plan(task="t", steps=[remote])
    for filters in (SearchFilters(local_only=True), SearchFilters(keep_data_on_host=True), SearchFilters(max_cost=0.1)):
        repaired = ensure_valid(plan, source, filters)
        assert repaired.steps[0].capability == "summarize", filters
        assert repaired.notes and "cloud-summarize" in repaired.notes[0]


def test_unrepairable_plans_are_refused() -> None:
    remote_only = InMemorySource([CARDS[-1]])
    plan = Plan(task="t", steps=[step("s1", "cloud-summarize")])
    with pytest.raises(PlanningError, match="not local"):
        ensure_valid(plan, remote_only, SearchFilters(local_only=True))
    with pytest.raises(PlanningError, match="no steps"):
        ensure_valid(Plan(task="t"), remote_only)


def test_step_budget_is_enforced(source: InMemorySource) -> None:
    plan = Plan(task="t", steps=[step("s1", "fetch"), step("s2", "summarize", "s1"), step("s3", "summarize", "s2")])
    with pytest.raises(PlanningError, match="at most 2"):
        ensure_valid(plan, source, max_steps=2)


def test_out_of_order_and_duplicate_ids_are_repaired(source: InMemorySource) -> None:
    plan = Plan(task="t", steps=[step("s2", "summarize", "s1"), step("s1", "fetch"), step("s1", "summarize")])
    repaired = ensure_valid(plan, source)
    ids = [s.id for s in repaired.steps]
    assert len(set(ids)) == 3
    assert ids.index("s1") < ids.index("s2")
    assert any("reordered" in note for note in repaired.notes) and any("renamed" in note for note in repaired.notes)
