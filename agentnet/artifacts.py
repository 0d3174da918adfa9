"""Artifacts: files and piped data a user hands to a run, described by a small typed record.

An ``Artifact`` names the data (the input key steps read it by), where it came from, its media type,
size and SHA-256, and the planner type it carries (``text``, ``image``, ``audio``, ``video`` or
``file``). Text is read as data for the steps; other types travel as the record itself, for
collaborators that take files. The record is plain pydantic data, so plans and traces keep it and
later kinds of artifacts (outputs passed between steps) can extend it.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import selectors
import stat
from collections.abc import Collection, Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from agentnet.errors import UserError
from agentnet.wording import plural

# Media types that are text although their major type is not "text/".
_TEXT_MEDIA = {"application/json", "application/xml", "application/x-yaml", "application/yaml", "application/toml"}
_KINDS = ("image", "audio", "video")
# Most bytes of one artifact (the default of the ``runs.max_artifact_bytes`` setting); a larger
# input is refused, never silently cut.
MAX_ARTIFACT_BYTES = 256 * 1024 * 1024
# How long a pipe or device handed over as a file may stay silent before it is given up: a FIFO no
# program writes to would otherwise be waited on forever (`--input <(slow command)` gets this long
# for each piece it writes).
QUIET_S = 30.0
_CHUNK = 1024 * 1024


def kind_of(media_type: str) -> str:
    """The data type a planner wires for a media type: text, image, audio, video, or file."""
    major = media_type.split("/", 1)[0]
    if major == "text" or media_type in _TEXT_MEDIA:
        return "text"
    return major if major in _KINDS else "file"


class Artifact(BaseModel):
    """One input the user supplied: a file, or what was piped on stdin."""

    model_config = ConfigDict(extra="forbid")

    name: str
    media_type: str
    size: int
    sha256: str
    path: str | None = None
    # The working directory a relative ``path`` was written in: a run resumed from elsewhere still hands
    # tools this file (executor/handed.py). None for absolute paths and in runs saved before it was kept.
    directory: str | None = None

    @property
    def kind(self) -> str:
        """The data type the planner wires: text, image, audio, video, or file."""
        return kind_of(self.media_type)

    def describe(self) -> str:
        where = self.path or self.name
        return f"{where} ({self.media_type}, {plural(self.size, 'byte', grouped=True)})"


def handed_value(artifact: Artifact, text: str | None) -> str | dict[str, object]:
    """What a run reads for an input: its text, or (for other media) its record, which the run
    copies into its folder."""
    return text if text is not None else artifact.model_dump(mode="json")


def unique(artifact: Artifact, taken: Collection[str]) -> Artifact:
    """The artifact under a name no earlier input has (its path, or a numbered name, when two
    inputs share a file name)."""
    if artifact.name not in taken:
        return artifact
    name = artifact.path if artifact.path and artifact.path not in taken else f"{artifact.name}#{len(taken) + 1}"
    return artifact.model_copy(update={"name": name})


def _record(name: str, data: bytes, media_type: str | None, path: str | None) -> tuple[Artifact, str | None]:
    text: str | None = None
    if media_type is None or media_type.startswith("text/") or media_type in _TEXT_MEDIA:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if media_type is None:
            media_type = "text/plain" if text is not None else "application/octet-stream"
    artifact = Artifact(
        name=name, media_type=media_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(), path=path
    )
    return artifact, text if artifact.kind == "text" else None


def too_large(what: str, size: int | None, limit: int) -> UserError:
    """The error for an artifact over the limit: what it was, both sizes (None: a stream, read only
    up to the limit), and the setting to raise."""
    shown = f"is {size:,} bytes" if size is not None else f"goes on past {limit:,} bytes"
    return UserError(
        f"{what} {shown}; a run takes files of at most {limit:,} bytes (runs.max_artifact_bytes)",
        hint="pass a smaller file (or only the part the task needs), or raise runs.max_artifact_bytes in agentnet.yaml",
        code="artifact_too_large",
    )


def read_file(
    path: Path, name: str | None = None, *, max_bytes: int = MAX_ARTIFACT_BYTES, quiet_s: float = QUIET_S
) -> tuple[Artifact, str | None]:
    """The artifact for a file and its text (None unless it is text). A pipe or a device (``<(cmd)``,
    a FIFO, /dev/zero) is read up to ``max_bytes``, waiting at most ``quiet_s`` for each piece."""
    data = read_limited(path, max_bytes=max_bytes, quiet_s=quiet_s)
    media_type, _ = mimetypes.guess_type(path.name)
    artifact, text = _record(name or path.name, data, media_type, str(path))
    if not path.is_absolute():
        artifact.directory = str(Path.cwd())
    if media_type is not None and media_type.startswith("text/") and text is None:
        raise UserError(f"input file {path} is not UTF-8 text", hint="convert it to UTF-8 (e.g. with iconv)")
    if not stat.S_ISREG(path.stat().st_mode) and text is None:
        # A run copies a non-text input from its path when it starts: a pipe has nothing left by then.
        raise UserError(
            f"input file {path} is a pipe or a device, and what came through it is not text",
            hint="save it to a file first (e.g. `cmd > photo.png`) and pass that file with --input",
        )
    return artifact, text


def read_limited(
    path: Path,
    *,
    max_bytes: int = MAX_ARTIFACT_BYTES,
    quiet_s: float = QUIET_S,
    what: str = "input file",
    option: str = "--input",
) -> bytes:
    """A file's bytes, at most ``max_bytes``; a pipe or a device read as it comes, for at most
    ``quiet_s`` between pieces. Errors name it as ``what`` given with ``option``."""
    try:
        if stat.S_ISREG(path.stat().st_mode):
            return _read_regular(path, max_bytes, what)
        return _read_stream(path, max_bytes, quiet_s, what)
    except OSError as exc:
        raise UserError(f"cannot read {what} {path}: {exc.strerror}", hint=f"check the {option} path") from None


def _read_regular(path: Path, max_bytes: int, what: str) -> bytes:
    size = path.stat().st_size
    if size > max_bytes:
        raise too_large(f"{what} {path}", size, max_bytes)
    with path.open("rb") as reader:
        data = reader.read(max_bytes + 1)  # a file still growing is cut at the limit, not read whole
    if len(data) > max_bytes:
        raise too_large(f"{what} {path}", None, max_bytes)
    return data


def _read_stream(path: Path, max_bytes: int, quiet_s: float, what: str) -> bytes:
    """What a pipe or a device gives until it ends: never more than ``max_bytes`` (/dev/zero never
    ends), never waiting more than ``quiet_s`` for the next piece (a FIFO nobody writes to)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO's plain open waits for a writer
    chunks: list[bytes] = []
    size = 0
    # poll, not epoll: epoll refuses devices such as /dev/zero.
    with (
        getattr(selectors, "PollSelector", selectors.SelectSelector)() as waiting,
        os.fdopen(fd, "rb", buffering=0) as reader,
    ):
        waiting.register(reader, selectors.EVENT_READ)
        while size <= max_bytes:
            if not waiting.select(quiet_s):
                raise UserError(
                    f"{what} {path} sent nothing for {quiet_s:g} s: a pipe that no program writes to",
                    hint="start the program that writes to it first, or pass a file (or pipe it: cmd | agentnet ...)",
                    code="input_silent",
                )
            chunk = reader.read(_CHUNK)
            if chunk == b"":
                break
            if chunk:  # None: woken with nothing to read yet
                chunks.append(chunk)
                size += len(chunk)
    if size > max_bytes:
        raise too_large(f"{what} {path}", None, max_bytes)
    return b"".join(chunks)


