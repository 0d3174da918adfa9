"""Keep the directory in step with the configured models.

The directory layer never imports ``nodes/``: callers pass the cards (``NodeRegistry.cards()``), or
let ``config_cards`` derive them from the config (``ModelSpec.capability_card()``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from agentnet.cards import CapabilityCard
from agentnet.directory.store import Directory, Progress

if TYPE_CHECKING:
    from agentnet.config import AgentnetConfig

MODEL_PROVIDER = "model"


def config_cards(config: AgentnetConfig) -> list[CapabilityCard]:
    return [spec.capability_card() for spec in config.models]


def sync_models(
    directory: Directory, cards: Iterable[CapabilityCard], progress: Progress | None = None
) -> dict[str, int]:
    """Register new/changed model cards and delete cards of models no longer configured.

    Only cards with ``provider == "model"`` are compared, so imported and external cards stay.
    """
    model_cards = [c if c.provider == MODEL_PROVIDER else c.model_copy(update={"provider": MODEL_PROVIDER})
                   for c in cards]  # fmt: skip
    return directory.sync(model_cards, provider=MODEL_PROVIDER, progress=progress)


def open_configured(config: AgentnetConfig, *, readonly: bool = False) -> Directory:
    """The directory the config's ``directory:`` section names (embedded under the home by default)."""
    return Directory.from_settings(config.directory, readonly=readonly)
