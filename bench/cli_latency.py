"""`agentnet ask`, `agentnet plan` and `agentnet chat` cold (a fresh process loads everything) vs warm
(`agentnet daemon` holds the imports and the model), same run.

Each round runs `agentnet ask "hi" --max-tokens 8`, `agentnet plan TASK` and a one-turn `agentnet chat`
(in a pseudo-terminal: wait for the prompt, type "hi", Ctrl-D) as real processes, once with
`--no-daemon` and once through a daemon started for this bench (in a temporary AGENTNET_HOME, so no
daemon of yours is used or stopped); rounds alternate so load on the machine hits both alike.
Printed per command and mode: median wall time to the first byte of the answer on stdout (for chat:
from the start of the process to the first byte after the typed line) and to exit, and CPU; then
warm/cold ratios. Issue 13's targets: first token of a warm `ask` <= 0.5 s, warm `plan` <= 0.8 s,
cold `plan` <= 1.5 s.

A fresh home's directory was never indexed; the quickstart's state is an indexed one. So each round also
plans cold in a second home where `agentnet directory list` indexed the configured models: once with the
card manifest current (the cards read from agentnet-cards.json, no chromadb), once with it deleted first
(the plan reads chromadb, as every cold plan did before the manifest, and writes it again); the ratio is
manifest/chromadb.

    .venv/bin/python bench/cli_latency.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AGENTNET = str(Path(sys.executable).parent / "agentnet")
ASK = [AGENTNET, "ask", "hi", "--max-tokens", "8", "--quiet"]
PLAN = [AGENTNET, "plan", "Summarise this text: bees make honey."]
CHAT = [AGENTNET, "chat", "--model", "smollm2", "--max-tokens", "8"]


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(seconds to the first byte on stdout, seconds to exit, CPU seconds user+system) of one process: on a
    shared machine the wall times follow the load, the CPU time much less."""
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    assert process.stdout is not None
    first_byte = process.stdout.read(1)
    first = time.perf_counter() - started
    process.stdout.read()
    process.stdout.close()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = code = os.waitstatus_to_exitcode(status)
    if code != 0 or not first_byte:
        raise SystemExit(f"{' '.join(args[1:])} exited {code}")
    return first, time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def chat_turn(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """``timed`` for a chat in a pseudo-terminal, as a user runs it: the first byte is the answer's to one
    typed line, counted from the start of the process."""
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(args[0], args, {**env, "TERM": "dumb", "NO_COLOR": "1"})
    seen = b""

    def until(token: bytes) -> None:
        nonlocal seen
        while token not in seen:
            if not select.select([fd], [], [], 300)[0]:
                raise SystemExit(f"chat: no {token!r} after {seen[-500:]!r}")
            seen += os.read(fd, 4096)
        seen = seen.split(token, 1)[1]

    try:
        until(b"you> ")
        os.write(fd, b"hi\n")
        until(b"hi")  # the terminal's echo of the line
        until(b"\n")
        if not seen:
            select.select([fd], [], [], 300)
            seen += os.read(fd, 4096)
        first = time.perf_counter() - started
        until(b"you> ")
        os.write(fd, b"\x04")
        _pid, status, usage = os.wait4(pid, 0)
    finally:
        os.close(fd)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"chat exited {os.waitstatus_to_exitcode(status)}")
    return first, time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def home_env(home: str) -> dict[str, str]:
    env = {**os.environ, "AGENTNET_HOME": home, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    env.pop("AGENTNET_DAEMON", None)
    return env


def indexed_plans(env: dict[str, str]) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """One cold plan with the card manifest current, then one with it deleted (reads chromadb)."""
    manifest = Path(env["AGENTNET_HOME"]) / "directory" / "agentnet-cards.json"
    if not manifest.is_file():
        raise SystemExit(f"no card manifest at {manifest}: the indexed home lost it")
    current = timed([*PLAN, "--no-daemon"], env)
    manifest.unlink()
    missing = timed([*PLAN, "--no-daemon"], env)  # ... and writes it again for the next round
    return current, missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    keys = ("ask cold", "ask warm", "plan cold", "plan warm", "chat cold", "chat warm", "indexed manifest",
            "indexed chromadb")  # fmt: skip
    runs: dict[str, list[tuple[float, float, float]]] = {key: [] for key in keys}
    with (
        tempfile.TemporaryDirectory(prefix="agentnet-bench-") as home,
        tempfile.TemporaryDirectory(prefix="agentnet-bench-indexed-") as indexed_home,
    ):
        env, indexed = home_env(home), home_env(indexed_home)
        # The quickstart's state: the configured models' cards indexed (and their manifest written).
        subprocess.run([AGENTNET, "directory", "list", "--json"], env=indexed, stdout=subprocess.DEVNULL, check=True)
        subprocess.run([AGENTNET, "daemon", "start", "--idle-timeout", "600"], env=env, check=True)
        try:
            # The daemon loads the model (and imports the planner) on first use: not part of "warm".
            timed(ASK, env)
            timed(PLAN, env)
            for _ in range(args.rounds):
                runs["ask cold"].append(timed([*ASK, "--no-daemon"], env))
                runs["ask warm"].append(timed(ASK, env))
                runs["plan cold"].append(timed([*PLAN, "--no-daemon"], env))
                runs["plan warm"].append(timed(PLAN, env))
                runs["chat cold"].append(chat_turn([*CHAT, "--no-daemon"], env))
                runs["chat warm"].append(chat_turn(CHAT, env))
                current, missing = indexed_plans(indexed)
                runs["indexed manifest"].append(current)
                runs["indexed chromadb"].append(missing)
        finally:
            subprocess.run([AGENTNET, "daemon", "stop"], env=env, check=False)
    report(runs, args.rounds)


def report(runs: dict[str, list[tuple[float, float, float]]], rounds: int) -> None:
    def median(key: str) -> tuple[float, float, float]:
        rows = runs[key]
        return (
            statistics.median(r[0] for r in rows),
            statistics.median(r[1] for r in rows),
            statistics.median(r[2] for r in rows),
        )

    def line(label: str, figures: tuple[float, float, float]) -> None:
        print(f"  {label:<44}{figures[0]:6.2f} / {figures[1]:6.2f} / {figures[2]:6.2f}")

    def ratio(label: str, top: tuple[float, float, float], bottom: tuple[float, float, float]) -> None:
        line(label, (top[0] / bottom[0], top[1] / bottom[1], top[2] / bottom[2]))

    print(f"{rounds} rounds each, median seconds: first byte on stdout / whole command / CPU (user+system)")
    for command in ("ask", "plan", "chat"):
        cold, warm = median(f"{command} cold"), median(f"{command} warm")
        print(f"{command}")
        line("cold (--no-daemon, imports and loads here):", cold)
        line("warm (agentnet daemon; CPU: the client's):", warm)
        ratio("ratio warm/cold:", warm, cold)
    manifest, chromadb = median("indexed manifest"), median("indexed chromadb")
    print("plan cold on an indexed directory (the quickstart's state)")
    line("card manifest current (no chromadb):", manifest)
    line("manifest deleted (reads chromadb):", chromadb)
    ratio("ratio manifest/chromadb:", manifest, chromadb)


if __name__ == "__main__":
    main()
