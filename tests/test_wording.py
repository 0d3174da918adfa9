"""Counts in what agentnet says: "1 byte", "1 attempt", never "1 bytes" or "1 attempts"."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from agentnet.artifacts import read_file
from agentnet.executor.run_files import describe
from agentnet.wording import plural

AGENTNET = Path(sys.executable).parent / "agentnet"


def test_plural_writes_one_and_many() -> None:
    assert [plural(n, "attempt") for n in (0, 1, 2)] == ["0 attempts", "1 attempt", "2 attempts"]
    assert plural(1024, "byte", grouped=True) == "1,024 bytes" and plural(1, "byte", grouped=True) == "1 byte"


def test_a_one_byte_file_handed_over_is_one_byte(tmp_path: Path) -> None:
    one = tmp_path / "one.txt"
    one.write_bytes(b"x")
    artifact, _ = read_file(one)
    assert artifact.describe().endswith("(text/plain, 1 byte)"), artifact.describe()
    assert describe({"name": "one.txt", "media_type": "text/plain", "size": 1, "path": str(one)}).endswith(", 1 byte)")


def test_a_step_whose_only_candidate_failed_says_one_attempt(refused_url: str) -> None:
    """A real `agentnet recipe run` whose one model is a refused loopback port."""
    Path("agentnet.yaml").write_text(
        "models:\n  - id: down\n    adapter: litellm\n    model: openai/fake\n"
        f"    api_base: {refused_url}/v1\n    params: {{retries: 0}}\n"
        '    card: {description: "down", skills: [{id: chat, name: Chat, tags: [chat]}]}\n'
        "default_model: down\n"  # the general chat model, a step's last alternate, is this one too
    )
    Path("one.yaml").write_text('name: one\nsteps:\n  - id: only\n    model: down\n    prompt: "hello"\n')
    done = subprocess.run([str(AGENTNET), "recipe", "run", "one.yaml", "--json"], capture_output=True, text=True,
                          timeout=300, check=False)  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    message = json.loads(done.stdout.strip().splitlines()[-1])["error"]["message"]
    assert "step 'only' failed on every candidate (1 attempt):" in message, message
    assert "after 1 attempt" in message and "1 attempts" not in message, message
