"""A `directory.url` that does not work is named with the config file it came from, as runs.url is:
"fix directory.url" left a user of `-c FILE`, of the user config or of ./agentnet.yaml guessing which
file to open. A real closed loopback port (nothing listens) and a URL of the wrong scheme."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from dirkit import CountingEmbedder

from agentnet.config import load_config
from agentnet.directory.store import Directory
from agentnet.errors import DirectoryError


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_server_s_hint_names_the_explicit_config_file(
    agentnet_home: Path, tmp_path: Path, embedder: CountingEmbedder
) -> None:
    config = tmp_path / "team.yaml"
    port = closed_port()
    config.write_text(f"directory:\n  url: http://127.0.0.1:{port}\n")
    with pytest.raises(DirectoryError, match="cannot reach the chroma server") as info:
        Directory.from_settings(load_config(config).directory, embedder=embedder)
    assert f"or fix directory.url in {config}" in (info.value.hint or ""), info.value.hint


def test_a_url_of_another_scheme_names_the_user_config_it_is_in(
    agentnet_home: Path, embedder: CountingEmbedder
) -> None:
    (agentnet_home / "config.yaml").write_text("directory:\n  url: ftp://127.0.0.1:8000\n")
    with pytest.raises(DirectoryError) as info:
        Directory.from_settings(load_config().directory, embedder=embedder)
    assert (
        info.value.message
        == f"directory.url in {agentnet_home / 'config.yaml'} 'ftp://127.0.0.1:8000' is not an http(s) URL"
    )


def test_a_url_given_in_code_is_named_as_the_setting_alone(embedder: CountingEmbedder) -> None:
    with pytest.raises(DirectoryError) as info:
        Directory(url="ftp://127.0.0.1:8000", embedder=embedder)
    assert info.value.message == "directory.url 'ftp://127.0.0.1:8000' is not an http(s) URL"
