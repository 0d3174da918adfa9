"""Bundled collaborators (floor 2): offline tools and small models that join the network as nodes.

Deterministic tools (calculator, dates, text statistics, tables, a guarded file reader), MiniLM
embeddings (similarity, search, classification, near-duplicates), OCR (``agentnet[vision]``) and
speech (Debian's espeak-ng). Each registers through the plugin hooks (``collaborators/plugin.py``)
only when what it needs is installed; otherwise its card is listed as unavailable with the extra or
package that would add it. The functions are plain Python: their typed parameters are the tools'
input schemas, filled from a step like any tool's arguments.
"""
