"""`agentnet runs show` of a run whose prompt holds a long input shows its start and where the rest is.

A 1,000,000-row CSV (14 MB) counted by the text-statistics tool was saved in the step's prompt, and
`runs show` fed all of it to the terminal renderer: still busy after 8 minutes. Now each text of the
tree shows at most SHOWN_CHARS, then how many more and `runs show ID --json`, which keeps them all.
Real CLI, real run database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    wide = {**os.environ, "COLUMNS": "2000"}  # the line that says where the rest is, unwrapped
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=300, check=False, env=wide)


def test_a_long_prompt_is_shown_up_to_the_limit_and_kept_whole_in_json() -> None:
    rows = "".join(f"{i},city{i % 50},{i % 997}\n" for i in range(150_000))  # 2.6 MB
    Path("rows.csv").write_text(rows)
    ran = cli("run", "--no-daemon", "count the words", "--input", "rows.csv", "--json")
    assert ran.returncode == 0, ran.stderr[-2000:]
    run_id = json.loads(ran.stdout.splitlines()[-1])["run_id"]
    whole = json.loads(cli("runs", "show", run_id, "--json").stdout)
    sent = whole["steps"][0]["prompt"][-1]["content"]
    assert rows in sent  # --json keeps it all
    shown = cli("runs", "show", run_id)
    assert shown.returncode == 0, shown.stderr[-2000:]
    assert len(shown.stdout) < 300_000, len(shown.stdout)
    assert f"… {len(sent) - 100_000:,} more characters: `agentnet runs show {run_id} --json`" in shown.stdout
