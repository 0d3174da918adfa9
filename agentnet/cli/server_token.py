"""The bearer token a server requires: from an environment variable (``--token-env``) or a file
(``--token-file``: secrets are often mounted as files, by Docker, Kubernetes or systemd credentials).

The token itself is never on the command line and never printed: every message names the variable or
the file, not what it holds.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from agentnet.errors import ConfigError
from agentnet.wording import plural

MIN_TOKEN_CHARS = 16
# A token file larger than this is not a token (a key pair, a config file given by mistake).
MAX_TOKEN_FILE_BYTES = 4096
# How long a token file that is a pipe may take to give the token.
PIPE_WAIT_S = 30.0


def server_token(token_env: str | None, token_file: Path | None) -> str | None:
    """The token from ``--token-env`` or ``--token-file`` (not both), or None when neither is given."""
    if token_env is not None and token_file is not None:
        raise ConfigError(
            "--token-env and --token-file both give the token; give one",
            hint="keep --token-file PATH for a mounted secret, or --token-env NAME for a variable",
        )
    if token_file is not None:
        return read_token_file(token_file)
    return read_token(token_env)


def read_token(token_env: str | None) -> str | None:
    """The token held in ``token_env`` (the name of a variable, never the token on the command line)."""
    if token_env is None:
        return None
    value = os.environ.get(token_env, "")
    if not value:
        raise ConfigError(
            f"--token-env {token_env}: the variable is not set or empty",
            hint=f"export {token_env}=$(openssl rand -hex 32) and start again",
        )
    _check_length(value, f"the token in {token_env}", f"export {token_env}=$(openssl rand -hex 32)")
    return value


def read_token_file(path: Path) -> str:
    """The token in the file at ``path``: its one line, without the line break editors and ``echo`` add.
    A file other users may read is warned of (as ssh does for a key), not refused: a mounted secret's
    mode is often not the reader's to choose."""
    where = f"--token-file {path}"
    fix = f"(umask 077; openssl rand -hex 32 > {path})"
    raw = _read(path, where)
    try:
        value = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise ConfigError(
            f"{where}: the file is not text", hint=f"write the token as one line of text: {fix}"
        ) from None
    if not value:
        raise ConfigError(f"{where}: the file is empty", hint=f"write a long random token into it: {fix}")
    if not value.isascii() or not value.isprintable() or any(char.isspace() for char in value):
        raise ConfigError(
            f"{where}: the token holds spaces, line breaks or non-ASCII characters, which a bearer token "
            "cannot carry in an HTTP header",
            hint=f"write one token on one line: {fix}",
        )
    _check_length(value, f"{where}: the token", fix)
    _warn_if_others_read(path)
    return value


def _read(path: Path, where: str) -> bytes:
    try:
        # Not a plain open: on a FIFO (`--token-file <(pass show agentnet)`) it waits for a writer, forever
        # when there is none; the server then hung before it started, saying nothing.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            _wait_for_writer(fd, where)
            os.set_blocking(fd, True)
            raw = handle.read(MAX_TOKEN_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"{where}: no such file", hint="check the path (a mounted secret: check the mount)") from None
    except IsADirectoryError:
        raise ConfigError(
            f"{where}: a folder, not a file", hint="give the path of the file holding the token"
        ) from None
    except PermissionError:
        raise ConfigError(
            f"{where}: this user may not read the file",
            hint=f"run the server as the file's owner, or let this user read it (chmod/chown {path})",
        ) from None
    except OSError as exc:
        raise ConfigError(f"{where}: cannot be read ({exc.strerror or exc})", hint="check the path") from None
    if len(raw) > MAX_TOKEN_FILE_BYTES:
        raise ConfigError(
            f"{where}: the file is larger than {MAX_TOKEN_FILE_BYTES} bytes, too large to be a token",
            hint="give the file that holds only the token",
        )
    return raw


def _wait_for_writer(fd: int, where: str) -> None:
    import select

    if stat.S_ISFIFO(os.fstat(fd).st_mode) and not select.select([fd], [], [], PIPE_WAIT_S)[0]:
        raise ConfigError(
            f"{where}: a pipe that nothing wrote to in {PIPE_WAIT_S:g} s",
            hint="start the program that writes the token first, or give the file that holds it",
        )


def _check_length(value: str, what: str, fix: str) -> None:
    if len(value) < MIN_TOKEN_CHARS:
        raise ConfigError(
            f"{what} is {plural(len(value), 'character')}; at least {MIN_TOKEN_CHARS} are required",
            hint=f"use a long random token: {fix}",
        )


def _warn_if_others_read(path: Path) -> None:
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & stat.S_IROTH:
        sys.stderr.write(
            f"agentnet: warning: --token-file {path} is readable by every user of this machine "
            f"(mode {stat.S_IMODE(mode):04o}); anyone who reads it can call this server. Fix: chmod 600 {path}\n"
        )
        sys.stderr.flush()
