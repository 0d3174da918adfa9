"""Where ``agentnet serve`` listens, checked without name resolution: the bind rule on literal addresses,
the listening sockets as the kernel reports them, and a real server in a private network namespace
where a non-loopback address exists only for this test."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from bounded import run_bounded
from listening import is_loopback, listening_addresses
from pydantic import SecretStr
from serve_helpers import BIN_DIR, TOKEN, TOKEN_ENV, Served, listening_socket

from agentnet.errors import ConfigError
from agentnet.server.settings import ServerSettings

NETNS_DRIVER = Path(__file__).with_name("netns_serve.py")

NOT_LOOPBACK = [
    "0.0.0.0",
    "::",
    "[::]",
    "192.168.1.20",
    "10.1.2.3",
    "172.16.0.9",
    "198.51.100.7",
    "203.0.113.5",
    "fd00::2",
    "fe80::1",
    "2001:db8::1",
    "agents.example.org",  # a name is never assumed to be loopback (it is not resolved)
    "localhost.example.org",
]
LOOPBACK = ["127.0.0.1", "127.0.0.2", "127.255.255.254", "::1", "[::1]", "localhost", "LOCALHOST"]


@pytest.mark.parametrize("host", NOT_LOOPBACK)
def test_any_address_but_loopback_needs_a_token(host: str) -> None:
    with pytest.raises(ConfigError, match="needs a bearer token") as info:
        ServerSettings(host=host).check_bind()
    assert info.value.hint and "--token-env" in info.value.hint
    with pytest.raises(ConfigError):
        ServerSettings(host=host, token=SecretStr("")).check_bind()
    ServerSettings(host=host, token=SecretStr(TOKEN)).check_bind()


@pytest.mark.parametrize("host", LOOPBACK)
def test_loopback_needs_no_token(host: str) -> None:
    ServerSettings(host=host).check_bind()


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "fd00::2"])
def test_cli_refuses_before_loading_anything(host: str, tmp_path: Path) -> None:
    outcome = run_bounded(
        [str(BIN_DIR / "agentnet"), "serve", "--host", host, "--port", "8000"],
        timeout_s=60,
        cwd=tmp_path,
        env={**os.environ, "AGENTNET_HOME": str(tmp_path)},
    )
    assert outcome.returncode == 2 and not outcome.timed_out, outcome.describe()
    assert "needs a bearer token" in outcome.stderr and "--token-env" in outcome.stderr


def test_a_busy_port_is_refused_before_anything_loads(tmp_path: Path) -> None:
    with listening_socket() as taken:
        port = taken.getsockname()[1]
        outcome = run_bounded(
            [str(BIN_DIR / "agentnet"), "serve", "--port", str(port)],
            timeout_s=60,
            cwd=tmp_path,
            env={**os.environ, "AGENTNET_HOME": str(tmp_path)},
        )
    assert outcome.returncode == 2 and not outcome.timed_out, outcome.describe()
    assert f"cannot listen on 127.0.0.1:{port}" in outcome.stderr and "--port" in outcome.stderr
    assert "llama" not in outcome.stderr.lower()


def test_the_real_server_listens_on_loopback_only(gguf_server: Served) -> None:
    port = int(gguf_server.url.rsplit(":", 1)[1])
    listening = listening_addresses(port)
    assert listening, f"nothing listens on port {port} according to /proc/net/tcp"
    assert all(is_loopback(address) for address in listening), listening


def test_listening_addresses_reads_the_kernel_tables() -> None:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as v4, socket.create_server(("::1", 0), family=socket.AF_INET6) as v6:
        assert listening_addresses(v4.getsockname()[1]) == {"127.0.0.1"}
        assert listening_addresses(v6.getsockname()[1]) == {"::1"}
    with socket.create_server(("0.0.0.0", 0)) as anywhere:
        found = listening_addresses(anywhere.getsockname()[1])
        assert found == {"0.0.0.0"} and not is_loopback("0.0.0.0")


def _in_private_netns(*serve_args: str, token: str | None = None) -> dict[str, object]:
    if os.geteuid() != 0 or shutil.which("unshare") is None or shutil.which("ip") is None:
        pytest.skip("needs root with unshare and ip to create a private network namespace")
    env = {**os.environ, "AGENTNET_HOME": os.environ["AGENTNET_HOME"], "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    if token is not None:
        env[TOKEN_ENV] = token
    outcome = run_bounded(
        ["unshare", "--net", str(Path(BIN_DIR) / "python"), str(NETNS_DRIVER), str(BIN_DIR / "agentnet"), *serve_args],
        timeout_s=240,
        env=env,
    )
    assert outcome.returncode == 0 and not outcome.timed_out, outcome.describe()
    report: dict[str, object] = json.loads(outcome.stdout.strip().splitlines()[-1])
    return report


@pytest.mark.slow
def test_a_lan_address_without_a_token_is_refused_by_the_real_server() -> None:
    report = _in_private_netns("--host", "198.51.100.7")
    assert report["exit_code"] == 2, report
    assert "needs a bearer token" in str(report["output"])
    assert report["listening"] == []


@pytest.mark.slow
def test_a_lan_address_with_a_token_serves_there_only() -> None:
    report = _in_private_netns("--host", "198.51.100.7", "--token-env", TOKEN_ENV, token=TOKEN)
    reach = report["reach"]
    assert isinstance(reach, dict) and reach["198.51.100.7"] == "200", report
    assert reach["127.0.0.1"].startswith("unreachable"), report
    assert report["listening"] == ["198.51.100.7"], report
