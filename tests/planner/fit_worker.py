"""``agentnet ARGS...`` in a process whose plan memory fit can be held, for tests/planner/test_fit_processes.py.

``python fit_worker.py hold SIGNAL_DIR ARGS...``: the CLI runs as ``agentnet ARGS...``; its fit of plan
memory, once started, creates ``SIGNAL_DIR/fitting`` and waits for ``SIGNAL_DIR/release`` (at most 120 s)
before fitting, so a test can start another process while this one is fitting.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any


def main() -> None:
    mode, signals, args = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
    if mode == "hold":
        from agentnet.planner import learning

        fit = learning.fit

        def held(*fit_args: Any) -> Any:
            (signals / "fitting").touch()
            deadline = time.monotonic() + 120
            while not (signals / "release").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            return fit(*fit_args)

        learning.fit = held  # type: ignore[assignment]
    sys.argv = ["agentnet", *args]
    from agentnet.cli.app import main as cli

    cli()


if __name__ == "__main__":
    main()
