"""The capability directory (floor 2): cards vector-indexed in chromadb, searched by task text."""
