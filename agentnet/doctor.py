"""``agentnet doctor``: is this installation healthy, and if not, what is the fix.

Every check is registered through the ``register_doctor_checks`` plugin hook, agentnet's own
included (this module is a built-in plugin): ``check(config)`` returns a one-line status, or raises
an ``AgentnetError`` whose message says what is wrong and whose hint says how to fix it. The
built-in checks: the default model declared, GGUF files valid, remote models' keys present (never printed), endpoints
reachable (an unreachable one is remembered, so planners skip it for a while), the directory and
the run database readable.
"""

from __future__ import annotations

import socket
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from agentnet.errors import AgentnetError, ConfigError, RunError
from agentnet.plugins import hookimpl
from agentnet.wording import plural

if TYPE_CHECKING:
    from agentnet.config import AgentnetConfig

# Seconds to wait for a TCP connection to a model's endpoint.
CONNECT_TIMEOUT_S = 3.0


@dataclass
class Finding:
    """One check's outcome, as the table and ``--json`` show it."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    plugin: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def diagnose(config: AgentnetConfig) -> list[Finding]:
    """Run every registered check against ``config``; a check that crashes is itself a finding."""
    from agentnet.plugins.kinds import doctor_checks

    findings = []
    for name, check in doctor_checks().items():
        try:
            line = check.run(config)
        except AgentnetError as exc:
            findings.append(Finding(name, False, exc.message, exc.hint or "", check.plugin))
        # SystemExit too: a check that calls sys.exit() ended doctor with its code and no report at all.
        except (Exception, SystemExit) as exc:  # noqa: BLE001 — a plugin's bug must not hide the other checks
            crashed = f"the check crashed: {type(exc).__name__}: {exc}"
            findings.append(Finding(name, False, crashed, _blame(check.plugin), check.plugin))
        else:
            findings.append(_passed(name, line, check.plugin))
    return findings


def _passed(name: str, line: object, plugin: str) -> Finding:
    """A check that returned: its status line, or a failed finding when it returned something else."""
    if line is None or isinstance(line, str):
        return Finding(name, True, line or "ok", "", plugin)
    wrong = f"the check returned {type(line).__name__}, not a status line"
    return Finding(name, False, wrong, _blame(plugin, "a check returns a str or None"), plugin)


def _blame(plugin: str, rule: str = "") -> str:
    """The fix for a check that broke: its plugin's distribution (the entry point name alone, as the table
    shows it, is no name pip takes) and the way out."""
    from agentnet.plugins.manager import plugin_manager

    manager = plugin_manager()
    why = f" ({rule})" if rule else ""
    return f"a bug in {manager.origin(plugin)}{why}: report it to its authors; {manager.way_out(plugin)}"


def _broken(problems: list[tuple[str, str]], code: str) -> RunError:
    """One error naming every problem (``(what is wrong, the fix)``) found by a check."""
    return RunError(
        "; ".join(problem for problem, _ in problems),
        hint="; ".join(dict.fromkeys(fix for _, fix in problems if fix)) or None,
        code=code,
    )


def check_model_files(config: AgentnetConfig) -> str:
    from agentnet.nodes.health import model_health

    local = [spec for spec in config.models if spec.path is not None]
    problems, good = [], []
    for spec in local:
        health = model_health(spec, deep=True)
        if health.ok or health.status == "down":
            good.append(spec.id)
        else:
            problems.append((f"{spec.id}: {health.detail}", health.fix))
    if problems:
        raise _broken(problems, "model_file_invalid")
    return f"{plural(len(good), 'GGUF file')} valid ({', '.join(good)})" if good else "no GGUF models"


def check_default_model(config: AgentnetConfig) -> str:
    """The model ``ask``, ``chat`` and the planner's general steps use by default is one agentnet knows."""
    from agentnet.nodes.registry import NodeRegistry

    registry = NodeRegistry(config)
    if config.default_model not in registry:
        raise ConfigError(
            f"default_model {config.default_model!r} names no model or tool (known: {', '.join(registry.ids())})",
            hint="set default_model (agentnet.yaml or $AGENTNET_HOME/config.yaml) to one of the known ids, or "
            f"declare {config.default_model!r} under models:",
            code="default_model_unknown",
        )
    return f"{config.default_model} is declared"


def check_keys(config: AgentnetConfig) -> str:
    from agentnet.nodes.health import model_health

    remote = [spec for spec in config.models if spec.path is None and spec.kind().remote]
    problems = []
    for spec in remote:
        health = model_health(spec)
        if health.status == "no key":
            problems.append((f"{spec.id}: {health.detail}", health.fix))
    if problems:
        raise _broken(problems, "model_key_missing")
    if not remote:
        return "no remote models"
    return f"keys present for {plural(len(remote), 'remote model')} (values not shown)"


def _address(url: str) -> tuple[str, int] | None:
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if not parts.hostname:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


def check_endpoints(config: AgentnetConfig) -> str:
    """Each ``api_base`` takes a TCP connection; an unreachable one is remembered as down."""
    from agentnet.nodes.health import forget_down, remember_down
    from agentnet.redact import redact_url

    problems, reached = [], []
    for spec in config.models:
        if not spec.api_base:
            continue
        shown = redact_url(spec.api_base)
        address = _address(spec.api_base)
        if address is None:
            problems.append(
                (f"{spec.id}: api_base {shown} has no host", "set api_base to a URL like http://host:8000/v1")
            )
            continue
        try:
            with socket.create_connection(address, timeout=CONNECT_TIMEOUT_S):
                pass
        except OSError as exc:
            reason = f"{shown} unreachable ({exc.strerror or type(exc).__name__})"
            remember_down(spec.id, reason, spec.params.down_memory_s)
            problems.append((f"{spec.id}: {reason}", "start the server, or fix api_base"))
            continue
        forget_down(spec.id)
        reached.append(spec.id)
    if problems:
        raise _broken(problems, "model_unreachable")
    if not reached:
        return "no api_base endpoints declared (hosted providers are not probed)"
    return f"{plural(len(reached), 'endpoint')} reachable ({', '.join(reached)})"


def check_directory(config: AgentnetConfig) -> str:
    from agentnet.directory.sync import open_configured

    directory = open_configured(config, readonly=True)
    try:
        count = directory.count()
    finally:
        directory.close()
    return plural(count, "card") + ("" if count else " (filled on the first plan or run)")


def check_runs(config: AgentnetConfig) -> str:
    from agentnet.executor.run_db import open_run_store

    try:
        store = open_run_store(config.runs)
        try:
            runs = store.list_runs(limit=1)
            where = store.display_url
        finally:
            store.close()
    except AgentnetError:
        raise
    except Exception as exc:  # noqa: BLE001 — sqlite3's and psycopg's errors alike: the database is unusable
        raise RunError(
            f"the run database cannot be read: {type(exc).__name__}: {exc}",
            hint="check runs.url (or AGENTNET_RUNS_URL); a damaged SQLite file can be moved aside and agentnet "
            "starts a new one (the runs saved in it are lost)",
            code="runs_db_broken",
        ) from None
    return f"{where} readable" + ("" if runs else " (no runs yet)")


@hookimpl
def register_doctor_checks(register: Any) -> None:
    register("default-model", check_default_model)
    register("model-files", check_model_files)
    register("keys", check_keys)
    register("endpoints", check_endpoints)
    register("directory", check_directory)
    register("runs", check_runs)


def config_finding(exc: ConfigError) -> Finding:
    return Finding("config", False, exc.message, exc.hint or "")
