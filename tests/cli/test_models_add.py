"""Issue 13 §7: `agentnet models add` from a Hugging Face mirror on loopback (HF_ENDPOINT), a URL and a
local file: checksum, GGUF validation, the config entry written with its comments kept.

The mirror serves the real embedded GGUF; nothing is loaded into llama.cpp and nothing leaves the host.
"""

from __future__ import annotations

import hashlib
import http.server
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from agentnet.cli.app import app
from agentnet.config import embedded_gguf_path
from agentnet.errors import AgentnetError, UserError
from tests.listening import http_serving

REPO_ID = "someone/tiny-chat-GGUF"
FILE = "tiny-chat-Q4.gguf"


@pytest.fixture(scope="module")
def mirror() -> Iterator[str]:
    """A Hugging Face-shaped file server: /<repo>/resolve/main/<file>, plus a truncated copy."""
    body = embedded_gguf_path().read_bytes()
    files = {f"/{REPO_ID}/resolve/main/{FILE}": body, f"/{REPO_ID}/resolve/main/cut.gguf": body[:4096]}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = files.get(self.path)
            if data is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    with http_serving(Handler) as url:
        yield url


def _cli(*args: str) -> tuple[int, str, str]:
    """Exit code, stdout, stderr as `agentnet` gives them (its entry point turns errors into exit 2/1)."""
    result = CliRunner().invoke(app, list(args))
    exc = result.exception
    if isinstance(exc, AgentnetError):
        return 2 if isinstance(exc, UserError) else 1, result.stdout, f"{exc.code}: {exc.message} ({exc.hint})"
    assert exc is None or isinstance(exc, SystemExit), exc
    return result.exit_code, result.stdout, result.stderr


def test_models_add_from_a_mirror_a_url_and_a_file(
    mirror: str, agentnet_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", mirror)
    good = hashlib.sha256(embedded_gguf_path().read_bytes()).hexdigest()
    assert _cli("init")[0] == 0
    starter = Path("agentnet.yaml").read_text()

    code, _, err = _cli("models", "add", REPO_ID)
    assert code == 2 and "--file" in err
    code, _, err = _cli("models", "add", REPO_ID, "--file", FILE, "--sha256", "0" * 64)
    assert code == 2 and "checksum_mismatch" in err and good in err
    code, _, err = _cli("models", "add", REPO_ID, "--file", "cut.gguf")
    assert code == 2 and "not a usable GGUF model" in err and "truncated" in err
    code, _, err = _cli("models", "add", REPO_ID, "--file", "missing.gguf")
    assert code == 2 and "HTTP 404" in err
    # Nothing half-done is left behind by a refusal: no file in models/, the config as it was.
    assert not list((agentnet_home / "models").glob("*")) and Path("agentnet.yaml").read_text() == starter

    code, _, err = _cli("models", "add", REPO_ID, "--file", FILE, "--sha256", good, "--id", "better", "--default")
    assert code == 0, err
    assert f"sha256 {good}" in err and "agentnet ask -m better" in err
    downloaded = agentnet_home / "models" / FILE
    assert downloaded.read_bytes() == embedded_gguf_path().read_bytes()
    text = Path("agentnet.yaml").read_text()
    assert text.startswith(starter.split("models:")[0]) and "# A hosted model through litellm" in text
    config = yaml.safe_load(text)
    entry = next(m for m in config["models"] if m["id"] == "better")
    assert config["default_model"] == "better" and entry["path"] == str(downloaded)
    assert entry["params"]["n_ctx"] == 8192  # the model's 8192 window (capped there by default)
    listed = {card["id"]: card for card in json.loads(_cli("models", "list", "--json")[1])}
    assert "chat" in {skill["id"] for skill in listed["better"]["skills"]}

    code, _, err = _cli("models", "add", REPO_ID, "--file", FILE, "--id", "better")
    assert code == 2 and "already declares a model 'better'" in err
    # A plain URL and a local file work the same way; a local file stays where it is.
    code, _, err = _cli("models", "add", f"{mirror}/{REPO_ID}/resolve/main/cut.gguf")
    assert code == 2 and "truncated" in err
    code, _, err = _cli("models", "add", str(downloaded), "--id", "same-file", "--n-ctx", "1024")
    assert code == 0, err
    again = next(m for m in yaml.safe_load(Path("agentnet.yaml").read_text())["models"] if m["id"] == "same-file")
    assert again["path"] == str(downloaded) and again["params"] == {"n_ctx": 1024}
    code, _, err = _cli("models", "add", "no/such.gguf")
    assert code == 2 and "is not a file" in err
