"""`agentnet recipe run`'s progress names a fallback as a fallback: when a step's model cannot be
reached (a saved peer that is down) and the step falls back to the general model, the next line is
"> poem on smollm2", not "> poem on smollm2, round 2", which read as if a loop had run the step
again. Real CLI, a refused port for the peer, the embedded model."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentnet.cards import CapabilityCard
from agentnet.federation.store import PeerRecord, PeerStore

AGENTNET = str(Path(sys.executable).parent / "agentnet")
RECIPE = """\
name: poem
steps:
  - {id: poem, model: b/poet, max_tokens: 8, prompt: "One word for the sea."}
"""


@pytest.mark.usefixtures("agentnet_home")
def test_a_fallback_is_not_counted_as_a_second_round(refused_url: str) -> None:
    card = CapabilityCard(id="b/poet", description="writes short poems", locality="remote", provider="peer:b")
    PeerStore().save([PeerRecord(name="b", url=refused_url, api_base=f"{refused_url}/v1", cards=[card])])
    Path("poem.yaml").write_text(RECIPE)
    done = subprocess.run(
        [AGENTNET, "recipe", "run", "poem.yaml"],
        capture_output=True, text=True, timeout=300, check=False, stdin=subprocess.DEVNULL,
        env={**os.environ, "AGENTNET_NO_DAEMON": "1"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = [line.strip() for line in done.stderr.splitlines()]
    assert "> poem on b/poet" in lines
    assert any(line.startswith("↪ poem: b/poet -> smollm2") for line in lines), lines
    assert "> poem on smollm2" in lines, lines
    assert "round" not in done.stderr
