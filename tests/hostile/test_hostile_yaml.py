"""Hostile YAML through the real CLI, under time and memory limits: every file agentnet reads (config,
recipe, peers.yaml, card import) refuses an alias bomb, a recursive alias and deep nesting with exit 2
and ``file:line:col``, as fast as it reports a plain syntax error."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from bounded import Bounded, call_bounded, run_bounded

from agentnet.yamlfile import MAX_ALIASES, parse_yaml


def expansion_bomb() -> str:
    """72 aliases (under the alias cap) that expand to 9**9 values: seconds and gigabytes if walked."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    return "\n".join(lines) + "\n"


HOSTILE = {
    "alias expansion": expansion_bomb(),
    "recursive alias": "a: &a [x, *a]\n",
    "deep block nesting": "".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "x\n",
    "deep flow nesting": "[" * 5000 + "]" * 5000 + "\n",
    "deep flow under libyaml's cap": "a: " + "[" * 900 + "]" * 900 + "\n",
    # Python reads no int of more than 4300 digits: a ValueError traceback reached the user.
    "a number of 5000 digits": "runs:\n  max_artifact_bytes: " + "9" * 5000 + "\n",
    # YAML keeps the last silently: an appended `default_model:` chose a model with no word said.
    "a key twice": "default_model: smollm2\nmodels: []\ndefault_model: other\n",
    "a key twice, deeper and aliased": "d: &d {x: 1}\nm:\n  - {id: a, params: *d}\n  - {id: b, id: c}\n",
}
SYNTAX_ERROR = "models: [unclosed\n"
LOCATION = re.compile(r"\.yaml:\d+:\d+: ")
AGENTNET = Path(sys.executable).parent / "agentnet"


def test_expansion_bomb_stays_under_the_alias_cap() -> None:
    assert expansion_bomb().count("*a") < MAX_ALIASES  # the old alias cap alone let it through


def timed_refusal(text: str, source: str) -> tuple[float, str, str]:
    """Parse in this (bounded child) process: seconds to the refusal, its code and first line."""
    import time

    from agentnet.errors import ConfigError

    started = time.perf_counter()
    try:
        parse_yaml(text, source)
    except ConfigError as exc:
        return time.perf_counter() - started, exc.code, exc.message.splitlines()[0]
    return time.perf_counter() - started, "", "accepted"


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_parse_refuses_with_a_position_in_milliseconds(name: str) -> None:
    hostile = call_bounded(timed_refusal, HOSTILE[name], "hostile.yaml", timeout_s=20, memory_mb=768)
    assert hostile.raised is None and not hostile.timed_out, hostile.describe()
    elapsed, code, message = hostile.value
    assert re.match(r"hostile\.yaml:\d+:\d+: ", message), message
    assert code.startswith("yaml_")
    # A syntax error in a one-line file is the baseline: a refusal costs about as little.
    baseline = call_bounded(timed_refusal, SYNTAX_ERROR, "plain.yaml", timeout_s=20, memory_mb=768).value[0]
    assert elapsed < max(20 * baseline, 0.25), f"{name}: {elapsed:.4f} s (a syntax error: {baseline:.4f} s)"


def test_honest_anchors_and_nesting_still_load() -> None:
    text = "defaults: &d {temperature: 0.2, max_tokens: 64}\nmodels:\n" + "".join(
        f"  - {{id: m{i}, params: *d}}\n" for i in range(50)
    )
    doc = parse_yaml(text, "ok.yaml")
    assert doc.data["models"][49]["params"] == {"temperature": 0.2, "max_tokens": 64}
    assert doc.where(("models", 49, "id")) == "ok.yaml:52:6"
    nested = parse_yaml("".join("  " * i + f"k{i}:\n" for i in range(40)) + "  " * 40 + "x\n", "n.yaml")
    assert nested.data["k0"]["k1"]["k2"] is not None


