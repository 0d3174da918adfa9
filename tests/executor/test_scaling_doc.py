"""docs/scaling.md: its shared config is a valid agentnet.yaml, and the URL option it offers for
PostgreSQL really reaches the server."""

from __future__ import annotations

import re
from pathlib import Path

from agentnet.config import AgentnetConfig, RunsSettings
from agentnet.executor import open_run_store
from agentnet.yamlfile import parse_yaml

DOC = Path(__file__).resolve().parents[2] / "docs" / "scaling.md"


def test_the_shared_config_is_valid() -> None:
    (section,) = re.findall(r"```yaml\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    config = AgentnetConfig.model_validate(parse_yaml(section, str(DOC)).data)
    assert config.runs.url is not None and config.runs.url.startswith("postgresql://")
    assert config.directory.url == "http://chroma.internal:8000"
    assert {model.id for model in config.models} == {"writer", "coder", "small"}


def test_the_synchronous_commit_option_reaches_postgresql(pg_url: str) -> None:
    (option,) = re.findall(r"append `(\?options=[^`]+)` to `runs.url`", DOC.read_text())
    store = open_run_store(RunsSettings(url=pg_url + option))
    try:
        assert store._query("SHOW synchronous_commit", ()) == [("off",)]
    finally:
        store.close()
    plain = open_run_store(RunsSettings(url=pg_url))
    try:
        assert plain._query("SHOW synchronous_commit", ()) == [("on",)]
    finally:
        plain.close()
