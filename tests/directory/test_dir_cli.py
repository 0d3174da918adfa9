"""`agentnet directory …` and `agentnet bench directory` through typer's CliRunner and a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dirkit import DATA, MM_SAMPLES, MM_TOOLS
from typer.testing import CliRunner

from agentnet.cli.app import app
from agentnet.config import DEFAULT_MODEL_ID

AGENTNET = Path(sys.executable).parent / "agentnet"
runner = CliRunner()


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def test_import_list_show_search_remove_reindex() -> None:
    assert "imported 2 cards" in _ok("directory", "import", str(DATA / "cards.yaml"))
    listed = {c["id"]: c for c in json.loads(_ok("directory", "list", "--json"))}
    # The configured models are synced in before listing.
    assert {"legal-summarizer", "cloud-vision", DEFAULT_MODEL_ID} <= listed.keys()
    assert listed[DEFAULT_MODEL_ID]["provider"] == "model"
    assert json.loads(_ok("directory", "show", "cloud-vision"))["input_types"] == ["image"]

    found = json.loads(_ok("directory", "search", "list the obligations in this contract", "--json", "--k", "2"))
    assert found[0]["card_id"] == "legal-summarizer" and found[0]["skill_id"] == "clauses"
    assert len(found) == 2
    local = json.loads(_ok("directory", "search", "read the text in this photo", "--local-only", "--json"))
    assert "cloud-vision" not in {c["card_id"] for c in local}
    typed = json.loads(_ok("directory", "search", "read the text in this photo", "--input", "image", "--json"))
    # Only collaborators that take an image (the imported one, and the bundled OCR reader when installed).
    typed_ids = [c["card_id"] for c in typed]
    assert "cloud-vision" in typed_ids and "legal-summarizer" not in typed_ids
    assert all("image" in json.loads(_ok("directory", "show", i))["input_types"] for i in typed_ids)

    table = _ok("directory", "search", "summarise a contract", "--k", "3")
    assert "legal-summarizer" in table and "similarity" in table and "why" in table
    # Issue 13 §6: the table shows each card's absolute similarity (not a score scaled to the top hit,
    # which is always near 1) and says when nothing clearly offers what was asked.
    top = json.loads(_ok("directory", "search", "summarise a contract", "--json", "--k", "1"))[0]
    assert f"{top['score_parts']['semantic']:.2f}" in table and f"{top['score']:.3f}" not in table
    assert "no card clearly offers this" not in table
    unclear = _ok("directory", "search", "translate my poem into Klingon", "--k", "3")
    assert "no card clearly offers this: the best similarity is 0." in " ".join(unclear.split())

    assert "removed cloud-vision" in _ok("directory", "remove", "cloud-vision")
    remaining = {c["id"] for c in json.loads(_ok("directory", "list", "--json"))}
    assert "cloud-vision" not in remaining and "legal-summarizer" in remaining
    assert f"re-indexed {len(remaining)} cards" in _ok("directory", "reindex")


def test_configured_models_follow_the_config(tmp_path: Path, refused_url: str) -> None:
    config = Path("agentnet.yaml")  # the per-test working directory is the project
    config.write_text(
        "models:\n"
        "  - id: lab-coder\n"
        "    adapter: litellm\n"
        "    model: openai/coder\n"
        f"    api_base: {refused_url}/v1\n"
        "    card:\n"
        "      description: Writes and fixes Python code.\n"
    )
    found = json.loads(_ok("directory", "search", "fix the bug in my python function", "--json", "--k", "1"))
    assert found[0]["card_id"] == "lab-coder"
    config.write_text("models: []\n")
    ids = {c["id"] for c in json.loads(_ok("directory", "list", "--json"))}
    assert "lab-coder" not in ids and DEFAULT_MODEL_ID in ids


def test_bench_directory_json_last_line() -> None:
    out = _ok("bench", "directory", "--tools", str(DATA / "api_tools.json"), "--data", str(DATA / "api_samples.jsonl"),
              "--json")  # fmt: skip
    last = json.loads(out.strip().splitlines()[-1])
    assert last == {"top1": 1.0, "top3": 1.0, "samples": 3}  # the chain sample is not single-tool
    assert "top-1" in out


@pytest.mark.skipif(not MM_TOOLS.exists(), reason="TaskBench data not present on this machine")
def test_bench_directory_on_taskbench_multimedia() -> None:
    out = _ok("bench", "directory", "--tools", str(MM_TOOLS), "--data", str(MM_SAMPLES), "--json")
    last = json.loads(out.strip().splitlines()[-1])
    assert last["samples"] == 112
    # Measured 0.857 / 0.955 with the hybrid ranking (pure embedding: 0.795 / 0.946).
    assert last["top1"] >= 0.83 and last["top3"] >= 0.93


def _agentnet(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(AGENTNET), *args], capture_output=True, text=True, timeout=300, check=False)


def test_cli_errors_name_the_problem(refused_url: str) -> None:
    bad = _agentnet("directory", "import", str(DATA / "bad_unknown_key.yaml"))
    assert bad.returncode == 2
    assert "bad_unknown_key.yaml:4:3" in bad.stderr and "descripton" in bad.stderr
    missing = _agentnet("directory", "show", "no-such-card")
    assert missing.returncode == 2 and "no-such-card" in missing.stderr
    down = Path("agentnet.yaml")
    down.write_text(f"directory:\n  url: {refused_url}\n")
    unreachable = _agentnet("directory", "list")
    assert unreachable.returncode == 1
    assert refused_url in unreachable.stderr and "chroma run" in unreachable.stderr


def test_cli_module_does_not_import_chromadb() -> None:
    code = "import sys, agentnet.cli.app; print(sorted(m for m in ('chromadb', 'onnxruntime') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"


def _files(folder: Path) -> dict[str, tuple[int, str]]:
    import hashlib

    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip


def test_reading_commands_leave_the_directory_folder_as_it_was(agentnet_home: Path) -> None:
    """`directory list`, `show` and `search` on a directory whose configured models are already in it
    write nothing there: chromadb rewrites its files whenever it opens a folder, even to read (its
    sqlite file, and the HNSW index's files on the first query), so they read a copy of it."""
    folder = agentnet_home / "directory"
    assert _agentnet("directory", "import", str(DATA / "cards.yaml")).returncode == 0
    synced = _agentnet("directory", "list", "--json")  # syncs the configured models in
    assert synced.returncode == 0, synced.stderr
    before = _files(folder)
    assert "chroma.sqlite3" in before and any(name.endswith(".bin") for name in before), before
    time.sleep(0.05)  # a rewrite now has another mtime, whatever the file system's resolution
    for args in (("list", "--json"), ("show", "legal-summarizer"), ("search", "list the obligations in this contract",
                                                                     "--json")):  # fmt: skip
        done = _agentnet("directory", *args)
        assert done.returncode == 0, done.stderr
        changed = sorted(name for name, seen in _files(folder).items() if before.get(name) != seen)
        assert changed == [] and _files(folder).keys() == before.keys(), (args, changed)
    assert json.loads(done.stdout)[0]["card_id"] == "legal-summarizer"
    assert json.loads(synced.stdout) == json.loads(_agentnet("directory", "list", "--json").stdout)
