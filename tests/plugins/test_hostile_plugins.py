"""Installed plugins that misbehave, through the real CLI: each is reported with its distribution
and the way out, and skipped; agentnet and the other plugins keep working.

The plugins are real distributions (``.dist-info`` with entry points, as pip leaves them) in a
folder the ``agentnet`` subprocesses get on PYTHONPATH (``install`` of test_example_plugin.py).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from test_example_plugin import EXAMPLE, agentnet, install, listed_ids, one_module_plugin

HOSTILE = {
    # A module that ends the process while it is imported (a copied script, a CLI's `main()` at import).
    "exits_on_import": "import sys\nsys.exit(3)\n",
    # A hook that ends the process when called.
    "exits_in_hook": "import sys, agentnet\n@agentnet.hookimpl\ndef register_nodes(register):\n    sys.exit(4)\n",
}


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install(EXAMPLE, tmp_path_factory.mktemp("site-example"))


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    package = tmp_path_factory.mktemp("hostile-src")
    entries = "".join(f'{name} = "agentnet_{name}"\n' for name in HOSTILE)
    (package / "pyproject.toml").write_text(
        '[project]\nname = "agentnet-hostile"\nversion = "0.3"\n'
        f'[project.entry-points.agentnet]\n{entries}garbled = "not a module!!"\n'
        f"[tool.setuptools]\npy-modules = {json.dumps([f'agentnet_{name}' for name in HOSTILE])}\n"
    )
    for name, source in HOSTILE.items():
        (package / f"agentnet_{name}.py").write_text(source)
    return install(package, tmp_path_factory.mktemp("site-hostile"))


def test_a_plugin_that_exits_is_reported_with_its_distribution_and_skipped(
    example_site: Path, hostile_site: Path
) -> None:
    site = [example_site, hostile_site]
    listed = agentnet("models", "list", "--json", site=site)
    assert listed.returncode == 0, (listed.returncode, listed.stderr)
    assert listed_ids(listed.stdout) == ["smollm2", "text-stats"]  # the well-behaved plugin's node is there
    stderr = listed.stderr
    assert "agentnet plugin exits_on_import could not be loaded: SystemExit: 3" in stderr, stderr
    assert "agentnet plugin exits_in_hook failed in register_nodes: SystemExit: 4" in stderr, stderr
    assert "agentnet plugin garbled could not be loaded: its entry point 'not a module!!' is not" in stderr, stderr
    # Each names where it comes from and the way out.
    assert stderr.count("comes from agentnet-hostile 0.3") == 3, stderr
    assert "`pip uninstall agentnet-hostile`" in stderr and "AGENTNET_LOAD_PLUGINS=" in stderr
    assert "Traceback" not in stderr
    plugins = {p["name"]: p for p in json.loads(agentnet("plugins", "list", "--json", site=site).stdout)}
    assert not plugins["exits_on_import"]["loaded"] and plugins["exits_on_import"]["distribution"] == "agentnet-hostile"
    assert any("SystemExit: 4" in e for e in plugins["exits_in_hook"]["errors"])
    assert plugins["example"]["errors"] == []
    asked = agentnet("ask", "-m", "text-stats", "-q", "still working", site=site)
    assert asked.returncode == 0 and json.loads(asked.stdout)["words"] == 2


SLOW = """\
import time
import agentnet
from agentnet import CapabilityCard

time.sleep(2.6)  # a heavy import: a model loaded, a network call made at import


@agentnet.hookimpl
def register_nodes(register):
    register(lambda text: "late", card=CapabilityCard(id="slow-tool", description="answers late"))
"""


def test_a_plugin_slow_to_import_is_named_while_agentnet_waits_and_still_used(tmp_path: Path) -> None:
    package = one_module_plugin(tmp_path / "slow-src", "agentnet-slow", "1.2", "slow", SLOW)
    site = install(package, tmp_path / "site")
    listed = agentnet("models", "list", "--json", site=[site])
    assert listed.returncode == 0, listed.stderr
    assert listed_ids(listed.stdout) == ["smollm2", "slow-tool"]
    stderr = listed.stderr
    # Said while waiting (before the import ends), then how long it took; each with its distribution.
    assert stderr.index("agentnet plugin slow is still importing after 2 s") < stderr.index(
        "agentnet plugin slow took 2."
    )
    assert "took 2." in stderr and "s to import; every command that uses it waits for it" in stderr
    assert stderr.count("comes from agentnet-slow 1.2") == 2, stderr
    plugins = {p["name"]: p for p in json.loads(agentnet("plugins", "list", "--json", site=[site]).stdout)}
    assert plugins["slow"]["loaded"] and "to import" in plugins["slow"]["errors"][0]


BAD_IMPORTER = """\
import agentnet


