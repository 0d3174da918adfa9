"""A separate process that runs a plan, for the crash / Ctrl-C / two-process tests.

usage: run_worker.py MODE RUN_ID SIGNAL_FILE
  block         s1 (fast) -> s2, whose node touches SIGNAL_FILE and then blocks; s3 independent & fast
  resume        resume RUN_ID with nodes that answer at once; prints JSON with the answer and call counts
  resume-gated  resume RUN_ID; s2's node touches SIGNAL_FILE, then waits for SIGNAL_FILE.go to exist
  pair          a 4-step plan with small delays; prints JSON with the result
An agentnet error (e.g. the run is busy elsewhere) is printed as JSON {"error": code, "message"}.
AGENTNET_HOME, AGENTNET_RUNS_URL and ./agentnet.yaml (runs: url, lease_s) come from the environment.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from agentnet.config import load_config
from agentnet.errors import AgentnetError
from agentnet.executor import Executor
from agentnet.planner.plan import Plan, Step, StepInput
from agentnet.testing import Delay, ScriptedModel


def block_plan() -> Plan:
    return Plan(
        task="crash test",
        steps=[
            Step(id="s1", capability="fast", instruction="first"),
            Step(id="s3", capability="side", instruction="independent"),
            Step(id="s2", capability="blocker", instruction="second", inputs=[StepInput(kind="step", step="s1")]),
        ],
    )


def executor(nodes: list[ScriptedModel]) -> Executor:
    return Executor(nodes, runs=load_config().runs)


def gated(signal_file: Path) -> ScriptedModel:
    def wait_for_go(messages: list[dict[str, str]]) -> str:
        signal_file.write_text("started")
        go = signal_file.with_suffix(".go")
        deadline = time.monotonic() + 120
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        return "two after " + messages[-1]["content"].split("\n")[1]

    return ScriptedModel.build("blocker", [wait_for_go])


def main() -> int:
    try:
        return run(sys.argv[1], sys.argv[2], Path(sys.argv[3]))
    except AgentnetError as exc:
        print(json.dumps({"error": exc.code, "message": exc.message}))
        return 3


def run(mode: str, run_id: str, signal_file: Path) -> int:
    if mode == "block":

        def block(messages: list[dict[str, str]]) -> str:
            signal_file.write_text("blocked")
            time.sleep(300)
            return "never"

        nodes = [
            ScriptedModel.build("fast", ["one"]),
            ScriptedModel.build("side", ["three"]),
            ScriptedModel.build("blocker", [block]),
        ]
        executor(nodes).run(block_plan(), run_id=run_id)
        return 0
    if mode in ("resume", "resume-gated"):
        fast = ScriptedModel.build("fast", ["one again"])
        side = ScriptedModel.build("side", ["three again"])
        blocker = (
            gated(signal_file)
            if mode == "resume-gated"
            else ScriptedModel.build("blocker", [lambda m: "two after " + m[-1]["content"].split("\n")[1]])
        )
        result = executor([fast, side, blocker]).resume(run_id, check=False)
        calls = {"fast": len(fast.calls), "side": len(side.calls), "blocker": len(blocker.calls)}
        error = result.error.code if result.error else None
        print(json.dumps({"status": result.status, "answer": result.answer, "calls": calls, "error": error}))
        return 0
    if mode == "pair":
        nodes = [ScriptedModel.build(f"n{i}", [Delay(0.05, f"{run_id}-out{i}")]) for i in range(4)]
        steps = [Step(id=f"p{i}", capability=f"n{i}", instruction=f"part {i}") for i in range(3)]
        steps.append(
            Step(
                id="join",
                capability="n3",
                instruction="join",
                inputs=[StepInput(kind="step", step=f"p{i}") for i in range(3)],
            )
        )
        result = executor(nodes).run(Plan(task=f"pair {run_id}", steps=steps), run_id=run_id)
        print(json.dumps({"status": result.status, "answer": result.answer}))
        return 0
    raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    sys.exit(main())
