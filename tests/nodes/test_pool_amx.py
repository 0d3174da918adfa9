"""A llama-cpp-python built on a CPU with AMX answers (agentnet.nodes.pool.avoid_amx_kernels).

Built from source on such a machine (Sapphire Rapids and later Xeons), llama.cpp repacks the weights
for its AMX kernels at load and the first multiplication dies with a general protection fault: every
answer of the embedded SmolLM2 ended the process with exit 139. The pool loads without the extra
buffer types there. Run in a fresh process: the choice holds process-wide, and a crash must fail this
test, not the test worker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys
import llama_cpp.llama_cpp as engine
from agentnet.nodes.pool import avoid_amx_kernels
from agentnet.nodes.registry import NodeRegistry

has_amx = "AMX_INT8 = 1" in engine.llama_print_system_info().decode()
reply = NodeRegistry().node("smollm2").invoke("What is the capital of France?").content
print("amx", has_amx, "avoided", avoid_amx_kernels(), "repack", engine.llama_model_default_params().use_extra_bufts)
print("reply", bool(reply.strip()))
"""


def test_the_embedded_model_answers_whatever_cpu_llama_cpp_was_built_on(agentnet_home: Path) -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-2000:]}"
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)
    assert lines["reply"] == "True", done.stdout
    has_amx = lines["amx"].startswith("True")
    # With AMX compiled in, the weights stay unpacked; without it, repacking (a speed-up) is kept.
    assert lines["amx"] == f"{has_amx} avoided {has_amx} repack {not has_amx}", done.stdout