def detect(file):
    raise ZeroDivisionError("division by zero")


@agentnet.hookimpl
def register_importers(register):
    register("evil", lambda file: 42, detect=detect)
    register("garbage", lambda file: ["not a card"])
"""


def test_a_card_format_whose_detector_or_loader_breaks_does_not_stop_imports(tmp_path: Path) -> None:
    package = one_module_plugin(tmp_path / "importer-src", "agentnet-evil-format", "0.1", "evil", BAD_IMPORTER)
    site = [install(package, tmp_path / "site")]
    cards = tmp_path / "cards.json"
    cards.write_text('[{"id": "pdf-reader", "description": "Extracts the text of a PDF document."}]')
    # --format auto asks every detector: the broken one is reported and passed over.
    done = agentnet("directory", "import", str(cards), site=site)
    assert done.returncode == 0, done.stderr
    assert "imported 1 card" in done.stdout
    assert "agentnet plugin evil failed detecting a card file: ZeroDivisionError" in done.stderr
    assert "comes from agentnet-evil-format 0.1" in done.stderr and "Traceback" not in done.stderr
    # Asked for by name, its loader's garbage is named with the file and the format.
    done = agentnet("directory", "import", "--format", "evil", str(cards), site=site)
    assert done.returncode == 2, done.stderr
    # With its distribution and the fix (it named the entry point alone, which no pip command takes).
    origin = "plugin evil from agentnet-evil-format 0.1"
    assert f"{cards}: the 'evil' card format ({origin}) failed reading it: TypeError" in done.stderr, done.stderr
    assert "`pip uninstall agentnet-evil-format`" in done.stderr and "Traceback" not in done.stderr
    done = agentnet("directory", "import", "--format", "garbage", str(cards), site=site)
    assert done.returncode == 2, done.stderr
    assert f"the 'garbage' card format ({origin}) returned str, not CapabilityCard" in done.stderr, done.stderr
    assert "`pip uninstall agentnet-evil-format`" in done.stderr


BAD_ADAPTERS = """\
import agentnet


@agentnet.hookimpl
def register_adapters(register):
    register("raising", lambda spec, registry: 1 / 0)
    register("garbage", lambda spec, registry: {"not": "a node"})
"""


def test_an_adapter_whose_factory_breaks_names_the_model_and_the_plugin(tmp_path: Path) -> None:
    package = one_module_plugin(tmp_path / "adapters-src", "agentnet-bad-adapters", "0.2", "badadapters", BAD_ADAPTERS)
    site = [install(package, tmp_path / "site")]
    Path("agentnet.yaml").write_text(
        "models:\n"
        "  - {id: r, adapter: raising, card: {description: a model whose adapter raises}}\n"
        "  - {id: g, adapter: garbage, card: {description: a model whose adapter returns garbage}}\n"
    )
    raised = agentnet("ask", "-m", "r", "hello", site=site)
    assert raised.returncode == 2, raised.stderr
    assert (
        "error (node_build_failed): node 'r' could not be built by its adapter 'raising' (plugin badadapters from "
        "agentnet-bad-adapters 0.2)" in raised.stderr
    ), raised.stderr
    assert "ZeroDivisionError" in raised.stderr and "Traceback" not in raised.stderr
    assert "or fix or update that plugin, or `pip uninstall agentnet-bad-adapters`" in raised.stderr, raised.stderr
    garbage = agentnet("ask", "-m", "g", "hello", site=site)
    assert garbage.returncode == 2, garbage.stderr
    assert "returned {'not': 'a node'}, not a ModelNode" in garbage.stderr and "Traceback" not in garbage.stderr
    # The plugin, its distribution and the hook whose factory is wrong (it was blamed on register_nodes).
    assert (
        "error (node_build_failed): node 'g' was not built by its adapter 'garbage' (plugin badadapters from "
        "agentnet-bad-adapters 0.2): it returned" in garbage.stderr
    ), garbage.stderr
    assert "the factory the plugin registers in register_adapters must return" in garbage.stderr, garbage.stderr
    assert "register_nodes" not in garbage.stderr and "`pip uninstall agentnet-bad-adapters`" in garbage.stderr
    assert agentnet("models", "list", site=site).returncode == 0  # the models are listed all the same


BAD_CHECKS = """\
import sys

