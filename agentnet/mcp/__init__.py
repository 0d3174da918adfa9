"""MCP servers as collaborators: each tool of a server becomes a node ``<server>.<tool>`` with its card.

``store`` keeps the servers added with ``agentnet mcp add`` (and the last tool list of every server),
``cards`` turns a tool into a capability card, ``session`` holds one live MCP session per server per
process (the ``mcp`` SDK is imported there, on first use), ``arguments`` fills a tool's arguments
under its input schema, ``node`` is the tool as a ``ModelNode``, and ``servers`` attaches them.
"""
