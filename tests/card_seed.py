"""The bundled cards' vectors, embedded once per test process and copied into each test's new home.

Every test gets its own AGENTNET_HOME (conftest.py), so every CLI command or server that plans in it
started with an empty vector cache (``agentnet/directory/vectors.py``) and ran the embedding model on
the dozen bundled cards again: 0.9 s of CPU of a 2.4 s ``agentnet plan`` on an idle machine, in
hundreds of tests. The cache is the product's own: a home whose user planned once before holds the
same file, and the planner ranks with the same numbers whether a vector was read or embedded now
(tests/planner/test_card_vectors.py). The seed is made by the real CLI in a home of its own, once per
process (per xdist worker); the query of each plan is still embedded, by the real model, in the test.

A test that needs a home with nothing in it (one that lists what the home holds, or the cold cache
itself) is marked ``cold_home``.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

BIN_DIR = Path(sys.executable).parent
_seed: Path | None = None
_lock = threading.Lock()


def _made() -> Path:
    """The vector cache a first ``agentnet plan`` leaves in a new home (made once per process)."""
    global _seed
    with _lock:
        if _seed is None:
            home = Path(tempfile.mkdtemp(prefix="agentnet-card-seed-"))
            atexit.register(shutil.rmtree, home, ignore_errors=True)
            env = {**os.environ, "AGENTNET_HOME": str(home), "AGENTNET_NO_DAEMON": "1"}
            done = subprocess.run(
                [str(BIN_DIR / "agentnet"), "plan", "--no-model", "hello", "--json"],
                cwd=home, env=env, capture_output=True, text=True, timeout=600, check=False,
            )  # fmt: skip
            made = home / "cache" / "vectors.sqlite"
            assert done.returncode == 0 and made.is_file(), done.stderr[-3000:]
            _seed = made
        return _seed


def seed_card_vectors(home: Path) -> None:
    """Give the new ``home`` the bundled cards' vectors, as a home used once before has them."""
    cache = home / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_made(), cache / "vectors.sqlite")
