"""The example plugin of docs/plugins.md, installed as a distribution, used through the real CLI.

"Installed" means what pip leaves behind: a ``.dist-info`` folder (METADATA + entry_points.txt
written from the package's own pyproject.toml) and the module, in a folder the ``agentnet``
subprocesses get on PYTHONPATH. The test process itself never sees the plugin.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent / "example"
DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"
AGENTNET = Path(sys.executable).parent / "agentnet"


def install(package: Path, target: Path) -> Path:
    """Install ``package`` (a pyproject with entry points and py-modules) into ``target``, offline."""
    pyproject = tomllib.loads((package / "pyproject.toml").read_text())
    project = pyproject["project"]
    dist = target / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n")
    lines = []
    for group, entries in project.get("entry-points", {}).items():
        lines += [f"[{group}]", *(f"{name} = {value}" for name, value in entries.items())]
    (dist / "entry_points.txt").write_text("\n".join(lines) + "\n")
    for module in pyproject["tool"]["setuptools"]["py-modules"]:
        shutil.copy(package / f"{module}.py", target / f"{module}.py")
    return target


def one_module_plugin(root: Path, name: str, version: str, entry: str, source: str) -> Path:
    """A plugin package at ``root``: distribution ``name`` ``version``, one module ``agentnet_<entry>``
    holding ``source``, registered as the ``agentnet`` entry point ``entry`` (``install`` takes it)."""
    module = name.replace("-", "_")
    root.mkdir()
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "{name}"\nversion = "{version}"\n'
        f'[project.entry-points.agentnet]\n{entry} = "{module}"\n'
        f'[tool.setuptools]\npy-modules = ["{module}"]\n'
    )
    (root / f"{module}.py").write_text(source)
    return root


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install(EXAMPLE, tmp_path_factory.mktemp("site-example"))


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    package = tmp_path_factory.mktemp("broken-src")
    (package / "pyproject.toml").write_text(
        '[project]\nname = "agentnet-broken"\nversion = "9.9"\n'
        '[project.entry-points.agentnet]\nmissing = "no_such_module_for_agentnet"\nraising = "agentnet_raising"\n'
        '[tool.setuptools]\npy-modules = ["agentnet_raising"]\n'
    )
    (package / "agentnet_raising.py").write_text(
        "import agentnet\n"
        "@agentnet.hookimpl\n"
        "def register_nodes(register):\n"
        "    raise RuntimeError('nodes exploded')\n"
        "@agentnet.hookimpl\n"
        "def register_commands(cli):\n"
        "    raise RuntimeError('commands exploded')\n"
    )
    return install(package, tmp_path_factory.mktemp("site-broken"))


def agentnet(
    *args: str, site: list[Path], timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    # Before any PYTHONPATH already set (an agentnet checkout run from its source tree keeps its code).
    path = os.pathsep.join([*map(str, site), *filter(None, [os.environ.get("PYTHONPATH")])])
    full = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "PYTHONPATH": path, **(env or {})}
    return subprocess.run([str(AGENTNET), *args], capture_output=True, text=True, timeout=timeout, env=full)


def listed_ids(stdout: str) -> list[str]:
    """The ids `models list --json` printed, without the bundled collaborators (a built-in plugin)."""
    return [card["id"] for card in json.loads(stdout) if "bundled" not in card["tags"]]


def test_docs_show_the_shipped_example_package() -> None:
    text = DOC.read_text()
    for name in ("pyproject.toml", "agentnet_example.py"):
        shipped = (EXAMPLE / name).read_text()
        assert f"<!-- file: agentnet-example/{name} -->\n```" in text, name
        block = text.split(f"<!-- file: agentnet-example/{name} -->\n```", 1)[1].split("\n", 1)[1]
        assert block.split("```\n", 1)[0] == shipped, f"docs/plugins.md's {name} differs from tests/plugins/example"


def test_every_docs_example_runs(example_site: Path) -> None:
    """docs/plugins.md as a reader runs it; its `pip install` is this test's offline install."""
    blocks = re.finditer(
        r"(?:<!-- file: (?P<file>[^ ]+) -->\n)?```(?P<lang>[a-z]*)\n(?P<body>.*?)```", DOC.read_text(), re.S
    )
    ran = 0
    for block in blocks:
        if block["file"] and not block["file"].startswith("agentnet-example/"):
            Path(block["file"]).write_text(block["body"])
        elif block["lang"] == "bash":
            for line in block["body"].splitlines():
                if line.startswith("pip install"):
                    continue
                env = {**os.environ, "PYTHONPATH": str(example_site), "PATH": f"{AGENTNET.parent}:{os.environ['PATH']}"}
                done = subprocess.run(["bash", "-c", line], capture_output=True, text=True, timeout=300, env=env)
                assert done.returncode == 0, (line, done.stdout[-2000:], done.stderr[-2000:])
                ran += 1
    assert ran >= 7


