"""Hostile YAML in a bounded child: if a guard regresses, the test fails in seconds (memory cap or
timeout) instead of expanding an alias bomb in the test process until the machine runs out of memory."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from bounded import call_bounded, run_bounded

from agentnet.errors import ConfigError
from agentnet.yamlfile import MAX_YAML_BYTES, parse_yaml

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


def test_text_over_the_size_cap_is_refused_before_it_is_parsed() -> None:
    """The cap holds for text (a recipe on stdin, a string) as for files, and counts UTF-8 bytes, not characters."""
    over = "k: v\n#" + "x" * (MAX_YAML_BYTES - 6) + "\n"
    assert len(over.encode()) == MAX_YAML_BYTES + 1
    with pytest.raises(ConfigError) as info:
        parse_yaml(over, "stdin.yaml")
    assert info.value.code == "yaml_too_large" and info.value.message.startswith("stdin.yaml: file is 1,000,001 bytes")
    with pytest.raises(ConfigError, match="over the 40-byte limit"):
        parse_yaml("k: " + "é" * 19, max_bytes=40)  # 22 characters, 41 bytes
    assert parse_yaml("k: " + "é" * 18 + "x", max_bytes=40).data == {"k": "é" * 18 + "x"}


def test_nesting_and_alias_expansion_are_cut_exactly_at_their_limits() -> None:
    """64 levels load, 65 do not; aliases may repeat 100,000 values in all, not one more."""
    assert parse_yaml("a: " + "[" * 63 + "]" * 63 + "\n").data is not None
    with pytest.raises(ConfigError) as deep:
        parse_yaml("a: " + "[" * 64 + "]" * 64 + "\n", "deep.yaml")
    assert deep.value.code == "yaml_too_deep" and deep.value.message.startswith("deep.yaml:1:")
    anchors = "a: &a [" + ", ".join(["x"] * 999) + "]\nb: &b [" + ", ".join(["x"] * 1000) + "]\n"
    # An anchored list of n values repeats n + 1 (the list itself) at each alias.
    assert len(parse_yaml(anchors + "refs: [" + ", ".join(["*a"] * 100) + "]\n").data["refs"]) == 100
    with pytest.raises(ConfigError) as expanded:
        parse_yaml(anchors + "refs: [" + ", ".join(["*a"] * 99 + ["*b"]) + "]\n")
    assert expanded.value.code == "yaml_alias_expansion"
