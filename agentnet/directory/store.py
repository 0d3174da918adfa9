"""``Directory``: capability cards vector-indexed in chromadb (embedded folder or ``chroma run`` server).

One collection holds one entry per card and one per skill (see ``entries``). Writes are incremental by
content hash: an unchanged card is never re-embedded, and opening never embeds anything. In embedded
mode a writable Directory holds the folder's writer lock from open to ``close()`` (a second writer
waits ``lock_timeout_s`` then gets an error naming the folder and the pid); pass ``readonly=True`` to
search without it. Bulk writes commit in batches and report each committed batch to ``progress``,
so after a crash the directory holds exactly the acknowledged batches (each batch is one chroma write).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from agentnet import telemetry
from agentnet.cards import CapabilityCard
from agentnet.directory import chroma, lookups, manifest, snapshot
from agentnet.directory.collection import open_collection
from agentnet.directory.entries import (
    ORIGIN_PREFIX,
    Entry,
    card_entries,
    card_entry_id,
    origin_key,
    origins,
    where_clause,
)
from agentnet.directory.query import Candidate, SearchFilters
from agentnet.directory.ranking import ranked_candidates
from agentnet.errors import ConfigError, DirectoryError, NotFoundError

DEFAULT_COLLECTION = "agentnet_cards"
Progress = Callable[[int, int], None]  # (cards done, total)
_P = ParamSpec("_P")
_R = TypeVar("_R")


def _publishes(method: Callable[Concatenate[Directory, _P], _R]) -> Callable[Concatenate[Directory, _P], _R]:
    """A write: once the outermost one returns, the card manifest is brought up to date (``manifest``)."""

    @functools.wraps(method)
    def write(self: Directory, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        self._writes += 1
        try:
            result = method(self, *args, **kwargs)
        finally:
            self._writes -= 1
        if not self._writes:
            self.publish_manifest()
        return result

    return write


class Directory:
    """The capability directory; implements the planner's ``CardSource`` (search / get / cards)."""

    def __init__(
        self,
        *,
        path: str | Path | None = None,
        url: str | None = None,
        collection: str = DEFAULT_COLLECTION,
        embedder: chroma.Embedder | None = None,
        readonly: bool = False,
        lock_timeout_s: float = 10.0,
        batch_size: int = 64,
        origin: str | None = None,
        rebuild: bool = False,
        url_source: str | None = None,
    ) -> None:
        if embedder is None:
            from agentnet.directory.embedder import shared_embedder

            embedder = shared_embedder()
        self.embedder = embedder
        self.url = url
        self.readonly = readonly
        self.batch_size = max(1, batch_size)
        self._origin = origin
        # True when opened (with ``rebuild``) on a collection indexed with another embedder: nothing
        # but ``reindex`` may be done with it until then.
        self._other_embedder = False
        self.folder: Path | None = None
        self._copy: Path | None = None  # what chroma opened instead of ``folder`` when read-only
        self._locked = False
        self._writes = 0  # depth of the write calls under way (the manifest follows the outermost)
        if url:
            self.location = url
            self._client = chroma.http_client(url, url_source)
        else:
            from agentnet.home import agentnet_home

            self.folder = Path(path).expanduser().resolve() if path else agentnet_home() / "directory"
            self.location = str(self.folder)
            chroma.check_folder(self.folder)
            if not readonly:
                # Locked before chroma loads the index, so this process starts from the latest state.
                chroma.acquire_folder(self.folder, lock_timeout_s)
                self._locked = True
            else:
                # chroma writes to any folder it opens: a reader opens a copy (``snapshot``).
                self._copy = snapshot.take(self.folder, collection)
            try:
                self._client = chroma.persistent_client(self._copy or self.folder)
            except DirectoryError:
                self._release()
                raise
        try:
            self._collection, self._other_embedder = open_collection(
                self._client, collection, embedder, self.location, rebuild=rebuild
            )
        except DirectoryError:
            self.close()
            raise

    @classmethod
    def from_settings(cls, settings: Any = None, **kwargs: Any) -> Directory:
        """Open the directory a config's ``directory:`` section describes (default: embedded)."""
        if settings is None:
            from agentnet.config import DirectorySettings

            settings = DirectorySettings()
        kwargs.setdefault("origin", settings.origin)
        kwargs.setdefault("url_source", getattr(settings, "url_source", None))
        return cls(path=settings.path, url=settings.url, collection=settings.collection, **kwargs)

    @staticmethod
    def never_indexed(settings: Any) -> bool:
        """True when the embedded directory ``settings`` describe was never written (no index file):
        it is empty, and saying so needs no chromadb (1.2 s of CPU to import). A server is asked."""
        folder = Directory.embedded_folder(settings)
        if folder is None:
            return False
        chroma.check_folder(folder)
        return not (folder / chroma.INDEX_NAME).exists()

    @staticmethod
    def embedded_folder(settings: Any) -> Path | None:
        """The folder of the embedded directory ``settings`` describe; None for a server's."""
        if settings.url:
            return None
        from agentnet.home import agentnet_home

        return Path(settings.path).expanduser().resolve() if settings.path else agentnet_home() / "directory"

    @property
    def origin(self) -> str:
        """The instance id ``sync`` publishes as (``directory.origin``, else this home's instance id)."""
        if self._origin is None:
            from agentnet.directory.instance import instance_id

            self._origin = instance_id()
        return self._origin

    def _rebuild_collection(self, progress: Progress | None) -> None:
        from agentnet.directory.rebuild import rebuild_collection

        self._collection = rebuild_collection(self._client, self._collection, self.embedder, progress)
        self._other_embedder = False

    # --- lifecycle ----------------------------------------------------------------------------

    def close(self) -> None:
        client = getattr(self, "_client", None)
        if client is not None:
            self._client = None
            chroma.close_client(client)
        self._release()

    def _release(self) -> None:
        if self._locked and self.folder is not None:
            self._locked = False
            chroma.release_folder(self.folder)
        if self._copy is not None:
            snapshot.drop(self._copy)
            self._copy = None

    def __enter__(self) -> Directory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_writable(self) -> None:
        if self.readonly:
            raise DirectoryError(
                f"the directory at {self.location} was opened read-only",
                hint="open it with readonly=False to write",
                code="directory_readonly",
            )

    # --- writes -------------------------------------------------------------------------------

    def register(self, card: CapabilityCard) -> bool:
        """Add or update one card; returns True when something was (re-)embedded."""
        return self.register_many([card]) == 1

    @_publishes
    def register_many(self, cards: Iterable[CapabilityCard], progress: Progress | None = None) -> int:
        """Add or update cards in committed batches; returns how many were new or changed.

        The same id twice in one call is an error (which one should win?); registering an id
        that is already in the directory updates it.
        """
        self._check_writable()
        todo = list(cards)
        _refuse_duplicates(todo)
        known = lookups.stored_hashes(self._collection, [c.id for c in todo])
        changed = [(card, digest) for card in todo if known.get(card.id) != (digest := card.content_hash())]
        skipped = len(todo) - len(changed)
        if progress is not None:
            progress(skipped, len(todo))
        done = skipped
        for start in range(0, len(changed), self.batch_size):
            batch = changed[start : start + self.batch_size]
            self._write_batch(batch, [c.id for c, _ in batch if c.id in known])
            done += len(batch)
            if progress is not None:
                progress(done, len(todo))
        return len(changed)

    def _write_batch(self, batch: list[tuple[CapabilityCard, str]], updated_ids: list[str]) -> None:
        entries: list[Entry] = [e for card, digest in batch for e in card_entries(card, digest)]
        metadatas = [dict(e.metadata) for e in entries]
        if updated_ids:
            # Skills a changed card no longer has must not linger.
            keep = {e.id for e in entries}
            existing = lookups.entry_ids(self._collection, updated_ids)
            stale = [i for i in existing if i not in keep]
            if stale:
                self._collection.delete(ids=stale)
            # chroma's upsert merges metadata: keys the new version lacks (an input type it no longer
            # accepts) are cleared explicitly; publishers' origin marks are kept.
            kept = [i for i in existing if i in keep]
            old = dict(zip(kept, self._collection.get(ids=kept, include=["metadatas"])["metadatas"], strict=True))
            for entry, meta in zip(entries, metadatas, strict=True):
                for key in old.get(entry.id) or {}:
                    if key not in meta and not key.startswith(ORIGIN_PREFIX):
                        meta[key] = None
        vectors = self.embedder.embed([e.document for e in entries])
        self._collection.upsert(
            ids=[e.id for e in entries],
            embeddings=vectors,
            documents=[e.document for e in entries],
            metadatas=metadatas,
        )

    @_publishes
    def remove(self, card_id: str) -> None:
        """Delete a card and its skills; NotFoundError if it is not there."""
        self._check_writable()
        ids = lookups.entry_ids(self._collection, [card_id])
        if not ids:
            raise NotFoundError(
                f"no card {card_id!r} in the directory at {self.location}",
                hint="`agentnet directory list` shows the registered ids",
            )
        self._collection.delete(ids=ids)

    @_publishes
    def sync(
        self, cards: Iterable[CapabilityCard], provider: str = "model", progress: Progress | None = None
    ) -> dict[str, int]:
        """Make the ``provider`` cards this instance publishes equal ``cards``.

        New or changed cards are registered (content: last writer wins) and marked as published by
        ``origin``; cards it no longer publishes lose that mark and are deleted once no instance
        publishes them, so instances sharing a ``chroma run`` directory never delete each other's
        cards. Unmarked cards (written before origins were recorded) count as this instance's in an
        embedded directory, which has one writer, and are left alone on a server. Cards of other
        providers (imported, external, peers) are never touched.
        """
        todo = list(cards)
        mine = origin_key(self.origin)
        unmarked, stale = self._sync_plan(todo, provider)
        changed = self.register_many(todo, progress=progress) if todo else 0
        # Upserts merge metadata, so a rewritten card keeps its marks; only unmarked ones need one.
        self._mark(unmarked, {mine: True})
        if stale:
            self._mark(stale, {mine: None})
            orphans = [
                cid for cid, meta in lookups.card_metadata(self._collection, {}, stale).items() if not origins(meta)
            ]
            if orphans:
                self._collection.delete(ids=lookups.entry_ids(self._collection, orphans))
        return {"changed": changed, "removed": len(stale), "unchanged": len(todo) - changed}

    def _sync_plan(self, todo: list[CapabilityCard], provider: str) -> tuple[list[str], list[str]]:
        """For ``sync``: the ids of ``todo`` not yet marked as this instance's, and the ``provider`` cards
        to withdraw (this instance's, or unmarked ones in an embedded directory, no longer in ``todo``)."""
        mine = origin_key(self.origin)
        stored = lookups.card_metadata(self._collection, {"provider": provider})
        wanted = {c.id for c in todo}
        unmarked = [c.id for c in todo if not stored.get(c.id, {}).get(mine)]
        stale = [
            cid
            for cid, meta in stored.items()
            if cid not in wanted and (meta.get(mine) or (self.url is None and not origins(meta)))
        ]
        return unmarked, stale

    def in_step(self, cards: Iterable[CapabilityCard], provider: str | None = None) -> bool:
        """True when registering ``cards`` (``sync`` with ``provider``) would change nothing: read-only
        callers (``directory list``) then need no writable open, which rewrites chroma's files."""
        todo = list(cards)
        known = lookups.stored_hashes(self._collection, [c.id for c in todo])
        if any(known.get(c.id) != c.content_hash() for c in todo):
            return False
        return provider is None or self._sync_plan(todo, provider) == ([], [])

    def publishers(self, card_id: str) -> list[str]:
        """The instance ids that publish ``card_id`` through ``sync`` (empty if none or unknown)."""
        return origins(lookups.card_metadata(self._collection, {}, [card_id]).get(card_id, {}))

    def publish_manifest(self) -> None:
        """Bring the card manifest beside an embedded folder up to date (a no-op when it is current)."""
        if self.folder is not None and not self._other_embedder:
            # Stamped with the state the cards are read from (a read-only copy's, when it is one).
            manifest.publish(self.folder, self._collection, self.embedder, self._copy or self.folder)

    # --- reads --------------------------------------------------------------------------------

    def get(self, card_id: str) -> CapabilityCard | None:
        found = self._collection.get(ids=[card_entry_id(card_id)], include=["metadatas"])
        if not found["ids"]:
            return None
        return CapabilityCard.model_validate_json(found["metadatas"][0]["card_json"])

    def cards(self) -> list[CapabilityCard]:
        found = self._collection.get(where={"kind": "card"}, include=["metadatas"])
        cards = [CapabilityCard.model_validate_json(m["card_json"]) for m in found["metadatas"]]
        return sorted(cards, key=lambda c: c.id)

    def count(self) -> int:
        """Number of cards (not entries)."""
        return len(lookups.card_ids(self._collection, {}))

    @_publishes
    def reindex(self, progress: Progress | None = None) -> int:
        """Re-embed every card (after changing how entries are built, or into a directory indexed with
        another embedder, opened with ``rebuild=True``); returns the number of cards."""
        self._check_writable()
        if self._other_embedder:
            self._rebuild_collection(progress)
            return self.count()
        cards = self.cards()
        for start in range(0, len(cards), self.batch_size):
            batch = [(c, c.content_hash()) for c in cards[start : start + self.batch_size]]
            self._write_batch(batch, [c.id for c, _ in batch])
            if progress is not None:
                progress(min(start + self.batch_size, len(cards)), len(cards))
        return len(cards)

    def search(self, text: str, k: int = 5, filters: SearchFilters | None = None) -> list[Candidate]:
        """Cards ranked for ``text``: each card's best entry (the card itself or one of its skills)."""
        if k <= 0 or not text.strip():
            return []
        attributes = {"gen_ai.operation.name": "retrieval", "gen_ai.request.top_k": k,
                      "agentnet.query": telemetry.content(text)}  # fmt: skip
        with telemetry.span("retrieval agentnet.directory", attributes) as current:
            found = self.search_vector(text, self.embedder.embed([text])[0], k, filters)
            if current is not None:
                current.set_attribute("agentnet.results", [c.card_id for c in found])
            return found

    def search_vector(
        self, text: str, vector: Any, k: int = 5, filters: SearchFilters | None = None
    ) -> list[Candidate]:
        """``search`` with the query already embedded (``vector`` = embedder output for ``text``)."""
        # A wide shortlist: several entries per card, and enough texts for keyword statistics.
        shortlist = max(50, 10 * k)
        found = self._collection.query(
            query_embeddings=[vector],
            n_results=shortlist,
            where=where_clause(filters),
            include=["documents", "metadatas", "distances"],
        )
        return ranked_candidates(text, found, k, filters)

    def _mark(self, card_ids: list[str], marks: dict[str, Any]) -> None:
        if card_ids:
            self._check_writable()
            lookups.mark(self._collection, card_ids, marks)


def _refuse_duplicates(cards: list[CapabilityCard]) -> None:
    seen: dict[str, int] = {}
    for index, card in enumerate(cards):
        if card.id in seen:
            raise ConfigError(
                f"card id {card.id!r} appears twice (items {seen[card.id]} and {index})",
                hint="give each card its own id, or register the second one separately to update the first",
                code="duplicate_card_id",
            )
        seen[card.id] = index