def _where_each_file_is_read(tmp: Path, text: str) -> dict[str, tuple[list[str], dict[str, str], Path]]:
    """CLI invocations that read a YAML file of each kind, with the env and cwd each needs."""
    home = tmp / "home"
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "AGENTNET_HOME": str(home), "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    (tmp / "bad.yaml").write_text(text)
    project = tmp / "project"
    project.mkdir(exist_ok=True)
    (project / "agentnet.yaml").write_text(text)
    (home / "peers.yaml").write_text(text)
    return {
        "config": (["models", "list"], env, project),
        "explicit config": (["models", "list", "--config", str(tmp / "bad.yaml")], env, tmp),
        "recipe": (["recipe", "validate", str(tmp / "bad.yaml")], env, tmp),
        "peers": (["peers", "list"], env, tmp),
        "card import": (["directory", "import", str(tmp / "bad.yaml")], env, tmp),
    }


def _run(args: list[str], env: dict[str, str], cwd: Path) -> Bounded:
    return run_bounded([str(AGENTNET), *args], env=env, cwd=cwd, timeout_s=60, memory_mb=4096)


@pytest.mark.parametrize("kind", ["config", "explicit config", "recipe", "peers", "card import"])
def test_every_file_kind_refuses_hostile_yaml_with_exit_2(kind: str, tmp_path: Path) -> None:
    # Every loader goes through parse_yaml (the shapes are tested above); here each kind of file is
    # read by the real CLI, under a memory limit, with the bomb and the nesting that libyaml scans ahead.
    baseline = _run(*_where_each_file_is_read(tmp_path / "plain", SYNTAX_ERROR)[kind])
    assert baseline.returncode == 2, baseline.describe()
    for name in ("alias expansion", "deep flow nesting", "a number of 5000 digits"):
        args, env, cwd = _where_each_file_is_read(tmp_path / name.replace(" ", "-"), HOSTILE[name])[kind]
        result = _run(args, env, cwd)
        assert result.returncode == 2, f"{kind} / {name}: {result.describe()}"
        assert LOCATION.search(result.stderr), f"{kind} / {name}: no file:line:col in\n{result.stderr}"
        assert "Traceback" not in result.stdout + result.stderr
        # CLI start-up dominates both (and varies with the machine's load); the refusal adds ~nothing.
        assert result.elapsed_s < 2 * baseline.elapsed_s + 1.0, f"{kind} / {name}: {result.elapsed_s:.2f} s"


def test_recipe_names_cannot_climb_out_of_the_recipe_folders(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "recipes").mkdir(parents=True)
    (home / "outside.yaml").write_text("name: outside\nsteps: []\n")  # beside the folder, not in it
    env = {**os.environ, "AGENTNET_HOME": str(home)}
    for name in ("../outside", "..%2Foutside", "a/../../outside"):
        result = run_bounded([str(AGENTNET), "recipe", "validate", name], env=env, cwd=tmp_path, timeout_s=60)
        assert result.returncode == 2, f"{name}: {result.describe()}"
        assert "not a recipe name" in result.stderr, result.stderr


# Files that are not ours, passed where agentnet expects YAML: errors locate, never quote, their lines.
NOT_OURS = {
    "shadow": "root:$6$SECRETHASH1:19000:0:99999:7:::\ndaemon:*:SECRETHASH2:0:99999:7:::\n",
    "passwd": "root:x:0:0:SECRETPASSWD:/root:/bin/bash\n",
    # A name-like key is shown (it may be a typo), but not one too long to be a name; values never are.
    "env": "API_KEY: SECRETVALUE\n" + "K" * 50 + "abcdefghijklmnopqrstuvwxyz: 1\n",
}


@pytest.mark.parametrize("kind", ["explicit config", "recipe", "card import"])
def test_errors_never_echo_the_lines_of_a_file_that_is_not_ours(kind: str, tmp_path: Path) -> None:
    for name, text in NOT_OURS.items():
        args, env, cwd = _where_each_file_is_read(tmp_path / name, text)[kind]
        result = _run(args, env, cwd)
        assert result.returncode == 2, f"{kind} / {name}: {result.describe()}"
        output = result.stdout + result.stderr
        assert LOCATION.search(output), f"{kind} / {name}: no file:line:col in\n{output}"
        assert "SECRET" not in output, f"{kind} / {name}:\n{output}"
        assert "abcdefghijklmnopqrstuvwxyz" not in output
