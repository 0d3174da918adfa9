"""How agentnet writes a count in what it says: ``1 attempt``, ``2 attempts``. One helper for every
floor (it imports nothing), so no message says "1 bytes" or "1 results"."""

from __future__ import annotations


def plural(count: int, noun: str, *, grouped: bool = False) -> str:
    """``1 step``, ``3 steps``; ``grouped``: thousands separated (``1,024 bytes``)."""
    return (f"{count:,}" if grouped else f"{count}") + f" {noun}{'' if count == 1 else 's'}"
