"""A separate process that runs a plan, for the crash / Ctrl-C / two-process tests.

usage: run_worker.py MODE RUN_ID SIGNAL_FILE
  block   s1 (fast) -> s2, whose node touches SIGNAL_FILE and then blocks; s3 independent & fast
  resume  resume RUN_ID with nodes that answer at once; prints JSON with the answer and call counts
  pair    a 4-step plan with small delays; prints JSON with the result
AGENTNET_HOME comes from the environment (the test's home).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

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


def main() -> int:
    mode, run_id, signal_file = sys.argv[1], sys.argv[2], Path(sys.argv[3])
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
        Executor(nodes).run(block_plan(), run_id=run_id)
        return 0
    if mode == "resume":
        fast = ScriptedModel.build("fast", ["one again"])
        side = ScriptedModel.build("side", ["three again"])
        blocker = ScriptedModel.build("blocker", [lambda m: "two after " + m[-1]["content"].split("\n")[1]])
        result = Executor([fast, side, blocker]).resume(run_id)
        calls = {"fast": len(fast.calls), "side": len(side.calls), "blocker": len(blocker.calls)}
        print(json.dumps({"status": result.status, "answer": result.answer, "calls": calls}))
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
        result = Executor(nodes).run(Plan(task=f"pair {run_id}", steps=steps), run_id=run_id)
        print(json.dumps({"status": result.status, "answer": result.answer}))
        return 0
    raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    sys.exit(main())
