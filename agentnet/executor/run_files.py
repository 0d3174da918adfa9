"""A run's folder: the files a run reads and writes, stored by content hash.

``$AGENTNET_HOME/runs/<run_id>/artifacts/<sha256>.<ext>`` holds every input handed to the run that
is not plain text and every file a step produced (a tool's audio, an image). Checkpoints, traces and
step results keep only a reference (name, media type, size, sha256, path), so a 50 MB image never
enters the run database, and a resumed run finds the same bytes. The same content stored twice is
one file.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from agentnet.artifacts import MAX_ARTIFACT_BYTES, kind_of, too_large
from agentnet.errors import UserError
from agentnet.home import agentnet_home
from agentnet.wording import plural

_CHUNK = 1024 * 1024
_SAFE_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,8}$")


def check_run_id(run_id: object) -> None:
    """A run id a caller chose names a folder: letters, digits, '.', '-', '_' (not "." or ".."), 1 to 128."""
    if not isinstance(run_id, str) or not re.fullmatch(r"[A-Za-z0-9_.-]{1,128}", run_id) or run_id in (".", ".."):
        # A number failed on "expected string or bytes-like object", and "" ran under a new id unsaid.
        raise UserError(
            f"{run_id!r} is not a run id", hint="run ids are 1 to 128 letters, digits, '.', '-', '_' (a str)"
        )


def run_folder(run_id: str) -> Path:
    """The folder of one run (not created here)."""
    check_run_id(run_id)
    return agentnet_home() / "runs" / run_id


def _suffix(name: str, media_type: str) -> str:
    suffix = Path(name).suffix.lower()
    if _SAFE_SUFFIX.match(suffix):
        return suffix
    return mimetypes.guess_extension(media_type) or ""


class RunFiles:
    """The artifacts folder of one run; files over ``max_bytes`` are refused."""

    def __init__(self, run_id: str, max_bytes: int = MAX_ARTIFACT_BYTES) -> None:
        self.folder = run_folder(run_id) / "artifacts"
        self.max_bytes = max_bytes

    def _ref(self, name: str, media_type: str, size: int, digest: str) -> dict[str, Any]:
        path = self.folder / f"{digest}{_suffix(name, media_type)}"
        return {
            "name": name,
            "media_type": media_type,
            "kind": kind_of(media_type),
            "size": size,
            "sha256": digest,
            "path": str(path),
        }

    def put_bytes(self, data: bytes, name: str, media_type: str | None = None) -> dict[str, Any]:
        """Store ``data`` (once per content) and return its reference."""
        if len(data) > self.max_bytes:
            raise too_large(name, len(data), self.max_bytes)
        media_type = media_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        ref = self._ref(name, media_type, len(data), hashlib.sha256(data).hexdigest())
        if not Path(ref["path"]).is_file():
            _incoming(self.folder, lambda handle: handle.write(data)).replace(ref["path"])
        return ref

    def put_file(self, source: Path, name: str | None = None, media_type: str | None = None) -> dict[str, Any]:
        """Copy a file in (hashed while copied, never read whole into memory) and return its reference."""
        name = name or source.name
        size = source.stat().st_size
        if size > self.max_bytes:
            raise too_large(str(source), size, self.max_bytes)
        media_type = media_type or mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        digest = hashlib.sha256()

        def copy(handle: Any) -> None:
            with source.open("rb") as reader:
                while chunk := reader.read(_CHUNK):
                    digest.update(chunk)
                    handle.write(chunk)

        incoming = _incoming(self.folder, copy)
        ref = self._ref(name, media_type, size, digest.hexdigest())
        incoming.replace(ref["path"])
        return ref

    def listing(self) -> list[dict[str, Any]]:
        """The stored files (path and size), oldest first."""
        if not self.folder.is_dir():
            return []
        files = [p for p in self.folder.iterdir() if p.is_file() and not p.name.startswith(".")]
        return [{"path": str(p), "size": p.stat().st_size} for p in sorted(files, key=lambda p: p.stat().st_mtime)]


def _incoming(folder: Path, write: Any) -> Path:
    """A new file in ``folder`` written by ``write(handle)`` and synced; renamed into place by the caller."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".incoming-", delete=False) as handle:
        try:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise
    return Path(handle.name)


def is_ref(value: Any) -> bool:
    """A file reference (this module's, or an input record that names a file)."""
    return isinstance(value, dict) and isinstance(value.get("path"), str) and isinstance(value.get("media_type"), str)


def store_inputs(run_id: str, inputs: dict[str, Any], max_bytes: int = MAX_ARTIFACT_BYTES) -> dict[str, Any]:
    """A run's inputs as its state keeps them: text stays text; a file (a ``Path``, bytes, or the
    record of a file handed over, such as an image) is copied into the run folder and replaced by
    its reference, so the run reads its own copy, also when resumed after the original moved."""
    files = RunFiles(run_id, max_bytes)
    stored: dict[str, Any] = {}
    for name, value in inputs.items():
        if isinstance(value, Path):
            stored[name] = files.put_file(value, name=value.name)
        elif isinstance(value, bytes):
            stored[name] = files.put_bytes(value, name)
        elif is_ref(value) and not Path(value["path"]).is_relative_to(files.folder):
            stored[name] = files.put_file(Path(value["path"]), value.get("name"), value["media_type"])
        else:
            stored[name] = value
    return stored


def describe(ref: dict[str, Any]) -> str:
    size = plural(int(ref.get("size", 0)), "byte", grouped=True)
    return f"{ref.get('name') or Path(ref['path']).name} ({ref['media_type']}, {size})"
