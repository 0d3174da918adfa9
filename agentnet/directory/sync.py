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

# Providers whose cards come from the config/registry: the registry is their source of truth.
REGISTRY_PROVIDERS = ("model", "tool")


def config_cards(config: AgentnetConfig) -> list[CapabilityCard]:
    return [spec.capability_card() for spec in config.models]


def sync_models(
    directory: Directory, cards: Iterable[CapabilityCard], progress: Progress | None = None
) -> dict[str, int]:
    """Make the model and tool cards this instance publishes equal ``cards`` (``NodeRegistry.cards()``).

    New or changed cards are (re-)embedded, unchanged ones are skipped, and model/tool cards this
    instance (``directory.origin``) published but no longer declares are withdrawn: deleted unless
    another instance sharing the directory still publishes the same id (see ``Directory.sync``).
    Imported, external and peer cards are never deleted here; a card in ``cards`` with such a
    provider is only registered.
    """
    todo = list(cards)
    totals = {"changed": 0, "removed": 0, "unchanged": 0}
    for provider in REGISTRY_PROVIDERS:
        group = [c for c in todo if c.provider == provider]
        for key, value in directory.sync(group, provider=provider, progress=progress).items():
            totals[key] += value
    others = [c for c in todo if c.provider not in REGISTRY_PROVIDERS]
    if others:
        changed = directory.register_many(others, progress=progress)
        totals["changed"] += changed
        totals["unchanged"] += len(others) - changed
    return totals


def in_step(directory: Directory, cards: Iterable[CapabilityCard]) -> bool:
    """True when ``sync_models(directory, cards)`` would change nothing (it may then be skipped)."""
    todo = list(cards)
    others = [c for c in todo if c.provider not in REGISTRY_PROVIDERS]
    return directory.in_step(others) and all(
        directory.in_step([c for c in todo if c.provider == provider], provider) for provider in REGISTRY_PROVIDERS
    )


def holds(stored: Iterable[CapabilityCard], cards: Iterable[CapabilityCard], *, embedded: bool = True) -> bool:
    """True when the directory's ``stored`` cards hold every one of ``cards`` (``NodeRegistry.cards()``) as
    it is and, in an ``embedded`` directory (one writer), no model or tool card the registry no longer
    declares: ``sync_models`` would then change nothing. Judged from the cards alone, so a plan reading
    the card manifest can tell without chromadb. A server's directory may hold other instances' model
    cards, which are not this one's to withdraw."""
    stored = list(stored)
    held = {card.id: card.content_hash() for card in stored}
    wanted = {card.id: card.content_hash() for card in cards}
    if any(held.get(card_id) != digest for card_id, digest in wanted.items()):
        return False
    if not embedded:
        return True
    return not any(card.provider in REGISTRY_PROVIDERS and card.id not in wanted for card in stored)


def open_configured(config: AgentnetConfig, *, readonly: bool = False) -> Directory:
    """The directory the config's ``directory:`` section names (embedded under the home by default)."""
    return Directory.from_settings(config.directory, readonly=readonly)
