"""The planner as agentnet.yaml describes it: the one builder behind ``agentnet plan``, ``run``, chat and
serve (through ``Network``), so a ``planner:`` setting means the same everywhere.

``planner.model`` plans (unless the caller plans without a model), ``planner.max_steps`` bounds a
plan, ``planner.use_memory`` adds plan memory (``$AGENTNET_HOME/planner/memory.sqlite``: what
``agentnet plan --learn`` taught), ``default_model`` answers what no specialist matches, and the
policies become the ``SearchFilters`` every plan obeys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agentnet.directory.query import CardSource, SearchFilters
from agentnet.directory.scoped import RunnableCards
from agentnet.errors import NotFoundError
from agentnet.planner.planner import Planner
from agentnet.planner.tuning import PlannerTuning, model_mode_for

if TYPE_CHECKING:
    from agentnet.config import AgentnetConfig, PlannerSettings
    from agentnet.nodes.registry import NodeRegistry


def build_planner(
    config: AgentnetConfig,
    source: CardSource,
    registry: NodeRegistry,
    *,
    model: str | None = None,
    use_model: bool = True,
    max_steps: int | None = None,
    general: bool = True,
    wait_for_fit: bool = True,
    runnable_only: bool = True,
) -> Planner:
    """A planner over ``source``; ``model`` replaces ``planner.model``, ``use_model=False`` plans from
    retrieval and types alone, ``general=False`` keeps the config's default model from answering
    what no card in ``source`` matches, ``wait_for_fit=False`` plans without waiting for a fit of plan
    memory (long-running processes: ``planner.fitting``). ``runnable_only`` (the default, for a
    directory) leaves out the model and tool cards this instance has no node for (another instance's,
    in a shared directory: ``directory.scoped``); a tool list to plan with is read whole. Close it
    (``planner.close()``) to release its plan memory."""
    from agentnet.planner.memory import PlanMemory

    settings = config.planner
    model_id = model or settings.model
    if use_model:
        _check_model(registry, model_id, "--model" if model else "planner.model in agentnet.yaml")
    tuning = PlannerTuning(
        max_steps=max_steps or settings.max_steps,
        model_mode=model_mode_for(settings.consult, model_id) if use_model else "off",
        use_memory=settings.use_memory,
        general_model=config.default_model if general else None,
    )
    if runnable_only:
        source = RunnableCards(source, registry.__contains__)
    memory = PlanMemory() if settings.use_memory else None
    factory = (lambda: registry.node(model_id)) if use_model else None
    return Planner(source, None, tuning, memory=memory, model_factory=factory, wait_for_fit=wait_for_fit)


def _check_model(registry: NodeRegistry, model_id: str, setting: str) -> None:
    """An unknown planner model fails when the planner is built, not at its first consult."""
    try:
        registry.card(model_id)
    except NotFoundError as exc:
        raise NotFoundError(f"the planner model ({setting}): {exc.message}", hint=exc.hint) from None


def policy_filters(
    settings: PlannerSettings,
    *,
    local_only: bool = False,
    keep_data_on_host: bool = False,
    max_cost: float | None = None,
) -> SearchFilters:
    """The ``planner:`` policies as search filters; a caller's stricter choice adds to them."""
    return SearchFilters(
        local_only=local_only or settings.local_only,
        keep_data_on_host=keep_data_on_host or settings.keep_data_on_host,
        max_cost=max_cost if max_cost is not None else settings.max_cost,
    )