import agentnet


@agentnet.hookimpl
def register_doctor_checks(register):
    register("divides", lambda config: 1 / 0)
    register("exits", lambda config: sys.exit(5))
    register("garbage", lambda config: {"not": "a line"})
"""


def test_doctor_reports_plugin_checks_that_raise_exit_or_return_garbage(tmp_path: Path) -> None:
    package = one_module_plugin(tmp_path / "checks-src", "agentnet-bad-checks", "0.4", "badchecks", BAD_CHECKS)
    done = agentnet("doctor", site=[install(package, tmp_path / "site")])
    text = " ".join(done.stdout.split())
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    assert "broken divides (badchecks): the check crashed: ZeroDivisionError" in text
    assert "broken exits (badchecks): the check crashed: SystemExit: 5" in text
    assert "broken garbage (badchecks): the check returned dict, not a status line" in text
    # The fix names the distribution to report or uninstall (it said "report it to the plugin's authors").
    assert text.count("a bug in plugin badchecks from agentnet-bad-checks 0.4") == 3, text
    assert "`pip uninstall agentnet-bad-checks`" in text
    assert "ok runs" in text and "3 of" in text  # the other checks ran and were reported
    assert "Traceback" not in done.stderr


def test_help_lists_plugin_commands_from_a_cache_with_rows_of_another_shape(example_site: Path) -> None:
    """The command index --help reads is agentnet's own file, but another version (or a hand edit)
    may have written rows it does not expect: those are left out, the rest listed."""
    import os

    assert agentnet("models", "list", site=[example_site]).returncode == 0  # writes the index
    cache = Path(os.environ["AGENTNET_HOME"]) / "plugin_commands.json"
    index = json.loads(cache.read_text())
    assert [row["name"] for row in index["commands"]] == ["text-stats"]
    index["commands"] += [5, {"name": 5}, {"help": "no name"}, {"name": "odd", "help": ["not", "text"]}]
    cache.write_text(json.dumps(index))
    shown = agentnet("--help", site=[example_site])
    assert shown.returncode == 0, shown.stderr
    assert "text-stats" in shown.stdout and "odd" not in shown.stdout and "Traceback" not in shown.stderr


SLOW_HOOK = """\
import time
import agentnet
from agentnet import CapabilityCard


@agentnet.hookimpl
def register_nodes(register):
    time.sleep(2.4)  # a network call made in the hook, for every registry agentnet builds
    register(lambda text: "late", card=CapabilityCard(id="slow-hook-tool", description="answers late"))
"""


def test_a_plugin_hook_that_holds_agentnet_is_reported(tmp_path: Path) -> None:
    package = one_module_plugin(tmp_path / "slow-hook-src", "agentnet-slow-hook", "1.0", "slowhook", SLOW_HOOK)
    listed = agentnet("models", "list", "--json", site=[install(package, tmp_path / "site")])
    assert listed.returncode == 0, listed.stderr
    assert listed_ids(listed.stdout) == ["smollm2", "slow-hook-tool"]
    # Said while waiting (a hook that never returns once left agentnet silent), then how long it took.
    assert listed.stderr.index("agentnet plugin slowhook is still in register_nodes after 2 s") < listed.stderr.index(
        "agentnet plugin slowhook took 2."
    ), listed.stderr
    assert "s in register_nodes; every command that uses it waits for it" in listed.stderr
    assert "comes from agentnet-slow-hook 1.0" in listed.stderr


CRASHING_COMMANDS = """\
import agentnet
import typer


@agentnet.hookimpl
def register_commands(cli):
    @cli.command(name="crash")
    def crash() -> None:
        raise RuntimeError("command crashed")

    @cli.command(name="strict")
    def strict(n: int) -> None:
        if n < 0:
            raise typer.BadParameter("n must be >= 0")
        raise typer.Exit(3)

    group = typer.Typer()

    @group.command("go")
    def go() -> None:
        {}["missing"]

    cli.add_typer(group, name="grp")
