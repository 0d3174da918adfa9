"""`agentnet serve` with a run database it cannot use (a wrong port in runs.url, as a typo makes): it
still starts, as one of several servers must while the database is away, but now says so at start,
naming the database (password masked) and the fix, instead of printing only "agentnet serving at" and
leaving the first request (or /readyz) to find out. Real server process, a refused loopback port."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from serve_helpers import start_serve


def test_a_run_database_it_cannot_use_is_said_at_start(tmp_path: Path, refused_url: str) -> None:
    port = urlsplit(refused_url).port
    wrong = f"postgresql://agentnet:s3cret-pw@127.0.0.1:{port}/agentnet_runs"
    served = start_serve(tmp_path, extra_env={"AGENTNET_RUNS_URL": wrong})
    try:
        before = served.log_text().split("agentnet serving at")[0]
        said = [line for line in before.splitlines() if "cannot use the run database" in line]
        assert len(said) == 1, before
        assert f"postgresql://***@127.0.0.1:{port}/agentnet_runs" in said[0] and "s3cret-pw" not in before
        assert "serving anyway: /readyz answers 503" in said[0] and "fix runs.url" in said[0]
        try:
            urllib.request.urlopen(f"{served.url}/readyz", timeout=30)
            raise AssertionError("ready without its run database")
        except urllib.error.HTTPError as not_ready:
            assert not_ready.code == 503
            assert "cannot use the run database" in json.loads(not_ready.read())["checks"]["runs"]
    finally:
        served.stop()
    assert "Traceback" not in served.log_text()
