"""A broken ``peers.yaml`` is never silently ignored: ``agentnet serve`` refuses to start and the CLI
refuses to use it, each naming the file, the line and the fix (a server already running keeps the
peers it loaded; see test_federation_parts)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

AGENTNET = str(Path(sys.executable).parent / "agentnet")
BROKEN = {
    "peers:\n  - name: a\n    url: http://127.0.0.1:1\n  garbage here: [\n": "peers.yaml:4:3: invalid YAML",
    "peers:\n  - name: a\n    urll: http://127.0.0.1:1\n": "peers.yaml:3:5: peers.0.urll: unknown key",
}


def test_a_broken_peers_file_stops_serve_and_the_cli_with_file_and_line(agentnet_home: Path) -> None:
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    for text, where in BROKEN.items():
        (agentnet_home / "peers.yaml").write_text(text)
        listed = subprocess.run(
            [AGENTNET, "peers", "list"], capture_output=True, text=True, timeout=120, check=False, env=env
        )
        assert listed.returncode == 2 and where in listed.stderr, listed.stderr
    # One server start (the slower check) for the last of them: it exits instead of serving without peers.
    served = subprocess.run(
        [AGENTNET, "serve", "--port", "0"], capture_output=True, text=True, timeout=120, check=False, env=env
    )
    assert served.returncode == 2, (served.returncode, served.stderr[-2000:])
    assert where in served.stderr and "Traceback" not in served.stderr, served.stderr[-2000:]
    assert "agentnet serving at" not in served.stderr
