"""What an A2A message hands over beside its text: its file parts become inputs of the task's run, as
``agentnet run --input sign.png`` and an image sent to ``/v1/chat/completions`` do. The planner sees
an image handed over and plans a collaborator that reads it (OCR) first; a text file is read as data.

Only files sent inline (``raw`` bytes) are taken, each at most ``runs.max_artifact_bytes``. A URL
part is refused (this server fetches nothing: ``file:///etc/passwd`` with "read it" was answered with
made-up text when such parts were dropped unsaid), and so is a structured ``data`` part, each by its
number and with what to send instead.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import PurePosixPath
from typing import Any

from agentnet.errors import UserError

# A caller's file name becomes the input's name, which steps and the plan show: its last part, in
# characters that are safe everywhere, or part-N when nothing of it is left.
_UNSAFE = re.compile(r"[^\w.-]")
MAX_NAME = 100

Inputs = tuple[list[Any], dict[str, Any]]


def handed_parts(message: Any, max_bytes: int) -> tuple[Inputs, str]:
    """The message's files as run inputs (records for the planner, bytes for the run), and '' — or no
    inputs and why a part cannot be taken."""
    from agentnet.artifacts import read_bytes

    records: list[Any] = []
    values: dict[str, Any] = {}
    for number, part in enumerate(getattr(message, "parts", None) or [], 1):
        kind = part.WhichOneof("content")
        if kind in (None, "text"):
            continue
        if kind != "raw":
            return ([], {}), _refused(number, part, kind)
        name = _name(number, part.filename, part.media_type, values)
        try:
            record, _ = read_bytes(name, part.raw, part.media_type or None, max_bytes=max_bytes)
        except UserError as exc:
            return ([], {}), f"part {number} ({name}): {exc.message}; {exc.hint}"
        records.append(record)
        values[name] = part.raw
    return (records, values), ""


def _name(number: int, filename: str, media_type: str, taken: dict[str, Any]) -> str:
    name = _UNSAFE.sub("_", PurePosixPath(filename.replace("\\", "/")).name)[:MAX_NAME].lstrip(".")
    if not name or name in taken:
        name = f"part-{number}{mimetypes.guess_extension(media_type or '') or ''}"
    return name


def _refused(number: int, part: Any, kind: str) -> str:
    what = {"url": "a URL", "data": "structured data"}.get(kind, kind)
    named = ", ".join(x for x in (part.media_type, part.filename) if x)
    instead = (
        "this agent fetches nothing: send the file's bytes as a raw part"
        if kind == "url"
        else "send it as text (a JSON text part) or as a file (a raw part)"
    )
    return f"part {number} is {what}{f' ({named})' if named else ''}, which this agent does not read: {instead}"
