"""A command whose environment changes what a process sets up once gets what it asks for while
`agentnet daemon` runs: it runs in its own process (cli/handoff.needs_own_process).

The daemon sets its tracing up once, from the first command it runs: handed over after an untraced
command, a run with OTEL_EXPORTER_OTLP_ENDPOINT set exported nothing (its --no-daemon twin exported
its spans). It loads its plugins once: `AGENTNET_LOAD_PLUGINS= agentnet ask -m PLUGIN-NODE`, which
should find no such node, was answered by the daemon's plugin. Real daemon, real CLI processes, a
real OTLP/HTTP receiver, the example plugin installed in a site folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentnet.cli.handoff import LOAD_PLUGINS_ENV
from agentnet.plugins.manager import LOAD_ENV
from tests.plugins.test_example_plugin import EXAMPLE, install, one_module_plugin
from tests.server.otlp_receiver import OtlpReceiver

pytestmark = pytest.mark.slow

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [AGENTNET, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
    )


def served() -> int:
    return int(json.loads(cli("daemon", "status", "--json").stdout)["served"])


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example plugin installed where the daemon and every command find it."""
    folder = install(EXAMPLE, tmp_path / "site")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")])))
    return folder


@pytest.fixture
def daemon(agentnet_home: Path, site: Path) -> Iterator[None]:
    started = cli("daemon", "start")
    assert started.returncode == 0, started.stderr
    try:
        yield
    finally:
        cli("daemon", "stop")
        path = agentnet_home / "daemon.json"
        if path.exists():  # a daemon that did not stop must not outlive the test
            with contextlib.suppress(ProcessLookupError, ValueError, KeyError):
                os.kill(int(json.loads(path.read_text())["pid"]), signal.SIGKILL)


@pytest.fixture
def receiver() -> Iterator[OtlpReceiver]:
    found = OtlpReceiver()
    try:
        yield found
    finally:
        found.close()


@pytest.mark.usefixtures("daemon")
def test_a_traced_command_exports_its_spans_while_the_daemon_runs(receiver: OtlpReceiver) -> None:
    untraced = cli("run", "what is 17 * 23", "--json")
    assert untraced.returncode == 0, untraced.stderr
    before = served()
    assert before >= 1  # the untraced run was the daemon's: its tracing is set up (off) now

    traced = cli("run", "what is 17 * 23", "--json", env=receiver.env("traced-run"))
    assert traced.returncode == 0, traced.stderr
    receiver.wait_for(
        lambda spans: any(s.service == "traced-run" and s.name == "invoke_workflow agentnet" for s in spans),
        "the traced run's workflow span",
    )
    asked = cli("ask", "What is the capital of France?", "--max-tokens", "4", env=receiver.env("traced-ask"))
    assert asked.returncode == 0, asked.stderr
    receiver.wait_for(lambda spans: any(s.service == "traced-ask" for s in spans), "the traced ask's spans")
    # Both ran in their own process; an untraced command still goes to the daemon.
    assert served() == before
    assert cli("run", "what is 17 * 23", "--json").returncode == 0
    assert served() == before + 1


@pytest.mark.usefixtures("daemon")
def test_a_command_run_without_plugins_finds_none_while_the_daemon_runs() -> None:
    assert LOAD_PLUGINS_ENV == LOAD_ENV  # the name handoff looks for is the one the plugin manager reads
    with_plugin = cli("ask", "--model", "text-stats", "one two three")
    assert with_plugin.returncode == 0 and '"words": 3' in with_plugin.stdout, with_plugin.stderr
    before = served()
    without = cli("ask", "--model", "text-stats", "one two three", env={LOAD_ENV: ""})
    assert without.returncode == 2, (without.stdout, without.stderr)
    assert "text-stats" in without.stderr and served() == before


SHOUTER = """\
import agentnet
from agentnet import CapabilityCard


@agentnet.hookimpl
def register_nodes(register):
    register(lambda text: text.upper(), card=CapabilityCard(id="shouter", description="Writes in capitals."))
"""


@pytest.mark.usefixtures("daemon")
def test_a_plugin_installed_while_the_daemon_runs_is_used_here_with_a_notice(site: Path, tmp_path: Path) -> None:
    """The daemon loaded its plugins once: `ask -m NODE-OF-A-NEW-PLUGIN`, handed to it, was "no model or
    tool is registered" while `models list` (in its own process) listed the node."""
    first = cli("ask", "--model", "text-stats", "one two three")
    assert first.returncode == 0, first.stderr
    before = served()
    install(one_module_plugin(tmp_path / "shouter-src", "agentnet-shouter", "0.1", "shouter", SHOUTER), site)
    asked = cli("ask", "--model", "shouter", "-q", "hello")
    assert (asked.returncode, asked.stdout.strip()) == (0, "HELLO"), (asked.stdout, asked.stderr)
    assert "agentnet daemon: the installed plugins changed since it loaded them, so this command runs here" in (
        asked.stderr
    )
    assert served() == before
