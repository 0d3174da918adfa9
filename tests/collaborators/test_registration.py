"""The bundled collaborators join every registry through the plugin hook; one whose program is
missing is listed unavailable with the command that installs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentnet.config import AgentnetConfig, CollaboratorSettings
from agentnet.nodes.registry import NodeRegistry

AGENTNET = [sys.executable, "-m", "agentnet.cli.app"]
BUNDLED = {"calculator", "dates", "text-statistics", "table-query", "read-file", "text-similarity",
           "semantic-search", "classify-text", "find-duplicates", "ocr", "speech"}  # fmt: skip


def test_every_registry_carries_the_bundled_collaborators_with_typed_cards() -> None:
    registry = NodeRegistry(AgentnetConfig())
    assert set(registry.plugin_nodes) >= BUNDLED
    assert {registry.plugin_nodes[i] for i in BUNDLED} == {"agentnet.collaborators.plugin"}
    ocr, speech, table = registry.card("ocr"), registry.card("speech"), registry.card("table-query")
    assert (ocr.input_types, ocr.output_types, ocr.provider) == (["image"], ["text"], "tool")
    assert speech.output_types == ["audio"]
    # The parameter that takes the step's input is on the card, so the planner can wire to it.
    assert [p["name"] for p in table.parameters] == ["data"]


def test_disabled_collaborators_stay_off_the_network() -> None:
    registry = NodeRegistry(AgentnetConfig(collaborators=CollaboratorSettings(disabled=["calculator", "ocr"])))
    assert "calculator" not in registry and "ocr" not in registry and "dates" in registry
    assert not BUNDLED & set(NodeRegistry(AgentnetConfig(collaborators=CollaboratorSettings(disabled=["all"]))).ids())


def test_without_espeak_ng_speech_is_listed_unavailable_with_its_install_command(tmp_path: Path) -> None:
    # PATH holds only the venv's programs: espeak-ng (in /usr/bin) cannot be found.
    env = {**os.environ, "PATH": str(Path(sys.executable).parent), "COLUMNS": "200"}
    listed = subprocess.run(
        [*AGENTNET, "models", "list", "--json"], capture_output=True, text=True, env=env, timeout=120
    )
    assert listed.returncode == 0, listed.stderr
    speech = next(card for card in json.loads(listed.stdout) if card["id"] == "speech")
    assert speech["available"] is False and speech["install"] == "apt-get install espeak-ng"
    table = subprocess.run([*AGENTNET, "models", "list"], capture_output=True, text=True, env=env, timeout=120)
    assert "speech (Speech (text to speech)) is not installed; to add it: apt-get install espeak-ng" in table.stdout


def test_a_task_needing_speech_without_espeak_ng_fails_at_planning_naming_the_package() -> None:
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    done = subprocess.run(
        [*AGENTNET, "run", "--json", 'Count the words of "one two three" and say the result aloud.'],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    error = json.loads(done.stdout.strip().splitlines()[-1])["error"]
    assert error["code"] == "capability_missing" and "audio output" in error["message"]
    assert error["hint"] == "speech is not installed: apt-get install espeak-ng"


def test_doctor_checks_say_which_collaborators_work_and_how_to_add_the_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, espeak_ng: str
) -> None:
    from agentnet.collaborators import ocr
    from agentnet.errors import AgentnetError
    from agentnet.plugins.kinds import doctor_checks

    checks = doctor_checks()
    assert checks["vision"].plugin == checks["speech"].plugin == "agentnet.collaborators.plugin"
    config = AgentnetConfig()
    assert checks["vision"].run(config) == "OCR available (rapidocr-onnxruntime, PP-OCRv4 models from its wheel)"
    monkeypatch.setenv("PATH", str(Path(espeak_ng).parent))
    assert checks["speech"].run(config) == "speech available (espeak-ng)"
    # Without espeak-ng on PATH and without the vision extra's package, each says what to install.
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(AgentnetError) as speech:
        checks["speech"].run(config)
    assert "espeak-ng, which is not installed" in speech.value.message
    assert speech.value.hint == "apt-get install espeak-ng"
    monkeypatch.setattr(ocr, "MODULE", "rapidocr_onnxruntime_not_installed")
    with pytest.raises(AgentnetError) as vision:
        checks["vision"].run(config)
    assert vision.value.message == "OCR (the ocr collaborator) is not installed"
    assert vision.value.hint == "pip install 'agentnet[vision]'"
