"""Re-embedding a directory indexed with another embedder (``agentnet directory reindex``) without a
moment in which a card is missing: the new collection is filled beside the old one, marked complete,
and only then swapped in; a rebuild stopped before the swap finished is finished on the next open."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agentnet.directory import chroma

Progress = Callable[[int, int], None]  # (entries done, total)

_CHUNK = 500


def rebuilt_name(name: str) -> str:
    return f"{name}.reindexed"


def finish_rebuild(client: Any, name: str) -> Any:
    """The collection ``name`` when a rebuild stopped between dropping the old collection and renaming
    the new, complete one (then renamed now); None otherwise."""
    rebuilt = chroma.collection_or_none(client, rebuilt_name(name))
    if rebuilt is None or not (rebuilt.metadata or {}).get("complete"):
        return None
    rebuilt.modify(name=name)
    return client.get_collection(name)


def rebuild_collection(client: Any, old: Any, embedder: chroma.Embedder, progress: Progress | None) -> Any:
    """Every entry of ``old`` (documents and metadata, publishers' marks included) embedded again with
    ``embedder`` into a new collection that then takes ``old``'s name; returns it."""
    name = old.name
    if chroma.collection_or_none(client, rebuilt_name(name)) is not None:
        client.delete_collection(rebuilt_name(name))  # what an earlier, interrupted rebuild left
    metadata = {"embedder": embedder.name, "dimension": embedder.dimension, "agentnet_format": 1}
    new = client.create_collection(
        rebuilt_name(name),
        embedding_function=chroma.embedding_function(embedder),
        metadata=metadata,
        configuration={"hnsw": {"space": "cosine"}},
    )
    offset, total = 0, old.count()
    while True:
        chunk = old.get(include=["documents", "metadatas"], limit=_CHUNK, offset=offset)
        if not chunk["ids"]:
            break
        documents = list(chunk["documents"] or [])
        new.upsert(
            ids=chunk["ids"],
            embeddings=embedder.embed(documents),
            documents=documents,
            metadatas=list(chunk["metadatas"] or []),
        )
        offset += len(chunk["ids"])
        if progress is not None:
            progress(offset, total)
    new.modify(metadata={**metadata, "complete": True})
    client.delete_collection(name)
    new.modify(name=name)
    return client.get_collection(name)
