"""``agentnet serve --token-file PATH``: a token file that cannot serve stops the server before it binds,
naming the file and the fix and never what the file holds; one every user may read is warned of (as ssh
does), and the server goes on. Real ``agentnet serve`` processes (the one that serves behind a token
file is tests/server/test_serving_doc.py's, the docs' example)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

AGENTNET = Path(sys.executable).parent / "agentnet"
TOKEN = "file-token-0123456789abcdef-SECRET"


def serve(tmp_path: Path, *args: str, port: int = 1) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AGENTNET_HOME": str(tmp_path / "home"), "AGENTNET_TEST_TOKEN": TOKEN}
    return subprocess.run(
        [str(AGENTNET), "serve", "--port", str(port), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def written(tmp_path: Path, content: bytes, mode: int = 0o600) -> Path:
    path = tmp_path / "token"
    path.write_bytes(content)
    path.chmod(mode)
    return path


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (None, "no such file"),
        ("folder", "a folder, not a file"),
        (b"", "the file is empty"),
        (b"\n\n", "the file is empty"),
        (b"\xff\xfe" + TOKEN.encode(), "the file is not text"),
        (f"{TOKEN}\n{TOKEN}\n".encode(), "spaces, line breaks or non-ASCII"),
        (b"SECRET-short\n", "is 12 characters; at least 16 are required"),
        (b"x" * 5000, "larger than 4096 bytes"),
    ],
    ids=["missing", "folder", "empty", "blank-lines", "not-text", "two-lines", "short", "huge"],
)
def test_a_token_file_that_cannot_serve_is_refused_with_its_path(
    tmp_path: Path, content: bytes | str | None, said: str
) -> None:
    path = tmp_path / "token"
    if content == "folder":
        path.mkdir()
    elif isinstance(content, bytes):
        written(tmp_path, content)
    result = serve(tmp_path, "--token-file", str(path))
    assert result.returncode == 2, result.stderr
    assert f"--token-file {path}" in result.stderr and said in result.stderr, result.stderr
    assert "SECRET" not in result.stderr + result.stdout and "Traceback" not in result.stderr


def test_env_and_file_together_are_refused(tmp_path: Path) -> None:
    path = written(tmp_path, f"{TOKEN}\n".encode())
    result = serve(tmp_path, "--token-file", str(path), "--token-env", "AGENTNET_TEST_TOKEN")
    assert result.returncode == 2 and "give one" in result.stderr, result.stderr
    assert "SECRET" not in result.stderr


@pytest.mark.parametrize(("mode", "warned"), [(0o644, True), (0o600, False), (0o640, False)])
def test_a_token_file_every_user_may_read_is_warned_of(tmp_path: Path, mode: int, warned: bool) -> None:
    path = written(tmp_path, f"{TOKEN}\n".encode(), mode)
    # The token is read, then the port is found taken: the command stops there, after any warning.
    with socket.create_server(("127.0.0.1", 0)) as taken:
        result = serve(tmp_path, "--token-file", str(path), port=taken.getsockname()[1])
    assert result.returncode == 2 and "cannot listen" in result.stderr, result.stderr
    assert ("readable by every user" in result.stderr) is warned, result.stderr
    if warned:
        assert f"mode {mode:04o}" in result.stderr and f"chmod 600 {path}" in result.stderr
    assert "SECRET" not in result.stderr + result.stdout


def test_a_token_pipe_nothing_writes_to_is_given_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A FIFO as --token-file: the server waited for a writer forever, before binding, saying nothing."""
    import time

    from agentnet.cli import server_token
    from agentnet.errors import ConfigError

    fifo = tmp_path / "token.fifo"
    os.mkfifo(fifo)
    monkeypatch.setattr(server_token, "PIPE_WAIT_S", 0.5)
    started = time.monotonic()
    with pytest.raises(ConfigError, match=r"token\.fifo: a pipe that nothing wrote to in 0\.5 s") as refused:
        server_token.read_token_file(fifo)
    assert time.monotonic() - started < 5 and "writes the token first" in (refused.value.hint or "")


def test_a_token_pipe_a_program_writes_to_is_read(tmp_path: Path) -> None:
    """`--token-file <(pass show agentnet)`: the token comes through a pipe, a little later."""
    import threading
    import time

    from agentnet.cli.server_token import read_token_file

    fifo = tmp_path / "token.fifo"
    os.mkfifo(fifo)

    def write() -> None:
        with fifo.open("w") as out:
            time.sleep(0.3)  # opened, nothing written yet: the reader waits for it
            out.write(TOKEN + "\n")

    writer = threading.Thread(target=write)
    writer.start()
    assert read_token_file(fifo) == TOKEN
    writer.join()
