"""A recipe naming a peer's collaborator (``model: PEER/ID``), against a real ``agentnet serve`` peer.

``recipe run`` saw the saved peers (it builds a ``Network``), but ``recipe validate``, ``recipe graph``
and ``recipe resume`` built a bare registry: they refused the recipe ``run`` had just run ("unknown
model 'b/read-file'"), so a failed run could not be resumed. And a peer's tool passed for a model
(its provider is ``peer:b``), so when it failed the general chat model stood in for it: the run
"succeeded" with SmolLM2's made-up content of a file that does not exist. `agentnet ask -m b/calculator`
was refused too ("no model or tool is registered"), though `agentnet serve` takes `b/poet` as a model.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

from serve_helpers import BIN_DIR, Served

RECIPE = """\
name: peer-read
steps:
  - {id: read, model: b/read-file, prompt: "Read the file missing-notes.txt"}
"""


def test_a_recipe_naming_a_peer_tool_validates_resumes_and_fails_honestly(
    serve: Callable[..., Served], tmp_path: Path
) -> None:
    b = serve("b", args=("--name", "b"))
    work, cli = _home_a(tmp_path)

    added = cli("peers", "add", b.url)
    assert added.returncode == 0, added.stderr
    cards = {c["id"]: c for c in json.loads(cli("peers", "list", "--json").stdout)[0]["cards"]}
    assert "tool" in cards["b/read-file"]["tags"]  # a tool on the peer stays a tool here
    assert "tool" not in cards["b/smollm2"]["tags"]
    asked = cli("ask", "-m", "b/calculator", "-q", "2+2")  # a peer's card by id, as `agentnet serve` takes it
    assert asked.returncode == 0 and asked.stdout.strip() == "4", asked.stderr
    (work / "peer-read.yaml").write_text(RECIPE)

    validated = cli("recipe", "validate", "peer-read.yaml")
    assert validated.returncode == 0, validated.stderr
    drawn = cli("recipe", "graph", "peer-read.yaml")
    assert drawn.returncode == 0 and "b/read-file" in drawn.stdout, drawn.stderr

    ran = cli("recipe", "run", "peer-read.yaml", "--json")
    result = json.loads(ran.stdout)
    assert ran.returncode == 1, ran.stdout
    assert result["status"] == "failed" and "read" not in result["steps"], result
    assert "no such file: missing-notes.txt" in result["error"]["message"]
    assert "smollm2" not in ran.stdout  # no chat model made the file's content up

    resumed = cli("recipe", "resume", result["run_id"], "--json")
    again = json.loads(resumed.stdout)
    assert again["error"]["code"] != "invalid_recipe", again
    assert "unknown model" not in resumed.stdout + resumed.stderr
    assert "no such file: missing-notes.txt" in again["error"]["message"]


def test_a_step_whose_peer_is_down_says_how_to_see_the_peers(serve: Callable[..., Served], tmp_path: Path) -> None:
    """The hint of a step that failed on every candidate said "check those models are up (`agentnet
    models list`)", a list without peers: for a peer's model it names the command that says whether
    the peer answers."""
    b = serve("b", args=("--name", "b"))
    work, cli = _home_a(tmp_path)

    assert cli("peers", "add", b.url).returncode == 0
    b.stop()
    (work / "sum.yaml").write_text('name: sum\nsteps:\n  - {id: add, model: b/calculator, prompt: "2 + 2"}\n')
    ran = cli("recipe", "run", "sum.yaml", "--json")
    error = json.loads(ran.stdout)["error"]
    assert ran.returncode == 1 and "b/calculator" in error["message"], ran.stdout
    hint = error["hint"]
    assert "`agentnet peers refresh`" in hint and "models list" not in hint, hint
    refreshed = cli("peers", "refresh")
    assert refreshed.returncode == 0 and "b: down" in refreshed.stdout, refreshed.stdout + refreshed.stderr


def _home_a(tmp_path: Path) -> tuple[Path, Callable[..., subprocess.CompletedProcess[str]]]:
    """Machine a's working folder, and its CLI in its own home."""
    home, work = tmp_path / "a-home", tmp_path / "a-work"
    home.mkdir()
    work.mkdir()
    env = {**os.environ, "AGENTNET_HOME": str(home), "AGENTNET_NO_DAEMON": "1", "LITELLM_LOCAL_MODEL_COST_MAP": "True"}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN_DIR / "agentnet"), *args], cwd=work, env=env, capture_output=True, text=True, timeout=180
        )

    return work, cli
