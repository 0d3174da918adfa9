"""Security and bad input, over real HTTP: tokens, origins, hosts, body and parameter limits, error shape."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from serve_helpers import BIN_DIR, TOKEN, TOKEN_ENV, Served, ThreadedServer

from agentnet.server.app import create_app
from agentnet.server.settings import ServerSettings
from agentnet.testing import ScriptedModel

CHAT = {"model": "echo", "messages": [{"role": "user", "content": "hi"}]}


def assert_openai_error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, object]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert {"message", "type", "code"} <= set(error)
    assert isinstance(error["message"], str) and error["message"]
    assert "Traceback" not in response.text
    if code is not None:
        assert error["code"] == code
    return error


@pytest.fixture
def secured(run_app) -> ThreadedServer:  # type: ignore[no-untyped-def]
    settings = ServerSettings(token=SecretStr(TOKEN), max_body_bytes=50_000, max_messages=8, max_tokens_limit=2048)
    return run_app(create_app(None, settings, nodes=[ScriptedModel.build("echo", ["hello"])]))


def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


def test_missing_token_is_401_with_www_authenticate(secured: ThreadedServer) -> None:
    response = httpx.post(f"{secured.url}/v1/chat/completions", json=CHAT)
    assert_openai_error(response, 401, "invalid_api_key")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_wrong_token_is_401(secured: ThreadedServer) -> None:
    for header in (f"Bearer {TOKEN}x", "Bearer x", f"Basic {TOKEN}", TOKEN):
        response = httpx.get(f"{secured.url}/v1/models", headers={"Authorization": header})
        error = assert_openai_error(response, 401, "invalid_api_key")
        assert TOKEN not in str(error["message"])
        assert "WWW-Authenticate" in response.headers


def test_right_token_passes_and_health_and_card_are_public(secured: ThreadedServer) -> None:
    assert httpx.get(f"{secured.url}/v1/models", headers=auth()).status_code == 200
    assert httpx.get(f"{secured.url}/healthz").json()["status"] == "ok"
    card = httpx.get(f"{secured.url}/.well-known/agent-card.json").json()
    assert card["securitySchemes"]["bearer"]["httpAuthSecurityScheme"]["scheme"] == "bearer"
    assert card["securityRequirements"] == [{"schemes": {"bearer": {}}}]
    assert httpx.get(f"{secured.url}/readyz").status_code == 401
    assert httpx.get(f"{secured.url}/openapi.json").status_code == 401


def test_foreign_origin_is_refused_even_with_a_token(secured: ThreadedServer) -> None:
    response = httpx.post(
        f"{secured.url}/v1/chat/completions", json=CHAT, headers={**auth(), "Origin": "https://evil.example"}
    )
    assert_openai_error(response, 403, "origin_not_allowed")
    # Non-browser clients send no Origin; the server's own origin is allowed.
    own = httpx.post(f"{secured.url}/v1/chat/completions", json=CHAT, headers={**auth(), "Origin": secured.url})
    assert own.status_code == 403  # the settings name port 8000, not this test port
    settings_url = "http://127.0.0.1:8000"
    assert (
        httpx.post(
            f"{secured.url}/v1/chat/completions", json=CHAT, headers={**auth(), "Origin": settings_url}
        ).status_code
        == 200
    )


def test_allowed_origin_passes(run_app) -> None:  # type: ignore[no-untyped-def]
    app = create_app(
        None, ServerSettings(allowed_origins=["https://app.example"]), nodes=[ScriptedModel.build("echo", ["ok"])]
    )
    server = run_app(app)
    ok = httpx.post(f"{server.url}/v1/chat/completions", json=CHAT, headers={"Origin": "https://app.example"})
    assert ok.status_code == 200
    bad = httpx.post(f"{server.url}/v1/chat/completions", json=CHAT, headers={"Origin": "https://app.example.evil"})
    assert_openai_error(bad, 403, "origin_not_allowed")


def test_dns_rebinding_host_is_refused_on_loopback(secured: ThreadedServer) -> None:
    response = httpx.get(f"{secured.url}/v1/models", headers={**auth(), "Host": "attacker.example:8000"})
    assert_openai_error(response, 403, "host_not_allowed")


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1:18926@evil.com", "localhost:1@evil.com", "localhost:80x", "localhost:", "[::1]x", "::1", "local host"],
)
def test_a_host_header_that_is_not_host_and_port_is_refused(secured: ThreadedServer, host: str) -> None:
    # Cutting at the last colon would read "127.0.0.1:18926@evil.com" as 127.0.0.1.
    response = httpx.get(f"{secured.url}/v1/models", headers={**auth(), "Host": host})
    assert_openai_error(response, 403, "host_not_allowed")


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:8080", "LOCALHOST:1", "localhost.", "[::1]", "[::1]:8080"])
def test_a_loopback_host_and_port_is_served(secured: ThreadedServer, host: str) -> None:
    assert httpx.get(f"{secured.url}/v1/models", headers={**auth(), "Host": host}).status_code == 200


def test_public_url_host_is_accepted_behind_a_proxy(run_app) -> None:  # type: ignore[no-untyped-def]
    settings = ServerSettings(public_url="https://agents.example.org")
    server = run_app(create_app(None, settings, nodes=[ScriptedModel.build("echo", ["ok"])]))
    assert httpx.get(f"{server.url}/v1/models", headers={"Host": "agents.example.org"}).status_code == 200
    refused = httpx.get(f"{server.url}/v1/models", headers={"Host": "other.example.org"})
    assert_openai_error(refused, 403, "host_not_allowed")


def test_malformed_json_is_400(secured: ThreadedServer) -> None:
    for body in (b"{not json", b"", b"[1, 2", b'{"model": "echo", "messages": "hi"}', b'{"model": "echo"}'):
        started = time.perf_counter()
        response = httpx.post(
            f"{secured.url}/v1/chat/completions",
            content=body,
            headers={**auth(), "Content-Type": "application/json"},
        )
        assert_openai_error(response, 400, "invalid_request")
        assert time.perf_counter() - started < 2


def test_huge_body_is_413_before_it_is_read(secured: ThreadedServer) -> None:
    big = json.dumps({**CHAT, "messages": [{"role": "user", "content": "x" * 200_000}]})
    started = time.perf_counter()
    response = httpx.post(
        f"{secured.url}/v1/chat/completions", content=big, headers={**auth(), "Content-Type": "application/json"}
    )
    assert_openai_error(response, 413, "request_too_large")
    assert time.perf_counter() - started < 2


def test_huge_chunked_body_is_413(secured: ThreadedServer) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"model": "echo", "messages": [{"role": "user", "content": "'
        for _ in range(100):
            yield b"y" * 1000
        yield b'"}]}'

    response = httpx.post(
        f"{secured.url}/v1/chat/completions", content=chunks(), headers={**auth(), "Content-Type": "application/json"}
    )
    assert_openai_error(response, 413, "request_too_large")


@pytest.mark.parametrize(
    ("extra", "param"),
    [
        ({"max_tokens": 10_000_000}, "max_tokens"),
        ({"max_completion_tokens": 99_999}, "max_tokens"),
        ({"n": 1000}, "n"),
        ({"n": 2}, "n"),  # one choice per request unless the server raises max_n
        ({"max_tokens": -5}, "max_tokens"),
        ({"temperature": 7}, "temperature"),
        ({"tools": [{"type": "function", "function": {"name": "f"}}]}, "tools"),
    ],
)
def test_absurd_parameters_are_400(secured: ThreadedServer, extra: dict[str, object], param: str) -> None:
    response = httpx.post(f"{secured.url}/v1/chat/completions", json={**CHAT, **extra}, headers=auth())
    error = assert_openai_error(response, 400)
    assert error["param"] == param


def test_too_many_messages_is_400(secured: ThreadedServer) -> None:
    messages = [{"role": "user", "content": str(i)} for i in range(9)]
    response = httpx.post(f"{secured.url}/v1/chat/completions", json={**CHAT, "messages": messages}, headers=auth())
    assert_openai_error(response, 400, "too_many_messages")


def test_unknown_model_is_404_in_openai_shape(secured: ThreadedServer) -> None:
    response = httpx.post(f"{secured.url}/v1/chat/completions", json={**CHAT, "model": "gpt-9"}, headers=auth())
    error = assert_openai_error(response, 404, "model_not_found")
    assert error["type"] == "invalid_request_error"
    assert "gpt-9" in str(error["message"]) and "echo" in str(error["message"])


def test_unknown_route_is_404_json(secured: ThreadedServer) -> None:
    assert_openai_error(httpx.get(f"{secured.url}/v2/nothing", headers=auth()), 404)


def test_model_failure_is_an_error_body_without_traceback(run_app) -> None:  # type: ignore[no-untyped-def]
    boom = ScriptedModel.build("boom", [RuntimeError("secret internal detail")])
    server = run_app(create_app(None, ServerSettings(), nodes=[boom]))
    response = httpx.post(f"{server.url}/v1/chat/completions", json={**CHAT, "model": "boom"})
    error = assert_openai_error(response, 500, "internal_error")
    assert "secret internal detail" not in response.text
    assert "incident" in str(error["message"])


def test_short_or_missing_token_variable_is_refused(tmp_path: Path) -> None:
    for value in ("", "short"):
        result = subprocess.run(
            [str(BIN_DIR / "agentnet"), "serve", "--token-env", TOKEN_ENV, "--port", "1"],
            cwd=tmp_path,
            env={"PATH": "/usr/bin:/bin", TOKEN_ENV: value, "AGENTNET_HOME": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 2, result.stderr
        assert TOKEN_ENV in result.stderr
        if value:
            assert value not in result.stderr.replace(TOKEN_ENV, "")


def test_real_server_never_logs_the_token(gguf_server: Served) -> None:
    assert httpx.get(f"{gguf_server.url}/v1/models", headers=gguf_server.headers()).status_code == 200
    assert httpx.get(f"{gguf_server.url}/v1/models", headers={"Authorization": "Bearer wrong-token"}).status_code == 401
    log = gguf_server.log_text()
    assert "GET /v1/models" in log  # the access log is on, so headers would show up if they were logged
    assert TOKEN not in log
    assert "wrong-token" not in log