def test_node_is_listed_and_answers(example_site: Path) -> None:
    listed = agentnet("models", "list", "--json", site=[example_site])
    assert listed.returncode == 0, listed.stderr
    cards = {card["id"]: card for card in json.loads(listed.stdout)}
    # Built-ins first (the embedded model, the bundled collaborators), then the plugin's node.
    assert next(iter(cards)) == "smollm2" and list(cards)[-1] == "text-stats" and "calculator" in cards
    assert cards["text-stats"]["provider"] == "tool" and cards["text-stats"]["skills"][0]["id"] == "count-words"
    asked = agentnet("ask", "--model", "text-stats", "--quiet", "One. Two three!", site=[example_site])
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout) == {"words": 3, "sentences": 2, "characters": 15}
    # Without the plugin installed, the id is unknown again.
    gone = agentnet("ask", "--model", "text-stats", "hi", site=[])
    assert gone.returncode == 2 and "no model or tool is registered as 'text-stats'" in gone.stderr


def test_adapter_works_in_agentnet_yaml(example_site: Path) -> None:
    Path("agentnet.yaml").write_text(
        "models:\n"
        "  - id: shouty\n"
        "    adapter: echo\n"
        "    options: {prefix: '>> ', upper: true}\n"
        "    card: {description: Repeats the prompt in capitals.}\n"
    )
    asked = agentnet("ask", "-m", "shouty", "-q", "hello there", site=[example_site])
    assert asked.returncode == 0, asked.stderr
    assert asked.stdout == ">> HELLO THERE\n"
    missing = agentnet("models", "list", site=[])
    assert missing.returncode == 2
    assert "agentnet.yaml:3:5: models.0.adapter" in missing.stderr and "unknown adapter 'echo'" in missing.stderr
    assert "installed adapters: llamacpp, litellm, callable" in missing.stderr
    Path("agentnet.yaml").write_text("models:\n  - id: shouty\n    adapter: echo\n    options:\n      volume: 11\n")
    bad = agentnet("models", "list", site=[example_site])
    assert bad.returncode == 2
    assert "agentnet.yaml:5:7: models.0.options.volume: unknown key" in bad.stderr


def test_importer_command_and_doctor_check(example_site: Path) -> None:
    Path("cards.csv").write_text(
        "id,description,input,output\n"
        "pdf-reader,Extracts the text of a PDF document.,document,text\n"
        "speaker,Reads a text aloud.,text,audio\n"
    )
    imported = agentnet("directory", "import", "cards.csv", site=[example_site])
    assert imported.returncode == 0, imported.stderr
    assert "imported 2 cards from cards.csv" in imported.stdout
    shown = agentnet("directory", "show", "speaker", site=[example_site])
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["output_types"] == ["audio"]
    counted = agentnet("text-stats", "Bees make honey.", site=[example_site])
    assert counted.returncode == 0, counted.stderr
    assert json.loads(counted.stdout)["words"] == 3
    listed = json.loads(agentnet("plugins", "list", "--json", site=[example_site]).stdout)
    example = next(p for p in listed if p["name"] == "example")
    assert example["source"] == "entry point" and example["distribution"] == "agentnet-example"
    assert example["version"] == "0.1.0" and example["errors"] == []
    assert example["registered"] == {
        "nodes": ["text-stats"],
        "adapters": ["echo"],
        "importers": ["csv"],
        "commands": ["text-stats"],
        "doctor_checks": ["example-echo"],
        "transports": [],
        "routes": [],
    }
    # The example's check runs in `agentnet doctor` beside agentnet's own (registered the same way).
    doctor = agentnet("doctor", "--json", site=[example_site])
    assert doctor.returncode in (0, 1) and doctor.stdout, doctor.stderr  # 1 if this machine lacks something
    checks = {check["name"]: check for check in json.loads(doctor.stdout)["checks"]}
    assert checks["example-echo"] == {
        "name": "example-echo",
        "ok": True,
        "detail": "the echo adapter and the text-stats node are available",
        "fix": "",
        "plugin": "example",
    }
    assert {"model-files", "keys", "endpoints", "directory", "runs"} <= set(checks)
    builtin = next(p for p in listed if p["name"] == "agentnet.nodes.adapters")
    assert builtin["source"] == "builtin" and builtin["registered"]["adapters"] == ["llamacpp", "litellm", "callable"]
    # agentnet's own `mcp` commands come through register_commands like the example's.
    mcp = next(p for p in listed if p["name"] == "agentnet.cli.mcp_cmd")
    assert mcp["source"] == "builtin" and mcp["registered"]["commands"] == ["mcp"] and mcp["errors"] == []


