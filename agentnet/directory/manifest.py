"""The card manifest: the embedded directory's cards in one JSON file beside chromadb's, so a cold
``agentnet plan`` reads them without importing chromadb (about 1 s of a 2.5 s plan on a 2-core machine).

``agentnet-cards.json`` holds the collection's name, the embedder it was indexed with, every card's JSON
(exactly the ``card_json`` chroma stores, in id order, as ``Directory.cards`` returns them) and content
hash, and the chroma write stamp (``chroma.write_stamp``) read *before* those cards were read. A reader
trusts the file only while chroma's stamp still equals it: any write since, by any process or chroma
client (an older agentnet, a crash between a write and the manifest, a tool of the user's), moved the
stamp, and the reader falls back to chromadb. A write between reading the stamp and reading the cards
leaves a stamp older than the cards, which is never current again: stale, never wrong.

Whoever holds the directory open writes the file after its writes (``Directory`` after each outermost
write, and after a plan had to read chromadb because the file was missing or stale). Writes go to a
temporary file renamed over the old one, so a reader sees one whole version or the other. A directory
served by ``chroma run`` has no manifest: its writers are not agentnet's to count.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentnet.cards import CapabilityCard
from agentnet.directory import chroma

if TYPE_CHECKING:
    from agentnet.directory.chroma import Embedder

log = logging.getLogger(__name__)

MANIFEST_NAME = "agentnet-cards.json"
FORMAT = 1


def publish(folder: Path, collection: Any, embedder: Embedder, opened: Path | None = None) -> None:
    """Write the manifest of ``collection`` (a chroma collection of the embedded ``folder``, opened at
    ``opened`` when that is a read-only copy of it) unless the one there is already current; a folder
    that cannot be written is left as it is (plans read chroma)."""
    stamp = chroma.write_stamp(opened or folder, collection.name)
    # A copy the folder has moved on from (written since it was taken) would give a stale manifest.
    if stamp is None or (opened is not None and stamp != chroma.write_stamp(folder, collection.name)):
        return
    if _body(folder, collection.name, embedder, stamp) is not None:
        return
    # The stamp is read first: a write landing before the cards are read makes this file stale at once.
    try:
        found = collection.get(where={"kind": "card"}, include=["metadatas"])
        cards = sorted(((m["card_id"], m["content_hash"], m["card_json"]) for m in found["metadatas"]), key=_first)
    except Exception as exc:  # noqa: BLE001 - the write before this succeeded; a missing manifest only costs time
        log.warning("cannot read the cards for the manifest in %s (%s); plans read chromadb", folder, exc)
        return
    body = {
        "format": FORMAT,
        "stamp": stamp,
        "collection": collection.name,
        "embedder": [embedder.name, embedder.dimension],
        "cards": [{"id": card_id, "content_hash": digest, "card": text} for card_id, digest, text in cards],
    }
    path = folder / MANIFEST_NAME
    temporary = path.with_name(f".{MANIFEST_NAME}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        temporary.write_text(json.dumps(body, separators=(",", ":")), encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:
        log.debug("cannot write the card manifest %s (%s); plans read chromadb", path, exc)
        temporary.unlink(missing_ok=True)


def current_cards(folder: Path, collection: str, embedder: Embedder) -> list[CapabilityCard] | None:
    """The cards of ``collection`` when the manifest is current (chroma's stamp unchanged since it was
    written, same embedder), in id order; None when it is missing, stale or unreadable."""
    stamp = chroma.write_stamp(folder, collection)
    if stamp is None:
        return None
    body = _body(folder, collection, embedder, stamp)
    if body is None:
        return None
    try:
        return [CapabilityCard.model_validate_json(entry["card"]) for entry in body["cards"]]
    except (KeyError, TypeError, ValueError):  # pydantic's ValidationError is a ValueError
        return None


def _body(folder: Path, collection: str, embedder: Embedder, stamp: str) -> dict[str, Any] | None:
    """The manifest's content when it was written at ``stamp`` for this collection and embedder."""
    try:
        body = json.loads((folder / MANIFEST_NAME).read_bytes())
    except (OSError, ValueError):
        return None
    wanted = {
        "format": FORMAT,
        "stamp": stamp,
        "collection": collection,
        "embedder": [embedder.name, embedder.dimension],
    }
    if not isinstance(body, dict) or any(body.get(key) != value for key, value in wanted.items()):
        return None
    return body


def _first(row: tuple[str, str, str]) -> str:
    return row[0]
