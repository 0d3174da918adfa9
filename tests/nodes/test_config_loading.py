"""Config loading: user + project files merged; malformed YAML and unknown keys point at file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentnet.config import load_config
from agentnet.errors import ConfigError
from agentnet.nodes.registry import NodeRegistry

USER = """\
pool_memory_mb: 4096
models:
  - id: writer
    adapter: litellm
    model: openai/gpt-4o-mini
    api_key_env: WRITER_KEY
  - id: shared
    adapter: litellm
    model: anthropic/claude-3-5-haiku-latest
"""

PROJECT = """\
default_model: shared
models:
  - id: shared
    adapter: llamacpp
    path: embedded:smollm2
    params:
      n_ctx: 1024
    card:
      description: the project's own local model
"""


def test_user_and_project_files_merge(agentnet_home: Path) -> None:
    (agentnet_home / "config.yaml").write_text(USER)
    Path("agentnet.yaml").write_text(PROJECT)
    config = load_config()
    assert config.model_ids() == ["smollm2", "writer", "shared"]
    by_id = {spec.id: spec for spec in config.models}
    # The project file wins per model id and per setting; untouched user settings stay.
    assert by_id["shared"].adapter == "llamacpp" and by_id["shared"].params.n_ctx == 1024
    assert by_id["writer"].api_key_env == "WRITER_KEY"
    assert config.default_model == "shared"
    assert config.pool_memory_mb == 4096
    registry = NodeRegistry.from_files()
    assert registry.default_id == "shared"
    assert registry.card("shared").description == "the project's own local model"


def test_explicit_file_replaces_the_project_file(agentnet_home: Path, tmp_path: Path) -> None:
    Path("agentnet.yaml").write_text(PROJECT)
    explicit = tmp_path / "other.yaml"
    explicit.write_text("default_model: smollm2\n")
    config = load_config(explicit)
    assert config.model_ids() == ["smollm2"]
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.yaml")


def test_malformed_yaml_names_file_and_line() -> None:
    Path("agentnet.yaml").write_text("models:\n  - id: a\n    adapter: [llamacpp\n")
    with pytest.raises(ConfigError) as err:
        load_config()
    assert "agentnet.yaml:" in err.value.message
    assert err.value.code == "yaml_syntax"
    location = err.value.message.split("agentnet.yaml:")[1].split(":")[0]
    assert int(location) >= 3


def test_unknown_key_names_file_line_and_key() -> None:
    Path("agentnet.yaml").write_text(
        "models:\n  - id: a\n    adapter: llamacpp\n    path: embedded:smollm2\n    params:\n      temprature: 0.5\n"
    )
    with pytest.raises(ConfigError) as err:
        load_config()
    assert "agentnet.yaml:6:7" in err.value.message
    assert "temprature" in err.value.message and "unknown key" in err.value.message


def test_wrong_adapter_fields_are_explained() -> None:
    Path("agentnet.yaml").write_text("models:\n  - id: a\n    adapter: litellm\n")
    with pytest.raises(ConfigError, match="needs 'model'"):
        load_config()


def test_relative_gguf_paths_are_relative_to_their_config_file(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "agentnet.yaml").write_text(
        "models:\n  - id: mine\n    adapter: llamacpp\n    path: models/mine.gguf\n"
        "  - id: home\n    adapter: llamacpp\n    path: ~/mine.gguf\n"
    )
    config = load_config(folder / "agentnet.yaml")
    by_id = {spec.id: spec for spec in config.models}
    assert by_id["mine"].resolved_path() == folder / "models" / "mine.gguf"
    assert by_id["home"].resolved_path() == Path("~/mine.gguf").expanduser()
    assert by_id["smollm2"].path == "embedded:smollm2"


def test_a_misspelt_key_names_the_field_it_is_nearest() -> None:
    """`adaptr:`, `parms:` and `default_modle:` were each "unknown key (not allowed here; check the
    spelling)": the right spelling is now named, from the config's own fields."""
    Path("agentnet.yaml").write_text(
        "models:\n  - id: a\n    adaptr: llamacpp\n    path: embedded:smollm2\n    parms: {n_ctx: 512}\n"
        "default_modle: a\nplanner: {lokal_only: true}\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_config()
    message = caught.value.message
    assert "agentnet.yaml:3:5: models.0.adaptr: unknown key (not allowed here; did you mean 'adapter'?)" in message
    assert "models.0.parms: unknown key (not allowed here; did you mean 'params'?)" in message
    assert "default_modle: unknown key (not allowed here; did you mean 'default_model'?)" in message
    assert "planner.lokal_only: unknown key (not allowed here; did you mean 'local_only'?)" in message


def test_a_key_that_only_contains_the_letters_of_key_is_not_taken_for_a_secret() -> None:
    Path("agentnet.yaml").write_text(
        "models:\n  - id: a\n    adapter: llamacpp\n    path: embedded:smollm2\n    monkey: 1\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert "models.0.monkey: unknown key (not allowed here; check the spelling)" in caught.value.message


@pytest.mark.parametrize("key", ["api_key", "apikey_env", "api_key_value", "apikey", "api_keys", "API-KEY", "token"])
def test_a_key_written_into_the_config_is_told_where_keys_go(key: str) -> None:
    """`api_key: sk-...` was refused with "did you mean 'api_key_env'?" alone: a user could then write
    `api_key_env: sk-...`. The hint says that field names a variable, and where the key itself goes.
    `apikey`, `api_keys` and `token` are too far from `api_key_env` for a spelling match: they were told
    only "check the spelling"."""
    Path("agentnet.yaml").write_text(
        f"models:\n  - id: a\n    adapter: litellm\n    model: openai/gpt-4o-mini\n    {key}: sk-secret-123\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_config()
    message = caught.value.message
    assert f"models.0.{key}: unknown key (not allowed here; did you mean 'api_key_env'?" in message, message
    assert "the name of the environment variable" in message and ".env" in message, message
    assert "never in this file" in message and "sk-secret-123" not in str(caught.value), message
