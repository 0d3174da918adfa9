"""Fetching a GGUF file for ``agentnet models add``: from a URL or a Hugging Face repository.

A Hugging Face file is fetched from ``$HF_ENDPOINT/<repo>/resolve/<revision>/<file>`` (the URL
``huggingface_hub`` itself downloads from; ``HF_ENDPOINT`` points at a mirror, ``HF_TOKEN`` is sent
for gated repositories). The bytes go to ``<name>.part`` beside the target, hashed (SHA-256) as they
arrive, and become the target only once the checksum (when given) matches and the GGUF header is valid:
an interrupted or corrupt download never looks like a model.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from agentnet.errors import ModelFileError, UserError
from agentnet.nodes.gguf import GGUFInfo, inspect_gguf
from agentnet.redact import redact_url

Progress = Callable[[int, int | None], None]
HF_DEFAULT_ENDPOINT = "https://huggingface.co"
_CHUNK = 1 << 20
_REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class Fetched:
    path: Path
    sha256: str
    info: GGUFInfo


def is_repo_id(source: str) -> bool:
    """``owner/name`` as Hugging Face spells repositories (a local path that exists, or one naming a
    .gguf file, is a path)."""
    return bool(_REPO_ID.match(source)) and not source.endswith(".gguf") and not Path(source).exists()


def hf_url(repo_id: str, filename: str, revision: str = "main") -> str:
    endpoint = os.environ.get("HF_ENDPOINT", HF_DEFAULT_ENDPOINT).rstrip("/")
    return f"{endpoint}/{repo_id}/resolve/{revision}/{filename}"


def fetch_gguf(
    url: str, target: Path, *, sha256: str | None = None, progress: Progress | None = None, timeout_s: float = 60.0
) -> Fetched:
    """Download ``url`` to ``target`` (a GGUF file), checking ``sha256`` when given."""
    import urllib.error
    import urllib.request

    shown = redact_url(url)
    request = urllib.request.Request(url, headers={"User-Agent": "agentnet"})
    token = os.environ.get("HF_TOKEN")
    if token and "/resolve/" in url:
        request.add_header("Authorization", f"Bearer {token}")
    partial = target.with_name(target.name + ".part")
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response, partial.open("wb") as out:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            done = 0
            while chunk := response.read(_CHUNK):
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the response's socket
        partial.unlink(missing_ok=True)
        hint = "check the repository id and file name (and HF_TOKEN for a gated repository)"
        raise UserError(
            f"downloading {shown} failed: HTTP {exc.code} {exc.reason}", hint=hint, code="download_failed"
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        partial.unlink(missing_ok=True)
        reason = getattr(exc, "reason", exc)
        raise UserError(
            f"downloading {shown} failed: {reason}",
            hint="check the URL and the network, then run the command again",
            code="download_failed",
        ) from None
    except BaseException:
        # Ctrl-C (or SIGTERM) in the middle: the part written so far is not kept (a download starts over).
        partial.unlink(missing_ok=True)
        raise
    return _accept(partial, target, digest.hexdigest(), sha256, shown)


def _accept(partial: Path, target: Path, got: str, wanted: str | None, shown: str) -> Fetched:
    try:
        info = verify(partial, got, wanted, f"the file from {shown}")
    except UserError:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)
    return Fetched(target, got, replace(info, path=target))


def local_gguf(path: Path, wanted: str | None = None) -> Fetched:
    """A GGUF file already on disk, checked like a download (it stays where it is)."""
    got = file_sha256(path)
    return Fetched(path, got, verify(path, got, wanted, str(path)))


def verify(path: Path, got: str, wanted: str | None, what: str) -> GGUFInfo:
    """The file's GGUF header, once its SHA-256 ``got`` is the ``wanted`` one (when given)."""
    if wanted is not None and got != wanted.lower():
        raise UserError(
            f"{what} has SHA-256 {got}, not the expected {wanted.lower()}",
            hint="check the checksum passed with --sha256 (the model page lists it), or the source",
            code="checksum_mismatch",
        )
    try:
        return inspect_gguf(path)
    except ModelFileError as exc:
        raise UserError(
            f"{what} is not a usable GGUF model: {exc.message}",
            hint="pick a complete .gguf file (a quantised chat model such as *Q4_K_M.gguf)",
            code="model_file",
        ) from None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
