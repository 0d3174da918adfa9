"""The one loopback check: what counts as this host for card defaults, peers and the server's gate."""

from __future__ import annotations

import pytest

from agentnet.config import ModelSpec
from agentnet.hosts import is_loopback_host, is_loopback_url


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/v1",
        "http://127.0.0.2/",
        "http://localhost:11434",
        "http://[::1]:9000/v1",
        "localhost:1234",
    ],
)
def test_loopback_urls(url: str) -> None:
    assert is_loopback_url(url)


@pytest.mark.parametrize(
    "url",
    [None, "", "https://api.openai.com/v1", "http://127.evil.example/v1", "http://10.0.0.5:8080", "http://[::2]/"],
)
def test_other_urls(url: str | None) -> None:
    assert not is_loopback_url(url)


def test_hosts_as_the_server_sees_them() -> None:
    assert all(is_loopback_host(h) for h in ["127.0.0.1", "::1", "[::1]", "LOCALHOST", " localhost "])
    assert not any(is_loopback_host(h) for h in ["0.0.0.0", "192.168.1.4", "example.org", "127.0.0.1.nip.io"])


def test_a_remote_model_on_loopback_keeps_data_on_host() -> None:
    def card(api_base: str) -> bool:
        return (
            ModelSpec(id="m", adapter="litellm", model="openai/x", api_base=api_base).capability_card().data_leaves_host
        )

    assert not card("http://127.0.0.1:8080/v1")
    assert card("http://127.attacker.example/v1")
