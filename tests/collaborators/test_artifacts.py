"""Files between steps: a step's file output is stored by content hash in the run folder, the next
step reads it by path, checkpoints and traces hold only its reference, and a run killed with -9
resumes with the same file."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from artifact_worker import PICTURE
from ocr_images import render_text
from processes import start_worker

from agentnet.cards import CapabilityCard
from agentnet.cli.inputs import gather
from agentnet.config import AgentnetConfig, CollaboratorSettings, RunsSettings
from agentnet.errors import UserError
from agentnet.executor import Executor, open_run_store
from agentnet.nodes.outputs import OutputFile, ToolOutput
from agentnet.nodes.registry import NodeRegistry
from agentnet.planner.plan import Plan, Step, StepInput

WORKER = Path(__file__).with_name("artifact_worker.py")
AGENTNET = [sys.executable, "-m", "agentnet.cli.app"]


def test_a_file_flows_through_three_steps_and_survives_kill_9(tmp_path: Path, agentnet_home: Path) -> None:
    signal_file = tmp_path / "measuring"
    process = start_worker(WORKER, "block", "art1", signal_file)
    deadline = time.monotonic() + 120
    while not signal_file.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "s2 never started"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=10)

    done = subprocess.run(
        [sys.executable, str(WORKER), "resume", "art1", str(signal_file)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    resumed = json.loads(done.stdout.strip().splitlines()[-1])
    assert resumed["status"] == "succeeded" and resumed["painted"] == 0  # s1 is not run again
    (picture,) = resumed["files"]
    digest = hashlib.sha256(PICTURE).hexdigest()
    assert picture["sha256"] == digest and picture["size"] == len(PICTURE) and picture["kind"] == "image"
    assert Path(picture["path"]) == agentnet_home / "runs" / "art1" / "artifacts" / f"{digest}.png"
    assert Path(picture["path"]).read_bytes() == PICTURE
    # s2 measured the stored file; s3 counted the words of that answer.
    assert resumed["answer"] == "2 words"
    trace = open_run_store().get_run("art1")
    assert {s["id"]: s["output"] for s in trace["steps"]}["s2"] == f"{len(PICTURE)} bytes"

    shown = subprocess.run([*AGENTNET, "runs", "show", "art1", "--json"], capture_output=True, text=True, timeout=120)
    assert json.loads(shown.stdout)["files"] == [{"path": picture["path"], "size": len(PICTURE)}]
    tree = subprocess.run(
        [*AGENTNET, "runs", "show", "art1"], capture_output=True, text=True, timeout=120,
        env={**os.environ, "COLUMNS": "400"},
    )  # fmt: skip
    assert f"file: {picture['path']} ({len(PICTURE):,} bytes)" in tree.stdout


def test_a_50_mb_file_never_enters_the_run_database(agentnet_home: Path) -> None:
    marker = b"never-in-sqlite-" + os.urandom(8).hex().encode()
    big = marker + os.urandom(50 * 1024 * 1024)
    registry = NodeRegistry(AgentnetConfig(collaborators=CollaboratorSettings(disabled=["all"])))
    registry.register_callable(
        lambda _: ToolOutput("recorded", files=[OutputFile("take.wav", "audio/wav", big)]),
        CapabilityCard(id="recorder", output_types=["audio"]),
    )
    registry.register_callable(lambda value: f"got {value['path']}", CapabilityCard(id="listener"))
    plan = Plan(
        task="record, listen",
        steps=[
            Step(id="s1", capability="recorder", instruction="record"),
            Step(id="s2", capability="listener", instruction="listen", inputs=[StepInput(kind="step", step="s1")]),
        ],
    )
    executor = Executor(registry)
    try:
        result = executor.run(plan, run_id="big1")
    finally:
        executor.close()
    (ref,) = result.files
    assert Path(ref["path"]).stat().st_size == len(big) and result.answer == f"got {ref['path']}"
    database = agentnet_home / "runs.sqlite"
    stored = b"".join(p.read_bytes() for p in agentnet_home.glob("runs.sqlite*"))
    assert marker not in stored and sum(p.stat().st_size for p in agentnet_home.glob("runs.sqlite*")) < 5_000_000
    assert database.exists()


def test_the_artifact_size_limit_is_a_setting_and_its_error_names_it(tmp_path: Path, agentnet_home: Path) -> None:
    runs = RunsSettings(max_artifact_bytes=1000)
    registry = NodeRegistry(AgentnetConfig(collaborators=CollaboratorSettings(disabled=["all"])))
    registry.register_callable(
        lambda _: ToolOutput("recorded", files=[OutputFile("take.wav", "audio/wav", b"x" * 1001)]),
        CapabilityCard(id="recorder", output_types=["audio"]),
    )
    executor = Executor(registry, runs=runs)
    try:
        # A step's file over the limit fails the step, naming the setting.
        with pytest.raises(UserError, match=r"take.wav is 1,001 bytes; .* at most 1,000 bytes \(runs"):
            executor.run(Plan(task="record", steps=[Step(id="s1", capability="recorder", instruction="r")]))
        # An input over the limit is refused before the run starts.
        big = tmp_path / "big.png"
        big.write_bytes(b"\x89PNG" + b"x" * 1000)
        with pytest.raises(UserError) as refused:
            executor.run(Plan(task="t", steps=[Step(id="s1", capability="recorder", instruction="r")]),
                         inputs={"big.png": big})  # fmt: skip
    finally:
        executor.close()
    assert refused.value.code == "artifact_too_large" and "1,004 bytes" in refused.value.message
    assert "at most 1,000 bytes (runs.max_artifact_bytes)" in refused.value.message
    assert "raise runs.max_artifact_bytes in agentnet.yaml" in (refused.value.hint or "")
    # The same setting bounds what the CLI reads (--input), also from agentnet.yaml.
    with pytest.raises(UserError, match=r"input file .*big.png is 1,004 bytes; a run takes files of at most 1,000"):
        gather("t", [str(big)], named_in_task=False, max_bytes=AgentnetConfig(runs=runs).runs.max_artifact_bytes)
    assert gather("t", [str(big)], named_in_task=False).artifacts[0].size == 1004


def test_an_image_handed_to_a_run_is_stored_and_read_by_ocr_then_counted(tmp_path: Path, agentnet_home: Path) -> None:
    sign = render_text(["FRESH BREAD", "OPEN DAILY TODAY"], tmp_path / "sign.png")
    plan = Plan(
        task="How many words are written on this sign?",
        steps=[
            Step(id="s1", capability="ocr", instruction="read the sign",
                 inputs=[StepInput(kind="user", value="sign.png", type="image")]),
            Step(id="s2", capability="text-statistics", instruction="How many words are written on this sign?",
                 inputs=[StepInput(kind="step", step="s1", type="text")]),
        ],
    )  # fmt: skip
    executor = Executor(NodeRegistry(AgentnetConfig()))
    try:
        result = executor.run(plan, inputs={"sign.png": sign}, run_id="sign1")
    finally:
        executor.close()
    assert result.answer == "5 words", result.steps
    digest = hashlib.sha256(sign.read_bytes()).hexdigest()
    copy = agentnet_home / "runs" / "sign1" / "artifacts" / f"{digest}.png"
    assert copy.read_bytes() == sign.read_bytes()
    # The checkpoints hold the reference to the run's copy, never the image's bytes.
    database = b"".join(p.read_bytes() for p in agentnet_home.glob("runs.sqlite*"))
    assert str(copy).encode() in database and sign.read_bytes()[16:80] not in database


@pytest.mark.slow
def test_run_counts_the_words_on_a_sign_through_ocr(tmp_path: Path, agentnet_home: Path) -> None:
    sign = render_text(["FRESH BREAD", "OPEN DAILY TODAY"], tmp_path / "sign.png")
    done = subprocess.run(
        [*AGENTNET, "run", "How many words are written on this sign?", "--input", str(sign), "--json"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["answer"] == "5 words", result
    trace = json.loads(subprocess.run([*AGENTNET, "runs", "show", result["run_id"], "--json"], capture_output=True,
                                      text=True, timeout=120).stdout)  # fmt: skip
    assert [s["node_id"] for s in trace["steps"]] == ["ocr", "text-statistics"]
