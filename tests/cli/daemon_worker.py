"""A real ``agentnet daemon`` (``run_daemon``) whose handed-off command prints without end, for
tests/cli/test_daemon_connections.py.

``python daemon_worker.py``: serves until SIGTERM, in ``$AGENTNET_HOME`` (``daemon.json`` there). Its
command (``cli`` request, argv ``["loud", COUNT_FILE, PIECES]``) writes PIECES 64 KiB pieces to its stdout,
the caller's connection, and after each one the bytes written so far to COUNT_FILE, so a test sees when
a caller that stopped reading has stalled it; it ends when done or when the caller goes away (interrupted).
"""

from __future__ import annotations

import sys
from pathlib import Path

PIECE = "x" * 65536


def loud() -> None:
    count, pieces = Path(sys.argv[2]), int(sys.argv[3])
    for written in range(1, pieces + 1):
        sys.stdout.write(PIECE)
        count.write_text(str(written * len(PIECE)))


if __name__ == "__main__":
    from agentnet.server.daemon import run_daemon

    run_daemon(idle_s=0, runner=loud)