HELP_PROBE = (
    "import sys\n"
    "sys.argv = ['agentnet', '--help']\n"
    "from agentnet.cli.app import main\n"
    "try:\n"
    "    main()\n"
    "except SystemExit:\n"
    "    pass\n"
    "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
    "('agentnet_example', 'litellm', 'llama_cpp', 'chromadb', 'langchain_core', 'langgraph'))\n"
    "sys.stderr.write('LOADED=' + ','.join(loaded))\n"
)


def help_run(site: Path) -> tuple[str, str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "PYTHONPATH": str(site)}
    done = subprocess.run([sys.executable, "-c", HELP_PROBE], capture_output=True, text=True, timeout=60, env=env)
    assert "LOADED=" in done.stderr, done.stderr
    return done.stdout, done.stderr.split("LOADED=")[1]


def test_help_lists_plugin_commands_without_importing_plugins(example_site: Path) -> None:
    before, loaded = help_run(example_site)
    assert loaded == ""  # entry-point metadata only: no plugin module, no engine
    assert "text-stats" not in before and "agentnet plugins list" in before
    # Built-in command plugins are listed from the first run (their hook runs when the CLI is built).
    assert re.search(r"^\W*mcp\s+MCP servers' tools as collaborators", before, re.M), before
    # Any command that loads plugins indexes their commands for the next --help.
    assert agentnet("models", "list", site=[example_site]).returncode == 0
    after, loaded = help_run(example_site)
    assert loaded == ""
    assert "Plugin commands" in after and "text-stats" in after and "Count the words, sentences" in after
    # Installing or removing a plugin changes the entry points: the index is not trusted any more.
    stale, _ = help_run(Path("/nonexistent"))
    assert "text-stats" not in stale


def test_broken_plugins_are_reported_and_skipped(example_site: Path, broken_site: Path) -> None:
    site = [example_site, broken_site]
    listed = agentnet("models", "list", "--json", site=site)
    assert listed.returncode == 0, listed.stderr
    assert listed_ids(listed.stdout) == ["smollm2", "text-stats"]
    assert listed.stderr.count("agentnet plugin missing could not be loaded: ModuleNotFoundError") == 1
    assert "agentnet plugin raising failed in register_nodes: RuntimeError: nodes exploded" in listed.stderr
    asked = agentnet("ask", "-m", "text-stats", "-q", "still working", site=site)
    assert asked.returncode == 0 and json.loads(asked.stdout)["words"] == 2
    plugins = {p["name"]: p for p in json.loads(agentnet("plugins", "list", "--json", site=site).stdout)}
    assert not plugins["missing"]["loaded"] and "no_such_module_for_agentnet" in plugins["missing"]["errors"][0]
    assert plugins["raising"]["distribution"] == "agentnet-broken"
    assert any("register_commands: RuntimeError: commands exploded" in e for e in plugins["raising"]["errors"])
    assert plugins["example"]["errors"] == [] and plugins["example"]["registered"]["commands"] == ["text-stats"]
    unknown = agentnet("no-such-command", site=site)
    assert unknown.returncode == 2 and "No such command 'no-such-command'" in unknown.stderr
    # AGENTNET_LOAD_PLUGINS narrows the installed plugins (by entry-point or distribution name).
    only = agentnet("models", "list", "--json", site=site, env={"AGENTNET_LOAD_PLUGINS": "agentnet-example"})
    assert only.returncode == 0 and "agentnet plugin" not in only.stderr
    assert listed_ids(only.stdout) == ["smollm2", "text-stats"]
    none = agentnet("models", "list", "--json", site=site, env={"AGENTNET_LOAD_PLUGINS": ""})
    assert listed_ids(none.stdout) == ["smollm2"] and "agentnet plugin" not in none.stderr


@pytest.mark.slow
def test_run_plans_and_executes_the_plugin_node(example_site: Path) -> None:
    task = "Count the words in this text: the quick brown fox jumps over the lazy dog"
    done = agentnet("run", task, "--json", site=[example_site], timeout=900)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == "succeeded"
    trace = json.loads(agentnet("runs", "show", result["run_id"], "--json", site=[example_site]).stdout)
    assert [step["node_id"] for step in trace["steps"]] == ["text-stats"], trace["plan"]
    # The text after the colon, not the request's own words too (it counted 15 words).
    assert json.loads(result["answer"]) == {"words": 9, "sentences": 1, "characters": 43}
