"""A mixture over distinct local GGUF files prints its output on every run (issue 13, item 1).

Both proposers' models load at the same moment in one process; before loads stopped redirecting
fds 1/2, the output vanished in about half of such runs while the run was stored as succeeded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

AGENTNET = Path(sys.executable).parent / "agentnet"

RECIPE = """\
name: two-models
description: Three local models propose at once; one aggregates.
inputs:
  question: {default: "Give one tip for staying healthy."}
steps:
  - id: answer
    prompt: "{{ inputs.question }} Answer in one sentence."
    mixture:
      proposers:
        - {model: smollm2, max_tokens: 8}
        - {model: helper, max_tokens: 8}
        - {model: helper2, max_tokens: 8}
      aggregator:
        model: helper
        max_tokens: 16
        prompt: "Combine these answers into one: {{ proposals }}"
"""


@pytest.mark.slow
def test_mixture_over_several_gguf_files_always_prints_its_output(smollm2_path: Path) -> None:
    Path("models").mkdir()
    # Another path is another model to the pool, so the two proposers load side by side.
    models = ["helper", "helper2"]
    lines = ["models:"]
    for name in models:
        Path(f"models/{name}.gguf").symlink_to(smollm2_path)
        lines += [f"  - id: {name}", "    adapter: llamacpp", f"    path: models/{name}.gguf"]
    Path("agentnet.yaml").write_text("\n".join(lines) + "\n")
    Path("two.yaml").write_text(RECIPE)
    for round_no in range(3):
        as_json = round_no % 2 == 1
        done = subprocess.run(
            [str(AGENTNET), "recipe", "run", "two.yaml", *(["--json"] if as_json else [])],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip(), f"round {round_no}: nothing on stdout; stderr: {done.stderr[-1500:]}"
        if as_json:
            result = json.loads(done.stdout)
            assert result["status"] == "succeeded" and result["output"].strip()
            trace = subprocess.run(
                [str(AGENTNET), "runs", "show", result["run_id"], "--json"], capture_output=True, text=True
            )
            steps = json.loads(trace.stdout)["steps"]
            used = {attempt["node_id"].split("@")[0] for step in steps for attempt in step["attempts"]}
            assert {"smollm2", "helper", "helper2"} <= used
