"""Plugins (floor 1): pluggy hooks through the ``agentnet`` entry-point group, like simonw/llm.

``hookimpl`` marks a plugin's hook functions (``agentnet.hookimpl`` is the same object); the hooks
are in ``hookspecs``; ``manager`` loads plugins on first use; ``kinds`` holds what they register
once per process (adapter kinds, card importers, doctor checks).
"""

from agentnet.plugins.hookspecs import hookimpl, hookspec

__all__ = ["hookimpl", "hookspec"]
