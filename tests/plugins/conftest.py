"""Fixtures the plugin tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agentnet.plugins.manager import plugin_manager


@pytest.fixture
def in_code_plugin() -> Iterator[list[str]]:
    """Plugins added to the process-wide manager for one test, removed afterwards."""
    added: list[str] = []
    yield added
    for name in added:
        plugin_manager().remove(name)
