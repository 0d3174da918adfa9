"""Opening the cards collection: created on first use, a stopped rebuild finished, and the embedder it
was indexed with checked against the one this process embeds with (``Directory`` opens it this way)."""

from __future__ import annotations

from typing import Any

from agentnet.directory import chroma
from agentnet.directory.rebuild import finish_rebuild
from agentnet.errors import DirectoryError


def open_collection(
    client: Any, name: str, embedder: chroma.Embedder, location: str, *, rebuild: bool
) -> tuple[Any, bool]:
    """The collection ``name`` and whether it was indexed with another embedder (only allowed with
    ``rebuild``: then nothing but re-embedding may be done with it)."""
    wanted = {"embedder": embedder.name, "dimension": embedder.dimension, "agentnet_format": 1}
    try:
        # Opened without an embedding function first: a collection built with another
        # embedder must be reported by name, not refused by chroma's config check.
        collection = chroma.collection_or_none(client, name)
        if collection is None:
            collection = finish_rebuild(client, name) or client.get_or_create_collection(
                name,
                embedding_function=chroma.embedding_function(embedder),
                metadata=wanted,
                configuration={"hnsw": {"space": "cosine"}},
            )
    except Exception as exc:  # noqa: BLE001 - chromadb raises its own and sqlite errors here
        raise DirectoryError(
            f"cannot open collection {name!r} in the directory at {location}: {type(exc).__name__}: {exc}",
            hint="check the collection name (3-512 characters: letters, digits, . _ -); if the folder is "
            "damaged, restore it or move it away and re-import (nothing was deleted)",
            code="directory_corrupt",
        ) from None
    stored = collection.metadata or {}
    if stored.get("embedder") == embedder.name and stored.get("dimension") == embedder.dimension:
        return collection, False
    if rebuild:
        return collection, True
    raise DirectoryError(
        f"the directory at {location} (collection {name!r}) was indexed with embedder "
        f"{stored.get('embedder')!r} ({stored.get('dimension')}-d), but this process embeds with "
        f"{embedder.name!r} ({embedder.dimension}-d)",
        hint="re-embed its cards with this embedder: `agentnet directory reindex` (every card is kept), "
        "or open it with the embedder it was built with",
        code="directory_embedder_mismatch",
    )