"""


def test_a_plugin_command_that_raises_is_reported_with_its_plugin_and_the_way_out(tmp_path: Path) -> None:
    """A plugin's command that raises ended in a traceback through agentnet's and typer's frames, with
    nothing naming the plugin or its distribution, unlike a hook that raises (docs/plugins.md)."""
    site = install(
        one_module_plugin(tmp_path / "src", "agentnet-crashy", "0.2", "crashy", CRASHING_COMMANDS), tmp_path / "site"
    )
    for args, where in ((("crash",), "crash"), (("grp", "go"), "go")):
        done = agentnet(*args, site=[site])
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr, done.stderr
        name = " ".join(args)
        assert f"command '{name}' of plugin crashy from agentnet-crashy 0.2 failed:" in done.stderr, done.stderr
        assert "agentnet_crashy.py:" in done.stderr and f", in {where})" in done.stderr
        assert "`pip uninstall agentnet-crashy`" in done.stderr and "AGENTNET_LOAD_PLUGINS=" in done.stderr
    # typer's own usage errors and exits are the command's to make, as they were.
    usage = agentnet("strict", "--", "-1", site=[site])
    assert usage.returncode == 2 and "n must be >= 0" in usage.stderr and "plugin_command_failed" not in usage.stderr
    assert agentnet("strict", "2", site=[site]).returncode == 3


CANCELLED = """\
import asyncio
import agentnet


async def fetch():
    raise asyncio.CancelledError  # a BaseException: what asyncio.run() raises for a task cancelled inside


@agentnet.hookimpl
def register_nodes(register):
    asyncio.run(fetch())


@agentnet.hookimpl
def register_commands(cli):
    @cli.command(name="sync-things")
    def sync_things() -> None:
        asyncio.run(fetch())
"""


def test_a_plugin_raising_a_base_exception_is_reported_not_a_traceback(tmp_path: Path) -> None:
    """CancelledError is a BaseException, not an Exception: out of a hook it ended `models list` (every
    command building a registry) with a traceback, and out of a plugin's command too."""
    site = install(one_module_plugin(tmp_path / "src", "agentnet-cancel", "0.2", "cancel", CANCELLED), tmp_path / "s")
    listed = agentnet("models", "list", "--json", site=[site])
    assert listed.returncode == 0 and "smollm2" in listed_ids(listed.stdout), listed.stderr
    assert "agentnet plugin cancel failed in register_nodes: CancelledError\n" in listed.stderr, listed.stderr
    synced = agentnet("sync-things", site=[site])
    assert synced.returncode == 1 and "Traceback" not in synced.stderr, synced.stderr
    assert "command 'sync-things' of plugin cancel from agentnet-cancel 0.2 failed: CancelledError" in synced.stderr


HANGING = """\
import time
import agentnet
from agentnet import CapabilityCard


@agentnet.hookimpl
def register_nodes(register):
    register(lambda text: "never", card=CapabilityCard(id="never-tool", description="never registered"))
    time.sleep(3600)  # waits for a server, a lock or a terminal that never answers
"""


def test_a_plugin_hook_that_never_returns_is_given_up_on_and_named(example_site: Path, tmp_path: Path) -> None:
    package = one_module_plugin(tmp_path / "hang-src", "agentnet-sleepy", "0.1", "sleepy", HANGING)
    site = [example_site, install(package, tmp_path / "site")]
    began = time.monotonic()
    listed = agentnet("models", "list", "--json", site=site, env={"AGENTNET_PLUGIN_HOOK_WAIT_S": "3"}, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert time.monotonic() - began < 60  # it waited forever
    # The other plugin's node is there; what the hung hook registered before hanging is not.
    assert listed_ids(listed.stdout) == ["smollm2", "text-stats"]
    stderr = listed.stderr
    assert "agentnet plugin sleepy is still in register_nodes after 2 s" in stderr, stderr
    assert "agentnet plugin sleepy did not return within 3 s (AGENTNET_PLUGIN_HOOK_WAIT_S sets the wait)" in stderr
    assert "it was in register_nodes" in stderr and "comes from agentnet-sleepy 0.1" in stderr
    assert "took" not in stderr, stderr  # "took 3.0 s in register_nodes", as if it had returned
    assert "Traceback" not in stderr
