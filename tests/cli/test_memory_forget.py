"""`agentnet memory forget` with an id, a source or a run that names nothing: exit 2 with what was
wrong and where to look, and nothing forgotten (a mistyped id among good ones does not take them
with it). The real CLI on a real plan memory taught with `agentnet plan --learn`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

AGENTNET = str(Path(sys.executable).parent / "agentnet")
SAMPLES = Path(__file__).parent.parent / "planner" / "data" / "samples_resource.jsonl"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "AGENTNET_NO_DAEMON": "1"}
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=600, env=env, check=False)


def remembered() -> list[int]:
    shown = cli("memory", "show", "--json")
    assert shown.returncode == 0, shown.stderr
    return sorted(entry["id"] for entry in json.loads(shown.stdout))


def test_forgetting_what_is_not_remembered_is_refused_and_forgets_nothing() -> None:
    assert cli("plan", "--learn", str(SAMPLES)).returncode == 0
    ids = remembered()
    assert len(ids) == 5
    missing = str(max(ids) + 100)

    done = cli("memory", "forget", str(ids[0]), missing)
    assert done.returncode == 2, done.stderr
    assert f"no remembered task with id {missing}: nothing was forgotten" in done.stderr
    assert "`agentnet memory show`" in done.stderr

    source = cli("memory", "forget", "--source", "lerned")
    assert source.returncode == 2
    assert "no source 'lerned': remembered tasks come from learned or rated" in source.stderr

    run = cli("memory", "forget", "--run", "0123456789ab")
    assert run.returncode == 2
    assert "nothing remembered from a rating of run '0123456789ab'" in run.stderr
    assert remembered() == ids

    # What is there is still forgotten as before.
    done = cli("memory", "forget", str(ids[0]))
    assert done.returncode == 0 and "forgot 1 task (4 remembered)" in done.stderr
    assert remembered() == ids[1:]