def read_bytes(
    name: str, data: bytes, media_type: str | None = None, *, max_bytes: int = MAX_ARTIFACT_BYTES
) -> tuple[Artifact, str | None]:
    """The artifact for data handed over without a file (piped, or sent over HTTP): of ``media_type``
    when given, else text when it decodes as UTF-8, else an opaque file."""
    if len(data) > max_bytes:
        raise too_large(name, len(data), max_bytes)
    return _record(name, data, media_type, None)


def check_inputs(inputs: object) -> None:
    """``inputs`` as ``Network.run`` takes them: None, texts by name, or file paths (``hand_over`` read a number
    as "'int' object is not iterable")."""
    if inputs is None or isinstance(inputs, Mapping):
        return
    if isinstance(inputs, list | tuple) and all(isinstance(item, str | PathLike) for item in inputs):
        return
    raise UserError(
        f"inputs of type {type(inputs).__name__} cannot be handed over: they are file paths or texts by name",
        hint='pass file paths (["report.txt"]) or texts by name ({"report.txt": "..."})',
    )


def hand_over(
    inputs: Mapping[str, str] | Sequence[str | Path] | str | Path | None, limit: int
) -> tuple[list[Artifact], dict[str, Any]]:
    """``Network.hand_over``: the records the planner reads and the values the run reads for ``inputs``
    (files by path, or texts by name), each at most ``limit`` bytes."""
    if isinstance(inputs, str | Path):
        inputs = [inputs]  # one path, not its characters
    check_inputs(inputs)
    if isinstance(inputs, Mapping):
        texts = {str(name): str(text) for name, text in inputs.items()}
        records = [read_bytes(k, v.encode(), "text/plain", max_bytes=limit)[0] for k, v in texts.items()]
        return records, texts
    records = []
    values: dict[str, Any] = {}
    for item in inputs or ():
        record, text = read_file(Path(item), max_bytes=limit)
        record = unique(record, values.keys())
        records.append(record)
        values[record.name] = handed_value(record, text)
    return records, values
