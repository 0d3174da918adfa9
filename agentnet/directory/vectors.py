"""Embeddings kept across processes, so a cold ``agentnet plan`` does not embed the same cards again.

The planner reads each card as one text (``planner.similarity.whole_text``) and embeds it; in a fresh
process that was most of a plan (the dozen declared models' cards: 0.8 s of CPU, 2-4 s on a loaded
2-core machine). The vectors are the embedder's own bytes, keyed by the embedder's name and the text's
SHA-256, so a changed card or another model misses and is embedded anew: the planner ranks with the
same numbers whether a vector was computed now or read. Kept in ``$AGENTNET_HOME/cache/vectors.sqlite``;
a cache that cannot be read or written is skipped (the texts are embedded, nothing fails).
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from agentnet.directory.chroma import Embedder

log = logging.getLogger(__name__)

# Oldest rows go beyond this many (a vector is 1.5 KB: about 75 MB at the bound).
MAX_VECTORS = 50_000
_READ_CHUNK = 500  # keys per SELECT, well under SQLite's bound on parameters


class VectorCache:
    """Text -> vector for one embedder, in an SQLite file shared by every process of a home."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._broken = False
        self._lock = threading.Lock()

    def embed(self, embedder: Embedder, texts: list[str]) -> np.ndarray:
        """The vectors of ``texts`` (shape ``(len(texts), dimension)``): stored ones read, the others
        embedded one text at a time (as the planner always did: no padding to a batch's longest text)
        and stored."""
        import numpy as np

        keys = [_key(embedder.name, text) for text in texts]
        found = self._read(keys, embedder.dimension)
        out = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
        new: dict[str, np.ndarray] = {}
        for row, (key, text) in enumerate(zip(keys, texts, strict=True)):
            vector = found.get(key)
            if vector is None:
                vector = new[key] = embedder.embed([text])[0]
            out[row] = vector
        if new:
            self._write(new)
        return out

    def _connect(self) -> sqlite3.Connection | None:
        if self._conn is None and not self._broken:
            conn = None
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=5, check_same_thread=False)
                conn.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
                self._conn = conn
            except (sqlite3.Error, OSError) as exc:
                if conn is not None:
                    conn.close()
                self._give_up(exc)
        return self._conn

    def _read(self, keys: list[str], dimension: int) -> dict[str, np.ndarray]:
        import numpy as np

        rows: list[tuple[str, bytes]] = []
        with self._lock:
            conn = self._connect()
            try:
                for start in range(0, len(keys) if conn is not None else 0, _READ_CHUNK):
                    chunk = keys[start : start + _READ_CHUNK]
                    query = f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})"
                    rows += conn.execute(query, chunk).fetchall()  # type: ignore[union-attr]
            except sqlite3.Error as exc:
                self._give_up(exc)
                return {}
        out: dict[str, np.ndarray] = {}
        for key, blob in rows:
            vector = np.frombuffer(blob, dtype=np.float32)
            if vector.shape == (dimension,):  # anything else was not written by this code: embed again
                out[key] = vector
        return out

    def _write(self, vectors: dict[str, np.ndarray]) -> None:
        import numpy as np

        with self._lock:
            conn = self._connect()
            if conn is None:
                return
            rows = [(key, np.asarray(vector, dtype=np.float32).tobytes()) for key, vector in vectors.items()]
            try:
                with conn:
                    conn.executemany("INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)", rows)
                    conn.execute(
                        "DELETE FROM vectors WHERE rowid <= (SELECT max(rowid) FROM vectors) - ?", (MAX_VECTORS,)
                    )
            except sqlite3.Error as exc:
                self._give_up(exc)

    def _give_up(self, exc: BaseException) -> None:
        # A read-only or damaged cache costs the embedding time, never the plan.
        log.warning("the vector cache %s is not usable (%s); embedding without it", self.path, exc)
        self._broken = True
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def _key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()


_shared: VectorCache | None = None
_shared_lock = threading.Lock()


def shared_cache() -> VectorCache:
    """The cache of the current home, one connection per process (reopened when ``AGENTNET_HOME``
    moves, as it does between tests and embedded uses)."""
    global _shared
    from agentnet.home import agentnet_home

    path = agentnet_home() / "cache" / "vectors.sqlite"
    with _shared_lock:
        if _shared is None or _shared.path != path:
            if _shared is not None:
                _shared.close()
            _shared = VectorCache(path)
        return _shared


def close_shared_cache() -> None:
    """Close this process's connection to the cache file (``Network.close``); the next embedding opens
    it again, so a ``Network`` still open elsewhere in the process loses nothing but a reconnect."""
    with _shared_lock:
        if _shared is not None:
            _shared.close()
