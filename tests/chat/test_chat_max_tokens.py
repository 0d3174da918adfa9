"""`agentnet chat --max-tokens N` bounds every step of a routed turn's plan, as it bounds a direct
answer. Before, a turn planned as SmolLM2 then the word counter ("Write a poem about rain and then count
its words") ran SmolLM2 with no limit. The real CLI, piped stdin, embedded SmolLM2; tokens counted from
the run's stored trace (`agentnet runs show --json`)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "AGENTNET_NO_DAEMON": "1"}
    return subprocess.run(
        [AGENTNET, *args], input=stdin, capture_output=True, text=True, timeout=300, env=env, check=False
    )


def test_max_tokens_bounds_every_step_of_a_routed_turn() -> None:
    done = cli("chat", "--max-tokens", "8", stdin="Write a poem about rain and then count its words\n")
    assert done.returncode == 0, done.stderr
    found = re.search(r"2-step plan \(retrieval\), run ([0-9a-f]{12})", done.stdout)
    assert found, done.stdout
    trace = json.loads(cli("runs", "show", found.group(1), "--json").stdout)
    poem = next(step for step in trace["steps"] if step["capability"] == "smollm2")
    assert 0 < int(poem["completion_tokens"]) <= 8
