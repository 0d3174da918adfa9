"""Everything that touches chromadb directly: the embedding function, opening clients, the folder check.

chromadb is imported inside functions only (``agentnet --help`` must stay instant).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlparse

from agentnet.directory.lock import LOCK_NAME, WriterLock
from agentnet.errors import DirectoryError

if TYPE_CHECKING:
    import numpy as np

MARKER_NAME = "agentnet-directory.json"
# The file chromadb's PersistentClient keeps its index in: none yet means nothing was ever indexed.
INDEX_NAME = "chroma.sqlite3"
FORMAT_VERSION = 1


class Embedder(Protocol):
    """What the directory needs from an embedding model (``MiniLMEmbedder`` is one)."""

    name: str
    dimension: int

    def embed(self, texts: list[str]) -> np.ndarray: ...


class _UnavailableEmbedder:
    def __init__(self, config: dict[str, Any]) -> None:
        self.name = str(config.get("model"))
        self.dimension = int(config.get("dimension") or 0)

    def embed(self, texts: list[str]) -> np.ndarray:
        raise DirectoryError(f"the embedding model {self.name!r} is not available in this process")


_ef_class: Any = None
_ef_lock = threading.Lock()


def embedding_function(embedder: Embedder) -> Any:
    """A chroma EmbeddingFunction around ``embedder`` (registered once; never chroma's default)."""
    return register_embedding_function()(embedder)


def register_embedding_function() -> Any:
    """The chroma EmbeddingFunction class of agentnet's embedders, registered with chroma by name once."""
    global _ef_class
    with _ef_lock:
        if _ef_class is None:
            _ef_class = _define_ef_class()
    return _ef_class


def _define_ef_class() -> Any:
    from chromadb.api.types import Documents, EmbeddingFunction
    from chromadb.utils.embedding_functions import register_embedding_function

    @register_embedding_function
    class AgentnetEmbeddingFunction(EmbeddingFunction[Documents]):
        def __init__(self, embedder: Embedder) -> None:
            self.embedder = embedder

        def __call__(self, input: Documents) -> Any:
            return list(self.embedder.embed(list(input)))

        @staticmethod
        def name() -> str:
            return "agentnet"

        def default_space(self) -> Any:
            return "cosine"

        def get_config(self) -> dict[str, Any]:
            return {"model": self.embedder.name, "dimension": self.embedder.dimension}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> AgentnetEmbeddingFunction:
            # chroma rebuilds the function from a stored config when a collection is opened without
            # one. Only the shipped model can embed; any other name gets a placeholder so that
            # opening still works and the directory can report the mismatch by name.
            from agentnet.directory.embedder import MODEL_NAME, shared_embedder

            if config.get("model") == MODEL_NAME:
                return AgentnetEmbeddingFunction(shared_embedder())
            return AgentnetEmbeddingFunction(_UnavailableEmbedder(config))

    return AgentnetEmbeddingFunction


def _settings() -> Any:
    import chromadb

    return chromadb.Settings(anonymized_telemetry=False, allow_reset=False)


def http_client(url: str, source: str | None = None) -> Any:
    """A chromadb HttpClient for ``url``; an unreachable server is a DirectoryError naming the URL and
    ``source``, the config file that set it."""
    parsed = urlparse(url)
    setting = f"directory.url in {source}" if source else "directory.url"
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        raise DirectoryError(
            f"{setting} {url!r} is not an http(s) URL",
            hint="write it as http://host:port (the address of a `chroma run` server)",
            code="directory_bad_url",
        )
    import chromadb

    port = parsed.port or (443 if parsed.scheme == "https" else 8000)
    client = None
    try:
        client = chromadb.HttpClient(
            host=parsed.hostname, port=port, ssl=parsed.scheme == "https", settings=_settings()
        )
        client.heartbeat()
    except Exception as exc:  # noqa: BLE001 - chromadb/httpx raise many types for "cannot connect"
        if client is not None:
            close_client(client)
        raise _unreachable(url, parsed.hostname, port, exc, setting) from None
    return client


def _unreachable(url: str, host: str, port: int, exc: BaseException, setting: str) -> DirectoryError:
    """Why a chroma server could not be used, from the first cause of chromadb's "Could not connect to a
    Chroma server. Are you sure it is running?": every failure was told to start the server, also one
    that was running behind the other scheme or with a certificate this machine does not trust."""
    root = exc
    while root.__cause__ is not None or root.__context__ is not None:
        root = root.__cause__ or root.__context__  # type: ignore[assignment]
    reason = f"{type(root).__name__}: {root}"
    hint = (
        _scheme_hint(url, host, port, root)
        or (f"start it (`chroma run --host {host} --port {port} --path DIR`) or fix directory.url")
    ).replace("directory.url", setting)
    return DirectoryError(f"cannot reach the chroma server at {url}: {reason}", hint=hint)


def _scheme_hint(url: str, host: str, port: int, root: BaseException) -> str | None:
    """The hint when something answered at ``host:port``, but not as ``url``'s scheme expects."""
    import ssl

    https = url.startswith("https")
    if isinstance(root, ssl.SSLCertVerificationError):
        return (
            f"the server at {host}:{port} speaks TLS, but its certificate is not one this machine trusts "
            f"({root.verify_message}): give it a certificate from a trusted CA, or fix directory.url"
        )
    if isinstance(root, ssl.SSLError) and https:
        # `chroma run` serves plain HTTP; TLS needs a proxy in front of it.
        return (
            f"the server at {host}:{port} does not speak TLS: a plain `chroma run` is http, so write directory.url "
            f"as http://{host}:{port} (or put a TLS proxy in front of the server)"
        )
    if isinstance(root, ConnectionResetError) and not https:  # a TLS server resets a plain HTTP request
        return (
            f"something listens at {host}:{port} but reset the connection: if it serves TLS, write directory.url "
            f"as https://{host}:{port}; else check that it is a `chroma run` server"
        )
    return None


def close_client(client: Any) -> None:
    """Release a client and, for HTTP clients, close the httpx sessions chroma leaves open.

    Each HttpClient (and the admin client it creates) gets its own system, so closing their sessions
    cannot affect another client; embedded clients share a per-path system that ``close`` refcounts.
    """
    servers = [getattr(c, "_server", None) for c in (client, getattr(client, "_admin_client", None)) if c]
    with _systems_lock:
        client.close()
    for server in servers:
        session = getattr(server, "_session", None)
        if session is not None and hasattr(session, "close") and type(server).__name__ == "FastAPI":
            session.close()


def check_folder(folder: Path) -> None:
    """Refuse anything that is not an agentnet directory folder (never adopt or wipe foreign data)."""
    if folder.exists() and not folder.is_dir():
        raise DirectoryError(
            f"the directory path {folder} is a file, not a folder",
            hint="point directory.path at a folder (or remove the file)",
            code="directory_foreign",
        )
    marker = folder / MARKER_NAME
    if folder.is_dir() and not marker.exists():
        others = sorted(p.name for p in folder.iterdir() if p.name != LOCK_NAME)
        if others:
            listing = ", ".join(others[:5]) + (" …" if len(others) > 5 else "")
            raise DirectoryError(
                f"{folder} is not an agentnet directory (it holds {listing} but no {MARKER_NAME})",
                hint="point directory.path at an empty or new folder; agentnet never writes into a folder it "
                "did not create",
                code="directory_foreign",
            )
    if marker.exists():
        try:
            info = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DirectoryError(
                f"{marker} is unreadable ({exc}); the directory at {folder} looks corrupt",
                hint="restore it from a backup or move the folder away and re-import; nothing was deleted",
                code="directory_corrupt",
            ) from None
        if not isinstance(info, dict) or info.get("format") != FORMAT_VERSION:
            raise DirectoryError(
                f"{folder} has directory format {info.get('format') if isinstance(info, dict) else info!r}; "
                f"this agentnet reads format {FORMAT_VERSION}",
                hint="use the agentnet version that created it, or move the folder away and re-import",
                code="directory_corrupt",
            )


# chroma shares one system per folder among a process's clients, counting them, and neither makes nor
# drops it under a lock: two threads opening and closing the same folder (two Networks of one app, each
# reopening the directory for a plan) failed ~half the time with "KeyError: '<folder>'" or "'RustBindingsAPI'
# object has no attribute 'bindings'", reported as a corrupt directory.
_systems_lock = threading.RLock()


def persistent_client(folder: Path) -> Any:
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / MARKER_NAME
    if not marker.exists():
        marker.write_text(json.dumps({"format": FORMAT_VERSION, "created_by": "agentnet"}) + "\n", encoding="utf-8")
    import chromadb

    try:
        with _systems_lock:
            return chromadb.PersistentClient(path=str(folder), settings=_settings())
    except Exception as exc:  # noqa: BLE001 - a damaged sqlite/segment surfaces as many exception types
        raise DirectoryError(
            f"cannot open the directory at {folder}: {type(exc).__name__}: {exc}",
            hint="the folder looks corrupt: restore it from a backup or move it away and re-import; "
            "nothing was deleted",
            code="directory_corrupt",
        ) from None


# One writer lock per folder per process: several Directory objects in one process share chroma's
# cached client, so they may share the lock too.
_held: dict[str, tuple[WriterLock, int]] = {}
_held_lock = threading.Lock()


def acquire_folder(folder: Path, timeout_s: float) -> None:
    key = str(folder)
    with _held_lock:
        if key in _held:
            lock, refs = _held[key]
            _held[key] = (lock, refs + 1)
            return
        folder.mkdir(parents=True, exist_ok=True)
        lock = WriterLock(folder, timeout_s)
        lock.acquire()
        _held[key] = (lock, 1)


def release_folder(folder: Path) -> bool:
    """Release one reference; True when this process no longer holds the folder."""
    key = str(folder)
    with _held_lock:
        if key not in _held:
            return True
        lock, refs = _held[key]
        if refs > 1:
            _held[key] = (lock, refs - 1)
            return False
        del _held[key]
        lock.release()
        return True


def write_stamp(folder: Path, collection: str) -> str | None:
    """chromadb's own mark of the last write to the embedded folder: the collection's id and the newest
    sequence number of chroma's write log, read with sqlite3 alone (no chromadb import).

    Every add, upsert, update and delete, by any chroma client, appends to that log (``embeddings_queue``)
    under a larger number; chroma trims old entries but keeps the newest, and a re-created collection has
    a new id. So an equal stamp means nothing was written in between. None when it cannot be told (no
    index, no such collection, a schema this code does not know, the file busy): nothing is trusted then.
    """
    path = folder / INDEX_NAME
    if not path.is_file():
        return None
    try:
        # Read-only, and a writer holding the file for more than half a second makes this None.
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=0.5)
        try:
            ids = conn.execute("SELECT id FROM collections WHERE name = ?", (collection,)).fetchall()
            (newest,) = conn.execute("SELECT max(seq_id) FROM embeddings_queue").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    if len(ids) != 1 or not isinstance(newest, int):
        return None
    return f"{ids[0][0]}:{newest}"


def collection_or_none(client: Any, name: str) -> Any:
    """The collection ``name``, or None when the client has none by that name."""
    from chromadb.errors import NotFoundError

    # Opened without a function, chroma rebuilds the stored one by its name from its registry: ours must
    # be registered first, or chroma warns on stderr ("Could not reconstruct embedding function agentnet").
    register_embedding_function()
    try:
        return client.get_collection(name)
    except NotFoundError:
        return None
