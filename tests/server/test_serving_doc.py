"""Every example in docs/serving.md runs: the serve lines start servers, the Python example answers,
the peers lines succeed, and the YAML is a valid directory section."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from serve_helpers import BIN_DIR, Served, wait_for_serve_url
from test_peers import POET_CONFIG

from agentnet.config import AgentnetConfig
from agentnet.yamlfile import parse_yaml

DOC = Path(__file__).resolve().parents[2] / "docs" / "serving.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(), flags=re.DOTALL)


def test_serve_lines_start_servers(tmp_path: Path) -> None:
    serve_block = blocks("bash")[0]
    lines = [line for line in serve_block.strip().splitlines() if line]
    assert len(lines) == 3
    (tmp_path / "b.yaml").write_text(POET_CONFIG)
    for number, line in enumerate(lines):
        env = {**os.environ, "AGENTNET_HOME": str(tmp_path / "home"), "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
        if line.startswith("AGENTNET_TOKEN=$(openssl rand -hex 32) "):
            env["AGENTNET_TOKEN"] = os.urandom(32).hex()
            line = line.removeprefix("AGENTNET_TOKEN=$(openssl rand -hex 32) ")
        argv = shlex.split(line)
        assert argv[:2] == ["agentnet", "serve"]
        argv[argv.index("--port") + 1] = "0"  # the server takes a free port and prints its URL
        log = tmp_path / f"serve-{number}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [str(BIN_DIR / "agentnet"), *argv[1:]], cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        try:
            deadline = time.monotonic() + 90
            url = wait_for_serve_url(process, log, deadline)
            while True:
                assert process.poll() is None, log.read_text()
                try:
                    with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
                        assert response.status == 200
                        break
                except OSError:
                    assert time.monotonic() < deadline, line
                    time.sleep(0.3)
        finally:
            process.terminate()
            process.wait(timeout=15)


def test_python_example_and_peers_lines(serve: Callable[..., Served], capsys: pytest.CaptureFixture[str]) -> None:
    a = serve("a")
    b = serve("b", config=POET_CONFIG, args=("--name", "b"))
    (example,) = blocks("python")
    example = example.replace("http://127.0.0.1:8000", a.url)
    exec(compile(example, str(DOC), "exec"), {"__name__": "docs_example"})
    assert "Paris" in capsys.readouterr().out

    (peers_block,) = [block for block in blocks("bash") if "peers add" in block]
    env = {**a.env, "PEER_TOKEN": "not-checked-by-b-which-has-no-token"}
    outputs = []
    for line in peers_block.strip().splitlines():
        argv = shlex.split(line.replace("http://127.0.0.1:8001", b.url))
        assert argv[0] == "agentnet"
        result = subprocess.run(
            [str(BIN_DIR / "agentnet"), *argv[1:]],
            cwd=a.workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, (line, result.stdout, result.stderr)
        outputs.append(result.stdout)
    assert "b/poet" in outputs[0]
    assert "b" in outputs[1] and "up" in outputs[1]
    assert "b: up" in outputs[2]
    assert "removed peer b" in outputs[3]


def test_yaml_example_is_a_directory_section() -> None:
    (section,) = blocks("yaml")
    config = AgentnetConfig.model_validate(parse_yaml(section, str(DOC)).data)
    assert config.directory.url == "http://127.0.0.1:8100"


def test_token_file_example_serves_behind_the_files_token(tmp_path: Path) -> None:
    """The --token-file block: the file is written as shown (mode 600), the server starts on the token it
    holds, without warning of the file's mode and without printing the token."""
    (block,) = [block for block in blocks("bash") if "--token-file" in block]
    write, serve_line = block.strip().splitlines()
    subprocess.run(["bash", "-c", write], cwd=tmp_path, check=True, timeout=30)
    token = (tmp_path / "token.txt").read_text().strip()
    assert len(token) == 64 and (tmp_path / "token.txt").stat().st_mode & 0o777 == 0o600
    argv = shlex.split(serve_line)
    argv[argv.index("--port") + 1] = "0"
    env = {**os.environ, "AGENTNET_HOME": str(tmp_path / "home"), "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN_DIR / "agentnet"), *argv[1:]], cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        url = wait_for_serve_url(process, log, time.monotonic() + 90)
        port = url.rsplit(":", 1)[1]
        local = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{local}/healthz", timeout=5).close()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.3)
        for given, status in ((None, 401), ("Bearer " + token[:-1] + "x", 401), ("Bearer " + token, 200)):
            request = urllib.request.Request(f"{local}/v1/models", headers={"Authorization": given} if given else {})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    answered = response.status
            except urllib.error.HTTPError as refused:
                answered = refused.code
                refused.close()
            assert answered == status, (given is not None, answered)
    finally:
        process.terminate()
        process.wait(timeout=15)
    said = log.read_text()
    assert token not in said and "warning" not in said, said[-2000:]
