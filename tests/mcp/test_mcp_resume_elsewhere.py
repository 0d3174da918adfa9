"""A run resumed from another directory hands its tools the files it was handed where they were named.

Real processes: `agentnet run` in directory A names a.txt; its step, a real MCP tool that reads the
file by name (files_server.py), is held until the test has interrupted the run (SIGINT); then
`agentnet run --resume` runs in directory B, where a.txt is another file (or none). The tool used to
get the name as written and read B's a.txt; now it reads A's, and a file gone from A stops the resume,
naming the file and the run. Runs saved before the directory was recorded resume as before (the
field is optional: tests/executor runs without it)."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
from pathlib import Path

from mcpkit import AGENTNET, user_env
from processes import running_step

SERVER = Path(__file__).resolve().parent / "files_server.py"
TEXT = "alpha beta gamma\n"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**user_env(), "AGENTNET_NO_DAEMON": "1"}
    return subprocess.run([*AGENTNET, *args], capture_output=True, text=True, timeout=300, cwd=cwd, env=env)


def interrupted_in(a: Path, home: Path) -> str:
    """The id of a run started in ``a`` on "the sha256 checksum of a.txt", interrupted mid-step."""
    hold = home / "hold"
    hold.touch()
    added = cli("mcp", "add", "files", "--", sys.executable, str(SERVER), "--hold", str(hold), cwd=a)
    assert added.returncode == 0, added.stderr
    process = subprocess.Popen(
        [*AGENTNET, "run", "what is the sha256 checksum of a.txt", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=a,
        env={**user_env(), "AGENTNET_NO_DAEMON": "1", "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    run_id = running_step(home / "runs.sqlite", process)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    hold.unlink()
    return run_id


def dirs(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "a.txt").write_text(TEXT, encoding="utf-8")
    (b / "a.txt").write_text("another file of the same name\n", encoding="utf-8")
    return a, b


def test_a_run_resumed_elsewhere_reads_the_file_where_it_was_named(tmp_path: Path, agentnet_home: Path) -> None:
    a, b = dirs(tmp_path)
    run_id = interrupted_in(a, agentnet_home)
    resumed = cli("run", "--resume", run_id, "--json", cwd=b)
    assert resumed.returncode == 0, resumed.stderr + resumed.stdout
    result = json.loads(resumed.stdout.strip().splitlines()[-1])
    assert result["answer"] == f"a.txt {hashlib.sha256(TEXT.encode()).hexdigest()}", result
    trace = json.loads(cli("runs", "show", run_id, "--json", cwd=b).stdout)
    assert [x["node_id"] for x in trace["steps"][0]["attempts"]][-1] == "files.sha256_checksum", trace


def test_a_file_gone_from_where_it_was_named_stops_the_resume_naming_it(tmp_path: Path, agentnet_home: Path) -> None:
    a, b = dirs(tmp_path)
    run_id = interrupted_in(a, agentnet_home)
    (a / "a.txt").unlink()
    resumed = cli("run", "--resume", run_id, cwd=b)
    assert resumed.returncode == 2, resumed.stderr + resumed.stdout
    said = " ".join(resumed.stderr.split())
    assert f"run {run_id} reads the file {a / 'a.txt'}" in said and "which is no longer there" in said, said
    assert "Traceback" not in resumed.stderr
    assert json.loads(cli("runs", "show", run_id, "--json", cwd=b).stdout)["status"] == "interrupted"
