"""Hostile YAML in a bounded child: if a guard regresses, the test fails in seconds (memory cap or
timeout) instead of expanding an alias bomb in the test process until the machine runs out of memory."""

from __future__ import annotations

import sys
from pathlib import Path

from bounded import call_bounded, run_bounded

from agentnet.yamlfile import parse_yaml

AGENTNET = Path(sys.executable).parent / "agentnet"


def alias_bomb(levels: int = 12) -> str:
    """Ten to the power ``levels`` leaves from about 120 aliases."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "name: bomb\n" + "\n".join(lines) + "\nsteps: []\n"


def test_alias_bomb_is_refused_within_limits() -> None:
    outcome = call_bounded(parse_yaml, alias_bomb(), "r.yaml", timeout_s=15, memory_mb=768)
    assert not outcome.timed_out and not outcome.out_of_memory, outcome.describe()
    # Refused by what its aliases would expand to (after 41 of them), before the alias cap (100).
    assert outcome.raised == "ConfigError" and outcome.error_code == "yaml_alias_expansion", outcome.describe()
    assert outcome.error_message and outcome.error_message.startswith("r.yaml:")


def test_more_than_100_aliases_are_refused_even_when_small() -> None:
    text = "base: &b x\n" + "".join(f"item{i}: *b\n" for i in range(101))
    outcome = call_bounded(parse_yaml, text, "many.yaml", timeout_s=15, memory_mb=768)
    assert outcome.raised == "ConfigError" and outcome.error_code == "yaml_too_many_aliases", outcome.describe()
    assert outcome.error_message and outcome.error_message.startswith("many.yaml:102:")


def test_aliases_under_the_cap_still_load() -> None:
    text = "base: &b {k: v}\n" + "".join(f"item{i}: *b\n" for i in range(100))
    outcome = call_bounded(parse_yaml, text, "ok.yaml", timeout_s=15, memory_mb=768)
    assert outcome.raised is None, outcome.describe()
    assert outcome.value.data["item99"] == {"k": "v"}


def test_cli_refuses_an_alias_bomb_recipe_within_limits(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb())
    outcome = run_bounded([str(AGENTNET), "recipe", "validate", str(path)], timeout_s=30, memory_mb=2048)
    assert not outcome.timed_out and outcome.returncode == 2, outcome.describe()
    assert "YAML aliases expand to more than" in outcome.stderr and f"{path}:" in outcome.stderr
