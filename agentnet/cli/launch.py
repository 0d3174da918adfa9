"""The ``agentnet`` console entry point, kept light for the commands a running ``agentnet daemon`` takes.

``ask``, ``plan`` and ``run`` are handed to the daemon (cli/handoff.py) before the command tree is
imported: typer, pydantic and every command module cost the client about 0.2 s of CPU (0.3-0.5 s of
wall time on a busy machine) before the first token of a warm ``ask``, and the daemon has them
loaded already. Anything else, or no daemon, runs the tree here as before.
"""

from __future__ import annotations

import sys


def main() -> None:
    from agentnet.cli.handoff import run_handed

    code = run_handed(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from agentnet.cli.app import run_in_process

    run_in_process()
