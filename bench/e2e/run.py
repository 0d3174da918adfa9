"""End-to-end bench (issue 15 §3): ≥ 40 generated tasks — rendered signs, receipts and tables (PNG),
CSV files, text documents — run by the network agentnet plans and by SmolLM2 alone, in one process.

usage: python bench/e2e/run.py [--limit N] [--json]   (the same as `agentnet bench e2e`)
Prints per tier the success rate of both, mean steps, seconds per task and the ratio network / single.
"""

from __future__ import annotations

import sys

from agentnet.cli.app import main

if __name__ == "__main__":
    sys.argv = [sys.argv[0], "bench", "e2e", *sys.argv[1:]]
    sys.exit(main())
