"""Why a stdio MCP server did not start, in words the user can act on.

Two failures the SDK reports badly: a command that exits before the handshake (the SDK says only
"Connection closed"; the launcher writes the exit code in the server's log, after the server's own
stderr) and a command that is no MCP server at all (it writes text on stdout: the SDK logs a parse
traceback per line and skips it, and the handshake waits out its whole deadline). Both are told within
seconds; a server that only prints a banner on stdout before answering the handshake still starts.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

# The launcher's lines (agentnet.mcp.launcher), the last in the server's log when the command ended.
_CANNOT_START = "agentnet: cannot start MCP server"
_KILLED = "agentnet: MCP server command did not exit within"
_ENDED = re.compile(r"agentnet: MCP server command (exited with code -?\d+|was killed by signal \d+)")
TAIL_LINES = 5
_READ_BYTES = 16384
_SDK_PARSE_LOG = "Failed to parse JSONRPC message from server"
# How long a server that wrote something other than MCP on stdout has to answer the handshake after it.
STRAY_GRACE_S = 3.0
log = logging.getLogger("agentnet.mcp")


class StartWatch:
    """One start of a server: where its lines begin in its log, and the first stdout line that was no MCP
    message before the handshake was answered."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.log_from = 0
        self.stray: Exception | None = None
        self._ready: asyncio.Future[Any] | None = None

    def begin(self, ready: asyncio.Future[Any], log_path: Path | None) -> None:
        self._ready, self.stray = ready, None
        self.log_from = log_size(log_path) if log_path is not None else 0

    def answered(self) -> None:
        if self.stray is not None:  # a banner, say: the SDK skipped it
            log.warning("MCP server %r wrote a line that is not MCP on stdout (skipped): %s",
                        self.name, stray_line(self.stray))  # fmt: skip
            self.stray = None

    def stray_line(self, error: Exception, give_up: Callable[[], BaseException]) -> None:
        """A stdout line that is no MCP message. Before the handshake was answered, the server has
        STRAY_GRACE_S to answer it; then the start ends with ``give_up()``'s error, not at its deadline."""
        ready = self._ready
        if ready is None or ready.done():
            self.stray = error
            self.answered()
        elif self.stray is None:
            self.stray = error
            asyncio.get_running_loop().call_later(STRAY_GRACE_S, self._expired, ready, give_up)

    @staticmethod
    def _expired(ready: asyncio.Future[Any], give_up: Callable[[], BaseException]) -> None:
        if not ready.done():
            ready.set_exception(give_up())

    def failure(self, command: str, why: str, path: Path) -> tuple[str, str | None]:
        """Why this start failed and the fix, when known: no MCP server, or how the command ended."""
        if self.stray is not None:
            return not_mcp(command, self.stray)
        if "Connection closed" in why:
            return launch_failure(path, self.log_from) or why, None
        return why, None


def log_size(path: Path) -> int:
    """Where this start's lines begin in the server's log (it is appended to by every start)."""
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0


def launch_failure(path: Path, offset: int) -> str | None:
    """What the launcher said about this start (from ``offset`` on) when the command could not start
    or ended: the reason, or the exit code with the last lines the server wrote on stderr; else None."""
    lines = _lines_since(path, offset)
    last = lines[-1] if lines else ""
    if last.startswith(_CANNOT_START):
        return last.removeprefix("agentnet: ")
    ended = _ENDED.fullmatch(last)
    if ended is None:
        return None
    tail = [line.strip()[:200] for line in lines[:-1] if line.strip()][-TAIL_LINES:]
    said = f"; the last lines it wrote on stderr: {' | '.join(tail)}" if tail else "; it wrote nothing on stderr"
    return f"its command {ended.group(1)} before the MCP handshake{said}"


def killed_at_end(path: Path, offset: int) -> bool:
    """Whether the launcher had to kill the server after its session ended (from ``offset`` on)."""
    return any(line.startswith(_KILLED) for line in _lines_since(path, offset))


def _lines_since(path: Path, offset: int) -> list[str]:
    try:
        with open(path, "rb") as log:
            end = log.seek(0, os.SEEK_END)
            log.seek(max(offset if offset <= end else 0, end - _READ_BYTES))
            return log.read().decode("utf-8", "replace").strip().splitlines()
    except OSError:
        return []


def not_mcp(command: str, error: Exception) -> tuple[str, str]:
    """Why and the fix, for a command whose first output on stdout was no MCP message."""
    line = stray_line(error)
    why = f"`{command}` is not an MCP server: it wrote {line} on stdout, where an MCP stdio server writes only JSON-RPC"
    hint = (
        "give the command that starts the MCP server (its README says it, e.g. `agentnet mcp add time -- "
        "mcp-server-time`); a server of your own must log to stderr, never stdout"
    )
    return why, hint


def stray_line(error: Exception) -> str:
    """The stdout line the SDK could not read, as the parse error holds it (pydantic keeps the input)."""
    errors = getattr(error, "errors", None)
    found: Any = None
    if callable(errors):
        try:
            found = (errors() or [{}])[0].get("input")
        except Exception:  # noqa: BLE001 - any parse error still gets described below
            found = None
    text = found if isinstance(found, str) else str(error)
    return repr(text[:120] + ("..." if len(text) > 120 else ""))


class _DropParseTracebacks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != _SDK_PARSE_LOG


def quiet_sdk_parse_errors() -> None:
    """The SDK logs every stdout line it cannot parse with a traceback; the session reports the line
    itself (``ServerConnection._stray_output``), once, in a sentence."""
    logger = logging.getLogger("mcp.client.stdio")
    if not any(isinstance(f, _DropParseTracebacks) for f in logger.filters):
        logger.addFilter(_DropParseTracebacks())
