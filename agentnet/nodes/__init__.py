"""Nodes: every model or tool behind one interface (floor 2). Adapters import their engines lazily."""
