"""What a tool hands back beside its text: structured data and files (audio, images, documents).

A tool function returns a string, plain data (sent as JSON text), or a ``ToolOutput``: the text a
person reads, the data the next step's arguments are filled from, and files. Files travel as
``OutputFile`` bytes up to the executor, which stores them as the run's artifacts (by content hash,
in the run folder) and keeps only a reference in checkpoints and traces. This module imports
nothing heavy, so bundled tools can build outputs without loading LangChain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agentnet.wording import plural


@dataclass(frozen=True)
class OutputFile:
    """A file a node produced: its bytes, media type and a suggested file name."""

    name: str
    media_type: str
    data: bytes

    def __repr__(self) -> str:  # never dump the bytes into logs or errors
        return f"OutputFile({self.name!r}, {self.media_type!r}, {plural(len(self.data), 'byte', grouped=True)})"


@dataclass
class ToolOutput:
    """A tool's result: ``text`` for people (and prompts), ``data`` for tools, ``files`` to keep."""

    text: str
    data: Any = None
    files: list[OutputFile] = field(default_factory=list)
