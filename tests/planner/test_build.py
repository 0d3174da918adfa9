"""``build_planner``: the planner model is checked when the planner is built and built itself only when
the planner first consults it (a plan from retrieval never imports a model engine or LangChain)."""

from __future__ import annotations

from typing import Any

import pytest

from agentnet.config import AgentnetConfig, PlannerSettings
from agentnet.directory.inmemory import InMemorySource
from agentnet.errors import NotFoundError
from agentnet.nodes.registry import NodeRegistry
from agentnet.planner.build import build_planner
from agentnet.planner.tuning import model_mode_for


def counted(registry: NodeRegistry) -> list[str]:
    """The ids ``registry`` builds nodes for from now on."""
    built: list[str] = []
    node = registry.node

    def counting(node_id: str | None = None) -> Any:
        built.append(str(node_id))
        return node(node_id)

    registry.node = counting  # type: ignore[method-assign]
    return built


def test_the_planner_model_is_built_at_its_first_consult_only() -> None:
    config = AgentnetConfig(planner=PlannerSettings(use_memory=False))
    registry = NodeRegistry(config)
    built = counted(registry)
    planner = build_planner(config, InMemorySource(registry.cards()), registry)
    plan = planner.plan("Count the words of this text: bees make honey")
    assert plan.steps and built == []  # planned from retrieval: no node was built
    assert planner.model is not None and planner.model.node_id == "smollm2"
    assert planner.model is planner.model and built == ["smollm2"]  # built once


def test_an_unknown_planner_model_is_an_error_naming_the_setting_when_the_planner_is_built() -> None:
    config = AgentnetConfig(planner=PlannerSettings(model="nope", use_memory=False))
    registry = NodeRegistry(config)
    with pytest.raises(NotFoundError, match=r"planner\.model in agentnet\.yaml.*'nope'"):
        build_planner(config, InMemorySource(registry.cards()), registry)
    with pytest.raises(NotFoundError, match=r"--model.*'gone'"):
        build_planner(config, InMemorySource(registry.cards()), registry, model="gone")
    assert build_planner(config, InMemorySource([]), registry, use_model=False).model is None


@pytest.mark.parametrize(
    ("consult", "model", "role"),
    [
        ("auto", "smollm2", "off"),
        ("auto", "gpt-4o", "assist"),
        ("off", "gpt-4o", "off"),
        ("decompose", "smollm2", "decompose"),
    ],
)
def test_planner_consult_sets_the_models_role(consult: str, model: str, role: str) -> None:
    assert model_mode_for(consult, model) == role
