"""``agentnet models add``: a better local model than the embedded demo, in one command.

The file (given, or downloaded into ``$AGENTNET_HOME/models``) is validated as a GGUF before
anything is written; the config gains an entry with a capability card that makes it a general
chat model for the planner.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentnet.errors import UserError

if TYPE_CHECKING:
    from agentnet.nodes.download import Fetched

MAX_DEFAULT_CTX = 8192


def add(
    source: str,
    *,
    filename: str | None,
    model_id: str | None,
    sha256: str | None,
    revision: str,
    n_ctx: int | None,
    make_default: bool,
    config: Path | None,
) -> None:
    from agentnet.config_edit import add_model_entry, ensure_new_model
    from agentnet.model_ids import model_id_problem

    target = config or _default_config_file()
    if model_id is not None and (problem := model_id_problem(model_id)) is not None:
        # Before anything is downloaded; the config would refuse it once written.
        raise UserError(f"--id: {problem}", hint="agentnet models add SOURCE --id NAME, e.g. --id my-model")
    model_id = model_id or _id_from(Path(filename or source.split("?", 1)[0]))
    ensure_new_model(target, model_id)
    fetched = _obtain(source, filename, sha256, revision)
    entry = _entry(model_id, fetched, target, n_ctx)
    add_model_entry(target, entry, make_default=make_default)
    sys.stderr.write(
        f"added {model_id} ({fetched.path}, {fetched.info.file_size / 1e6:,.0f} MB, sha256 {fetched.sha256})"
        f" to {target}\n"
        f'try it: agentnet ask -m {model_id} "hi"   ·   check it: agentnet doctor\n'
    )


def _default_config_file() -> Path:
    from agentnet.config import PROJECT_CONFIG_NAME
    from agentnet.home import agentnet_home

    project = Path.cwd() / PROJECT_CONFIG_NAME
    return project if project.is_file() else agentnet_home() / "config.yaml"


def _obtain(source: str, filename: str | None, sha256: str | None, revision: str) -> Fetched:
    from agentnet.nodes.download import hf_url, is_repo_id, local_gguf

    if source.startswith(("http://", "https://")):
        name = filename or source.rsplit("/", 1)[-1].split("?", 1)[0]
        return _download(source, name, sha256)
    if is_repo_id(source):
        if not filename:
            raise UserError(
                f"{source} looks like a Hugging Face repository: name the .gguf file in it with --file",
                hint=f"agentnet models add {source} --file NAME.gguf (the repository's 'Files' tab lists them)",
                code="model_source",
            )
        return _download(hf_url(source, filename, revision), Path(filename).name, sha256)
    path = Path(source).expanduser()
    if not path.is_file():
        raise UserError(
            f"{source} is not a file, an http(s) URL or a Hugging Face repository id (owner/name)",
            hint="give the path of a .gguf file, its URL, or REPO_ID --file NAME.gguf",
            code="model_source",
        )
    return local_gguf(path.resolve(), sha256)


def _download(url: str, name: str, sha256: str | None) -> Fetched:
    from agentnet.home import agentnet_home
    from agentnet.nodes.download import fetch_gguf

    if not name.endswith(".gguf"):
        raise UserError(f"{name!r} is not a .gguf file", hint="agentnet runs GGUF models: pick a file ending in .gguf")
    target = agentnet_home() / "models" / name
    if target.exists():
        raise UserError(
            f"{target} already exists", hint=f"add it as it is: agentnet models add {target}", code="model_exists"
        )
    with _bar(f"downloading {name}") as progress:
        return fetch_gguf(url, target, sha256=sha256, progress=progress)


def _bar(label: str) -> Any:
    from contextlib import contextmanager

    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    from agentnet.cli.render import err_console

    @contextmanager
    def bar() -> Any:
        columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
        with Progress(*columns, console=err_console(), transient=True) as shown:
            task = shown.add_task(label, total=None)
            yield lambda done, total: shown.update(task, completed=done, total=total)

    return bar()


def _id_from(path: Path) -> str:
    # A usable model id (model_ids.MODEL_ID): what the name cannot hold becomes '-', no mark at either end.
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", path.stem)[:100].strip("-._").lower() or "local-model"


def _entry(model_id: str, fetched: Fetched, config_file: Path, n_ctx: int | None) -> dict[str, Any]:
    info = fetched.info
    trained = info.meta("context_length")
    # The model's own window, capped: a 128k window's KV cache would not fit in memory by default.
    context = n_ctx or (min(trained, MAX_DEFAULT_CTX) if isinstance(trained, int) and trained > 0 else None)
    name = str(info.metadata.get("general.name") or fetched.path.stem)
    size = info.metadata.get("general.size_label")
    # Beside the config file (or below it): a relative path, which agentnet reads relative to that file.
    folder = config_file.parent.resolve()
    where = fetched.path.relative_to(folder) if fetched.path.is_relative_to(folder) else fetched.path
    entry: dict[str, Any] = {"id": model_id, "adapter": "llamacpp", "path": str(where)}
    if context:
        entry["params"] = {"n_ctx": context}
    entry["card"] = {
        "name": name,
        "description": f"Local general chat model {name}{f' ({size})' if size else ''} (GGUF, added with"
        " `agentnet models add`): answers questions, writes, summarises and follows instructions.",
        "skills": [{"id": "chat", "name": "General chat", "tags": ["chat", "general", "qa"]}],
        "tags": ["local", "general"],
    }
    return entry
