"""A separate process running a 3-step plan whose first step makes a file, for the kill -9 test.

usage: artifact_worker.py MODE RUN_ID SIGNAL_FILE
  block   s1 paints a PNG (a file output) -> s2 measures that file, touching SIGNAL_FILE and blocking
          -> s3 counts the words of s2's answer
  resume  resume RUN_ID with an s2 that answers at once; prints JSON: answer, files, painter calls
AGENTNET_HOME comes from the environment.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

from pydantic import Field

from agentnet.cards import CapabilityCard
from agentnet.config import AgentnetConfig, CollaboratorSettings
from agentnet.executor import Executor
from agentnet.nodes.outputs import OutputFile, ToolOutput
from agentnet.nodes.registry import NodeRegistry
from agentnet.planner.plan import Plan, Step, StepInput

PICTURE = b"\x89PNG\r\n\x1a\n" + b"agentnet-artifact-marker" * 4096
InputFile = Annotated[Path, Field(description="the file", json_schema_extra={"x-agentnet": "input"})]


def plan() -> Plan:
    return Plan(
        task="paint, measure, count",
        steps=[
            Step(id="s1", capability="painter", instruction="paint"),
            Step(id="s2", capability="sizer", instruction="measure", inputs=[StepInput(kind="step", step="s1")]),
            Step(id="s3", capability="text-statistics", instruction="count the words",
                 inputs=[StepInput(kind="step", step="s2")]),
        ],
    )  # fmt: skip


def registry(painted: list[int], signal_file: Path | None) -> NodeRegistry:
    nodes = NodeRegistry(AgentnetConfig(collaborators=CollaboratorSettings(disabled=["ocr", "speech"])))

    def painter(request: str) -> ToolOutput:
        painted.append(1)
        return ToolOutput("painted", {"painted": True}, [OutputFile("picture.png", "image/png", PICTURE)])

    def sizer(image: InputFile) -> str:
        if signal_file is not None:
            signal_file.write_text("measuring")
            time.sleep(300)
        return f"{image.stat().st_size} bytes"

    nodes.register_callable(painter, CapabilityCard(id="painter", output_types=["image"]))
    nodes.register_callable(sizer, CapabilityCard(id="sizer", input_types=["image"]))
    return nodes


def main(mode: str, run_id: str, signal_file: Path) -> int:
    painted: list[int] = []
    executor = Executor(registry(painted, signal_file if mode == "block" else None))
    if mode == "block":
        executor.run(plan(), run_id=run_id)
        return 0
    result = executor.resume(run_id, check=False)
    print(
        json.dumps({"status": result.status, "answer": result.answer, "files": result.files, "painted": len(painted)})
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], Path(sys.argv[3])))
