"""The network knows its own health (issue 13 item 5), through the real CLI: `agentnet doctor`
names every broken part with its fix (a key's value is never printed), `models list` has a health
column, a dead endpoint is remembered across processes, and plans leave unusable models out unless
nothing else can serve."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from agentnet.config import embedded_gguf_path
from tests.conftest import free_port

AGENTNET = str(Path(sys.executable).parent / "agentnet")
SECRET = "sk-doctor-test-0123456789abcdef"


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    full.update(env or {})
    full["COLUMNS"] = (env or {}).get("COLUMNS", "200")
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=600, env=full, check=False)


def write_config(down_port: int) -> None:
    truncated = Path("half.gguf")
    truncated.write_bytes(embedded_gguf_path().read_bytes()[: 4 * 1024 * 1024])
    Path("agentnet.yaml").write_text(
        f"""\
models:
  - id: smollm2
    adapter: llamacpp
    path: "embedded:smollm2"
    card: {{description: Small general chat model., skills: [{{id: chat, tags: [chat]}}]}}
  - id: half
    adapter: llamacpp
    path: {truncated.resolve()}
  - id: gpt-mini
    adapter: litellm
    model: openai/gpt-4o-mini
    card:
      description: Translate text between languages, write and reason.
      skills: [{{id: translate, name: Translate, description: Translate text into another language.}}]
  - id: dead
    adapter: litellm
    model: openai/local
    api_base: http://127.0.0.1:{down_port}/v1
  - id: unremembered
    adapter: litellm
    model: openai/local
    api_base: http://127.0.0.1:{down_port}/v1
    params: {{down_memory_s: 0}}
"""
    )


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    return free_port()


def by_name(report: dict) -> dict[str, dict]:
    return {check["name"]: check for check in report["checks"]}


def test_doctor_names_each_broken_part_and_its_fix() -> None:
    write_config(closed_port())
    done = cli("doctor", "--json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    checks = by_name(report)
    assert report["ok"] is False
    assert not checks["model-files"]["ok"] and "half" in checks["model-files"]["detail"]
    assert "truncated" in checks["model-files"]["detail"]
    assert not checks["keys"]["ok"] and "OPENAI_API_KEY" in checks["keys"]["detail"]
    assert "export OPENAI_API_KEY" in checks["keys"]["fix"]
    assert not checks["endpoints"]["ok"] and "dead" in checks["endpoints"]["detail"]
    assert checks["directory"]["ok"] and checks["runs"]["ok"]

    # The dead endpoint is remembered: another process lists it as down, and the key as missing.
    listed = cli("models", "list")
    assert listed.returncode == 0, listed.stderr
    rows = {line.split()[0]: line for line in listed.stdout.splitlines() if line.strip()}
    assert "down" in rows["dead"] and "no key" in rows["gpt-mini"] and "bad file" in rows["half"]
    assert "ok" in rows["smollm2"]
    # In a pipe or an 80-column terminal no id is cut: ids are what `models show ID` and `-m ID` take.
    narrow = cli("models", "list", env={"COLUMNS": "80"})
    firsts = {line.split()[0] for line in narrow.stdout.splitlines() if line.strip()}
    ids = [card["id"] for card in json.loads(cli("models", "list", "--json").stdout)]
    assert len(ids) > 10 and not [i for i in ids if i not in firsts], narrow.stdout
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 80
    # The health window is a setting: a model whose down_memory_s is 0 is not remembered as down.
    assert "unremembered" in checks["endpoints"]["detail"] and "down" not in rows["unremembered"]

    # With the key set, the keys check passes and the key's value appears nowhere.
    keyed = cli("doctor", "--json", env={"OPENAI_API_KEY": SECRET})
    assert keyed.returncode == 1 and by_name(json.loads(keyed.stdout))["keys"]["ok"]
    shown = cli("doctor", env={"OPENAI_API_KEY": SECRET})
    assert "fix: export OPENAI_API_KEY" not in shown.stdout and "fix: start the server" in shown.stdout
    for output in (keyed, shown):
        assert SECRET not in output.stdout + output.stderr


def test_doctor_passes_on_a_healthy_setup_and_clears_a_recovered_endpoint(espeak_ng: str) -> None:
    # Healthy includes the bundled speech collaborator, which needs espeak-ng.
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        Path("agentnet.yaml").write_text(
            f"models:\n  - id: local-api\n    adapter: litellm\n    model: openai/local\n"
            f"    api_base: http://127.0.0.1:{port}/v1\n"
        )
        done = cli("doctor", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True and by_name(report)["endpoints"]["detail"].startswith("1 endpoint reachable")


def test_a_broken_config_is_a_finding_not_a_traceback() -> None:
    Path("agentnet.yaml").write_text("models:\n  - id: a\n    adapterr: llamacpp\n")
    done = cli("doctor", "--json")
    assert done.returncode == 1
    [check] = json.loads(done.stdout)["checks"]
    assert check["name"] == "config" and "agentnet.yaml:3:5" in check["detail"]


def test_plans_leave_unusable_models_out_unless_nothing_else_can_serve() -> None:
    write_config(closed_port())
    planned = cli("plan", "--no-model", "--json", "translate good morning to German")
    assert planned.returncode == 0, planned.stderr
    plan = json.loads(planned.stdout)
    assert [step["capability"] for step in plan["steps"]] == ["smollm2"]
    assert any("gpt-mini" in note and "OPENAI_API_KEY" in note for note in plan["notes"])

    # Only a model without its key can draw: the plan uses it, and says it may fail.
    Path("agentnet.yaml").write_text(
        "models:\n  - id: painter\n    adapter: litellm\n    model: openai/dall-e-3\n    card:\n"
        "      description: Draws pictures and images from a text description.\n      output_types: [image]\n"
    )
    alone = cli("plan", "--no-model", "--json", "draw a picture of a lighthouse at night")
    assert alone.returncode == 0, alone.stderr
    plan = json.loads(alone.stdout)
    assert [step["capability"] for step in plan["steps"]] == ["painter"]
    assert any("nothing usable" in note for note in plan["notes"])


def test_a_missing_key_is_named_at_once_not_retried() -> None:
    write_config(closed_port())
    done = cli("ask", "--model", "gpt-mini", "hi")
    assert done.returncode == 2, done.stderr
    assert "OPENAI_API_KEY" in done.stderr and "model_key_missing" not in done.stdout
    assert "InternalServerError" not in done.stderr and "attempt" not in done.stderr
