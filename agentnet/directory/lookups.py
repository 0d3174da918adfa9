"""A collection's entries addressed by card id: content hashes, card metadata, entry ids and marks,
asked for in chunks (a card's own entry id is ``card_entry_id``; its skills share its ``card_id``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from agentnet.directory.entries import SEPARATOR, card_entry_id

CHUNK = 500  # ids per get or update call


def chunks(items: list[str], size: int = CHUNK) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def stored_hashes(collection: Any, card_ids: list[str]) -> dict[str, str]:
    """The content hash stored for each of ``card_ids`` that is in the collection."""
    hashes: dict[str, str] = {}
    for chunk in chunks(card_ids):
        found = collection.get(ids=[card_entry_id(c) for c in chunk], include=["metadatas"])
        for meta in found["metadatas"]:
            hashes[meta["card_id"]] = meta["content_hash"]
    return hashes


def mark(collection: Any, card_ids: list[str], marks: dict[str, Any]) -> None:
    """Set (True) or clear (None) metadata keys on card entries, leaving their other keys alone."""
    for chunk in chunks(card_ids):
        collection.update(ids=[card_entry_id(c) for c in chunk], metadatas=[dict(marks) for _ in chunk])


def card_metadata(
    collection: Any, extra: dict[str, Any], card_ids: list[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Card entry metadata by card id: those matching ``extra``, or the given ``card_ids``."""
    if card_ids is not None:
        found: dict[str, dict[str, Any]] = {}
        for chunk in chunks(card_ids):
            got = collection.get(ids=[card_entry_id(c) for c in chunk], include=["metadatas"])
            found.update((m["card_id"], m) for m in got["metadatas"])
        return found
    return {m["card_id"]: m for m in collection.get(where=_cards_where(extra), include=["metadatas"])["metadatas"]}


def entry_ids(collection: Any, card_ids: list[str]) -> list[str]:
    """The ids of every entry (card and skills) of ``card_ids``."""
    ids: list[str] = []
    for chunk in chunks(card_ids):
        where: dict[str, Any] = {"card_id": {"$in": chunk}}
        ids.extend(collection.get(where=where, include=[])["ids"])
    return ids


def card_ids(collection: Any, extra: dict[str, Any]) -> list[str]:
    """The ids of the cards matching ``extra`` (every card for ``{}``)."""
    # Card entry ids are "<card id>#": no metadata (and no card JSON) needs to travel.
    found = collection.get(where=_cards_where(extra), include=[])["ids"]
    return [entry_id.removesuffix(SEPARATOR) for entry_id in found]


def _cards_where(extra: dict[str, Any]) -> dict[str, Any]:
    if not extra:
        return {"kind": "card"}
    return {"$and": [{"kind": "card"}, *({key: value} for key, value in extra.items())]}
