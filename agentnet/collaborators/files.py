"""A file reader limited to allowed directories: no ``..``, no symlink that leads outside, no device
or special file, text only, at most ``max_bytes``. Relative paths are taken from the working
directory; the allowed directories come from ``collaborators.files`` in agentnet.yaml."""

from __future__ import annotations

import re
import stat
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated

from pydantic import Field

from agentnet.errors import UserError
from agentnet.nodes.outputs import ToolOutput

_PATHLIKE = re.compile(r"(?:[\w~.-]*/)*[\w-][\w.-]*\.[A-Za-z0-9]{1,6}")


class FileRefused(UserError):
    code = "file_refused"


class FileWithheld(FileRefused):
    """The file the request names is not there, or the reader will not hand it on (outside its
    directories, '..', keys and settings): conclusive, as a model asked instead makes up what it holds
    ("read the file /etc/hostname" was answered "The file contains a list of hostname names.")."""

    conclusive = True


def _candidate(path: str) -> str:
    """The path in ``path``: itself, or the first file-like token of a sentence ("read notes/a.txt"),
    else its first path ("read /etc/hostname": refused by where it is, not as no name) or name of a
    file here without an extension ("read LICENSE", "read the Makefile")."""
    text = path.strip().strip("'\"")
    if not any(c.isspace() for c in text):
        return text
    tokens = [token.strip("'\"()[]<>,;:!?").rstrip(".") for token in text.split()]
    for token in tokens:
        if _PATHLIKE.fullmatch(token):
            return token
    for token in tokens:
        if "/" in token.strip("/") or _is_file_here(token):
            return token
    raise FileRefused(f"no file name in {text[:120]!r}", hint="name the file, e.g. 'notes/todo.txt'")


def _is_file_here(token: str) -> bool:
    try:
        return bool(token) and Path(token).is_file()
    except OSError:  # a token no path can be (too long for the system)
        return False


def resolve_allowed(path: str, allowed: Sequence[Path]) -> Path:
    """The real file ``path`` names, if it lies inside an allowed directory; refused otherwise."""
    name = _candidate(path)
    raw = Path(name).expanduser()
    if ".." in raw.parts:
        raise FileWithheld(f"refused {name!r}: '..' is not allowed", hint="name the file inside an allowed directory")
    roots = [root.expanduser().resolve() for root in allowed]
    candidate = raw if raw.is_absolute() else Path.cwd() / raw
    try:
        real = candidate.resolve(strict=True)
    except (FileNotFoundError, RuntimeError):
        raise FileWithheld(f"no such file: {name}", hint="check the name and the working directory") from None
    inside = [root for root in roots if real == root or root in real.parents]
    if not inside:
        shown = ", ".join(str(r) for r in roots) or "none"
        raise FileWithheld(
            f"refused {name!r}: it resolves to {real}, outside the allowed directories ({shown})",
            hint="add its directory to collaborators.files.allowed_dirs in agentnet.yaml",
        )
    _refuse_private(name, real, inside)
    mode = real.stat().st_mode
    if not stat.S_ISREG(mode):
        raise FileRefused(f"refused {name!r}: not a regular file")
    return real


def _refuse_private(name: str, real: Path, roots: Sequence[Path]) -> None:
    """Keys and settings stay out of what the reader hands on (to models, some remote; to `agentnet serve`'s
    clients and peers): hidden files and folders (.env, .ssh/id_rsa, .aws/...), agentnet's own config and
    home. Served from a folder, the reader gave any client .env's API key and agentnet.yaml's api_base
    credentials; served from ~, .ssh/id_rsa to any local process."""
    from agentnet.home import PROJECT_CONFIG_NAME, agentnet_home

    hidden = any(part.startswith(".") for root in roots for part in real.relative_to(root).parts)
    home = agentnet_home().expanduser().resolve()
    if hidden or real.name == PROJECT_CONFIG_NAME or real == home or home in real.parents:
        what = "a hidden file (or in a hidden folder)" if hidden else "agentnet's own configuration or state"
        raise FileWithheld(
            f"refused {name!r}: it is {what}, where keys and settings are kept; the reader never hands those on",
            hint="copy what the task needs into a visible file in an allowed directory, or pass it with --input",
        )


def file_reader(allowed: Sequence[Path], max_bytes: int) -> Callable[..., ToolOutput]:
    """The reader tool for these directories."""

    def read_file(
        path: Annotated[
            str,
            Field(description="The file to read (from the working dir)", json_schema_extra={"x-agentnet": "input"}),
        ],
    ) -> ToolOutput:  # fmt: skip
        """Read a text file from an allowed directory."""
        real = resolve_allowed(path, allowed)
        size = real.stat().st_size
        if size > max_bytes:
            raise FileRefused(
                f"refused {real.name}: {size:,} bytes, more than the reader's {max_bytes:,}",
                hint="raise collaborators.files.max_bytes, or pass the file with --input",
            )
        try:
            text = real.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise FileRefused(f"{real.name} is not UTF-8 text", hint="pass binary files with --input") from None
        return ToolOutput(text, {"path": str(real), "size": size, "text": text})

    return read_file
