"""A default_model that names no model: `agentnet ask` (no --model) says the setting is the problem and
where to fix it, not only that an id is unknown (the user typed none). The real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "AGENTNET_NO_DAEMON": "1"}
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=300, env=env, check=False)


def test_an_unknown_default_model_names_the_setting() -> None:
    Path("agentnet.yaml").write_text("default_model: smollm3\n")
    done = cli("ask", "--max-tokens", "4", "hi")
    assert done.returncode == 2, done.stderr
    assert "the config's default_model is 'smollm3', and no model or tool is registered as that" in done.stderr
    assert "set default_model (agentnet.yaml or $AGENTNET_HOME/config.yaml)" in done.stderr
    # An id the user typed is still reported as that id.
    typed = cli("ask", "--model", "smollm3", "--max-tokens", "4", "hi")
    assert typed.returncode == 2 and "no model or tool is registered as 'smollm3'" in typed.stderr
    # A peer's model (PEER/ID) of no added peer: declaring it in agentnet.yaml would not help.
    peer = cli("ask", "--model", "b/poet", "--max-tokens", "4", "hi")
    assert peer.returncode == 2 and "see `agentnet peers list`: 'b/poet' is a model of peer 'b'" in peer.stderr
    assert "declare the model" not in peer.stderr, peer.stderr


def test_doctor_finds_an_unknown_default_model() -> None:
    Path("agentnet.yaml").write_text("default_model: smollm3\n")
    done = cli("doctor", "--json")
    assert done.returncode == 1, done.stderr
    checks = {check["name"]: check for check in json.loads(done.stdout)["checks"]}
    assert not checks["default-model"]["ok"] and "'smollm3' names no model or tool" in checks["default-model"]["detail"]
    assert "set default_model" in checks["default-model"]["fix"]
    Path("agentnet.yaml").unlink()
    fine = json.loads(cli("doctor", "--json").stdout)
    assert {check["name"]: check for check in fine["checks"]}["default-model"]["ok"]
