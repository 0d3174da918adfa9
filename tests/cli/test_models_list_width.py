"""`agentnet models list` stays readable in an 80-column terminal (and a pipe, which Rich gives 80):
with a remote model declared, the `where` column (long paths, provider models) squeezed skills and
health to a character per line. Narrow, it is left to `models show` and said so; wide, it is shown."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from agentnet.config import embedded_gguf_path

AGENTNET = str(Path(sys.executable).parent / "agentnet")

CONFIG = f"""models:
  - id: gpt-mini
    adapter: litellm
    model: openai/gpt-4o-mini
    card:
      description: Strong general model for reasoning and writing (remote).
      skills:
        - {{id: reasoning, name: Reasoning, description: Multi-step reasoning and analysis.}}
  - id: my-model
    adapter: llamacpp
    path: {embedded_gguf_path()}
"""


def listed(columns: int) -> str:
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    env["COLUMNS"] = str(columns)
    done = subprocess.run(
        [AGENTNET, "models", "list"], capture_output=True, text=True, timeout=300, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_models_list_is_readable_in_80_columns_and_complete_when_wide() -> None:
    Path("agentnet.yaml").write_text(CONFIG)
    narrow = listed(80)
    assert max(len(line) for line in narrow.splitlines()) <= 80
    rows = {line.split()[0]: line for line in narrow.splitlines() if line.strip()}
    # Whole words where the old table wrote a letter per line.
    assert "reasoning" in rows["gpt-mini"] and "no key:" in rows["gpt-mini"]
    assert "chat," in rows["smollm2"] and "ok" in rows["my-model"]
    assert "`agentnet models show ID`" in narrow and "where" not in narrow.splitlines()[0]

    wide = listed(200)
    rows = {line.split()[0]: line for line in wide.splitlines() if line.strip()}
    assert "where" in wide.splitlines()[0] and "openai/gpt-4o-mini" in rows["gpt-mini"]
    assert str(embedded_gguf_path().parent) in rows["my-model"]
    assert "no key: OPENAI_API_KEY is not set" in rows["gpt-mini"]
    assert "models show ID" not in wide
