"""A plugin function that ends without `return`, installed as a distribution and used through the real
CLI: asking it is an error naming the tool and the fix, and a run falls back to another collaborator.
Its None once came back as the answer "null" (`ask` exited 0, `run` succeeded)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from test_example_plugin import AGENTNET, install, one_module_plugin

FORGETFUL = """\
import agentnet
from agentnet import CapabilityCard, Skill


def shout(text: str):
    text.upper()  # the author forgot `return`


CARD = CapabilityCard(
    id="shouter",
    description="Writes a text in capital letters.",
    skills=[Skill(id="shout", name="Shout", description="Write a text in capital letters",
                  tags=["uppercase", "capital letters"], examples=["Write this in capital letters: hello"])],
)


@agentnet.hookimpl
def register_nodes(register):
    register(shout, card=CARD)
"""


def agentnet(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH", "")]))
    env = {**os.environ, "PYTHONPATH": path, "AGENTNET_NO_DAEMON": "1", "NO_COLOR": "1"}
    return subprocess.run([str(AGENTNET), *args], capture_output=True, text=True, timeout=300, env=env,
                          stdin=subprocess.DEVNULL, check=False)  # fmt: skip


def test_a_function_without_return_gives_no_answer(tmp_path: Path) -> None:
    package = one_module_plugin(tmp_path / "src", "agentnet-shouter", "0.1", "shouter", FORGETFUL)
    site = install(package, tmp_path / "site")
    asked = agentnet(site, "ask", "-m", "shouter", "-q", "hello")
    assert asked.returncode != 0 and asked.stdout.strip() != "null", (asked.stdout, asked.stderr)
    assert "tool 'shouter' returned None, so it gave no answer" in asked.stderr, asked.stderr
    assert "a function that ends without `return` returns None" in asked.stderr
    ran = agentnet(site, "run", "--json", "Write this in capital letters: hello")
    result = json.loads(ran.stdout.strip().splitlines()[-1])
    assert result.get("answer") != "null", result
    shown = json.loads(agentnet(site, "runs", "show", result["run_id"], "--json").stdout)
    attempts = [(a["node_id"], a.get("error_code")) for step in shown["steps"] for a in step["attempts"]]
    assert ("shouter", "tool_failed") in attempts, (attempts, shown["plan"])
