"""Sentinel credentials (userinfo in api_base, a key the upstream quotes back in its error) never appear
in anything agentnet prints or stores: CLI output and errors, models list/show, runs.sqlite, the
trace, every file under AGENTNET_HOME, and the server's log."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_upstream import Answer, FakeUpstream, Upstream

from agentnet.redact import redact_text, redact_url

AGENTNET = [sys.executable, "-m", "agentnet.cli.app"]
USER_SECRET = "SENTINELpass7f3a9c"
KEY_SECRET = "sk-SENTINELkey0123456789abcdef"
SENTINELS = ("SENTINEL", USER_SECRET, KEY_SECRET)


@pytest.fixture
def refusing_upstream() -> Iterator[FakeUpstream]:
    server = FakeUpstream("never", status=401)
    yield server
    server.close()


def test_redact_masks_userinfo_query_keys_key_shapes_and_bearer_tokens() -> None:
    assert redact_url(f"http://alice:{USER_SECRET}@127.0.0.1:9/v1") == "http://***@127.0.0.1:9/v1"
    assert redact_url("https://h.example/v1?api_key=abc123&x=1") == "https://h.example/v1?api_key=***&x=1"
    text = f"call to http://u:{USER_SECRET}@h/v1 failed: Incorrect API key provided: {KEY_SECRET}; Bearer abcdefgh123"
    cleaned = redact_text(text)
    assert not any(s in cleaned for s in SENTINELS) and "Bearer ***" in cleaned
    assert redact_text("see http://127.0.0.1:8000/v1 and id sk-short") == "see http://127.0.0.1:8000/v1 and id sk-short"


def test_no_output_or_stored_byte_holds_a_credential(refusing_upstream: FakeUpstream, agentnet_home: Path) -> None:
    with_userinfo = refusing_upstream.api_base.replace("http://", f"http://alice:{USER_SECRET}@")
    Path("agentnet.yaml").write_text(
        "models:\n"
        f"  - id: userinfo\n    adapter: litellm\n    model: openai/fake\n    api_base: {with_userinfo}\n"
        "    params: {retries: 0}\n    card: {description: answers questions}\n"
        f"  - id: keyed\n    adapter: litellm\n    model: openai/fake\n    api_base: {refusing_upstream.api_base}\n"
        "    api_key_env: KEYED_KEY\n    params: {retries: 0}\n    card: {description: answers questions}\n"
    )
    # A key pasted into a prompt is masked in the prompt the trace keeps (the model still receives it).
    # A one-target cascade names its chain: the run fails on the refusing model. (A call step would fall
    # back to the embedded general model, which answers the prompt, quoting part of the key back.)
    Path("r.yaml").write_text(
        f'name: r\nsteps:\n  - id: one\n    cascade: [{{model: keyed}}]\n    prompt: "hello {KEY_SECRET}"\n'
    )
    # Wide: `models list` then shows each model's api_base too (the `where` column), which must be redacted.
    env = {**os.environ, "KEYED_KEY": KEY_SECRET, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}

    def cli(*args: str) -> tuple[list[str], int, str]:
        done = subprocess.run([*AGENTNET, *args], env=env, capture_output=True, text=True, timeout=180, check=False)
        return list(args), done.returncode, done.stdout + done.stderr

    outputs = [
        cli("models", "list"),
        cli("models", "show", "userinfo"),
        cli("ask", "--model", "userinfo", "hello"),
        cli("ask", "--model", "keyed", "hello"),
        cli("recipe", "run", "r.yaml"),
        cli("recipe", "run", "r.yaml", "--json"),
    ]
    runs = json.loads(cli("runs", "list", "--json")[2])
    assert len(runs) == 2
    outputs += [cli("runs", "show", run["id"]) for run in runs]
    outputs += [cli("runs", "show", run["id"], "--json") for run in runs]
    # The calls reached the upstream with the real credentials (so it could quote the key back)...
    assert any(KEY_SECRET in str(r.headers) for r in refusing_upstream.requests)
    assert outputs[2][1] == 1 and "http://***@127.0.0.1:" in outputs[2][2], outputs[2]
    # ...and nothing agentnet printed or stored holds either secret.
    for args, _, text in outputs:
        for secret in SENTINELS:
            assert secret not in text, f"{' '.join(args)} printed {secret}:\n{text[-2000:]}"
    shown = json.loads(outputs[-1][2])
    assert shown["steps"][0]["prompt"] == [{"role": "user", "content": "hello ***"}], shown["steps"]
    assert (agentnet_home / "runs.sqlite").exists()
    for path in agentnet_home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in SENTINELS:
                assert secret.encode() not in data, f"{path} stores {secret}"


@pytest.mark.usefixtures("agentnet_home")
def test_a_connection_string_is_refused_without_its_password() -> None:
    """AGENTNET_RUNS_URL set to a libpq connection string (no URL) is refused naming the setting, and the
    error echoed it whole, password included."""
    env = {**os.environ, "AGENTNET_RUNS_URL": f"host=127.0.0.1 dbname=runs password={USER_SECRET}"}
    done = subprocess.run([*AGENTNET, "runs", "list"], env=env, capture_output=True, text=True, timeout=120,
                          check=False)  # fmt: skip
    assert done.returncode != 0 and "AGENTNET_RUNS_URL" in done.stderr, done.stderr
    assert "password=***" in done.stderr and USER_SECRET not in done.stdout + done.stderr, done.stderr
    assert redact_text(f"host=h password='{USER_SECRET} x' user=u") == "host=h password=*** user=u"
    assert redact_text("the password field is empty") == "the password field is empty"


@pytest.mark.usefixtures("agentnet_home")
def test_a_masked_password_keeps_the_colon_after_it() -> None:
    """A run database URL with ?password= that cannot be reached: the error said 'runs?password=***
    connection failed', the colon before the reason swallowed with the secret (the message is masked
    twice, and the second pass took '***:' for a password)."""
    from listening import refused_port

    with refused_port() as port:
        url = f"postgresql://127.0.0.1:{port}/runs?password={USER_SECRET}"
        env = {**os.environ, "AGENTNET_RUNS_URL": url}
        done = subprocess.run([*AGENTNET, "runs", "list"], env=env, capture_output=True, text=True, timeout=120,
                              check=False)  # fmt: skip
    assert done.returncode != 0 and USER_SECRET not in done.stdout + done.stderr, done.stderr
    assert "/runs?password=***: connection failed" in done.stderr, done.stderr
    assert redact_text("GET /v1?token=abc123: 401") == "GET /v1?token=***: 401"
    assert redact_text("password=abc:def host=h") == "password=*** host=h"  # a colon inside stays masked
    assert redact_text("http://h/db?password=s3cret:5432&x=1") == "http://h/db?password=***&x=1"
    assert redact_text("password=abc.") == "password=***."


def test_the_credential_of_an_api_base_quoted_back_is_masked(agentnet_home: Path) -> None:
    """An api_base with user:password@ is sent as "Authorization: Basic base64(user:password)"; an upstream
    quoting back the credential it got (without "Basic ") put that base64 in the error, health.json, the
    trace and runs.sqlite: the password readable with `base64 -d`."""
    import base64

    quoting = Upstream(Answer(status=500, error={"message": "Incorrect API key provided: {credential}."}))
    try:
        api_base = quoting.api_base.replace("http://", f"http://alice:{USER_SECRET}@")
        Path("agentnet.yaml").write_text(
            f"models:\n  - id: proxied\n    adapter: litellm\n    model: openai/fake\n    api_base: {api_base}\n"
            "    params: {retries: 0}\n    card: {description: answers questions}\n"
        )
        Path("r.yaml").write_text('name: r\nsteps:\n  - id: one\n    cascade: [{model: proxied}]\n    prompt: "hi"\n')
        env = {**os.environ, "OPENAI_API_KEY": KEY_SECRET}
        printed = ""
        for args in (["ask", "--model", "proxied", "hello"], ["recipe", "run", "r.yaml"]):
            done = subprocess.run([*AGENTNET, *args], env=env, capture_output=True, text=True, timeout=180, check=False)
            printed += done.stdout + done.stderr
    finally:
        quoting.close()
    basic = base64.b64encode(f"alice:{USER_SECRET}".encode()).decode()
    assert any(basic in str(r.headers) for r in quoting.requests)  # it was sent, and quoted back...
    assert "Incorrect API key provided: ***." in printed, printed[-2000:]  # ...and masked
    stored = b"".join(path.read_bytes() for path in agentnet_home.rglob("*") if path.is_file())
    for secret in (basic, basic.rstrip("="), USER_SECRET):
        assert secret not in printed and secret.encode() not in stored, secret
