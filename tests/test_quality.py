"""Lint, format and type checks run as part of the suite, so CI enforces them."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    # CI measures coverage in every Python process it starts (COVERAGE_PROCESS_START): mypy reads agentnet
    # but never imports it, so it measures nothing there, yet the tracer cost it 18 % more CPU (cold run:
    # 33.2 s of CPU with it, 27.3 s without).
    env = {name: value for name, value in os.environ.items() if name != "COVERAGE_PROCESS_START"}
    return subprocess.run(args, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=False, env=env)


@pytest.mark.parametrize(
    "command",
    [
        ("ruff", "check", "agentnet", "tests", "bench"),
        ("ruff", "format", "--check", "agentnet", "tests", "bench"),
        ("mypy",),
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_code_quality(command: tuple[str, ...]) -> None:
    result = _run(str(BIN / command[0]), *command[1:])
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]


ENGINES = (
    "llama_cpp",
    "litellm",
    "chromadb",
    "mcp",
    "mcp_types",
    "psycopg",
    "psycopg_pool",
    "opentelemetry",
    "prometheus_client",
    "rapidocr_onnxruntime",
    "onnxruntime",
    "a2a",
)


def test_no_adapter_import_outside_adapter_modules() -> None:
    """Only the adapter modules may import engines and SDKs (llama_cpp, litellm, chromadb, the MCP SDK,
    psycopg, the A2A SDK, onnxruntime, ...), and only lazily."""
    allowed = {
        "nodes/llamacpp.py",
        "nodes/litellm.py",
        "nodes/pool.py",
        "directory/chroma.py",
        "executor/postgres_store.py",
        "executor/postgres_schema.py",
        "telemetry.py",
        "otlp_export.py",
        "server/metrics.py",
        "directory/embedder.py",
    }
    allowed |= {"mcp/session.py", "mcp/transport.py", "server/mcp_server.py", "collaborators/ocr.py"}
    allowed |= {
        "server/a2a.py",
        "server/a2a_tasks.py",
        "server/agent_card.py",
        "federation/a2a_agent.py",
        "federation/a2a_node.py",
    }
    offenders = []
    for path in (REPO_ROOT / "agentnet").rglob("*.py"):
        relative = path.relative_to(REPO_ROOT / "agentnet").as_posix()
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")) and any(
                stripped.split()[1].split(".")[0] == engine for engine in ENGINES
            ):
                top_level = not line.startswith((" ", "\t"))
                if relative not in allowed or top_level:
                    offenders.append(f"agentnet/{relative}:{number}: {stripped}")
    assert not offenders, "\n".join(offenders)


def _read_at_import(node: ast.AST, path: str) -> list[str]:
    """Where ``node``'s code reads the environment when its module is imported: outside function bodies
    (a default argument and a decorator run at import too)."""
    found = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            arguments = child.args
            for evaluated in (
                *arguments.defaults,
                *filter(None, arguments.kw_defaults),
                *getattr(child, "decorator_list", []),
            ):
                found += _read_at_import(ast.Expression(evaluated), path)
            continue
        if isinstance(child, ast.Attribute) and child.attr in ("environ", "getenv", "environb"):
            found.append(f"{path}:{child.lineno}")
        found += _read_at_import(child, path)
    return found


def test_no_module_reads_the_environment_at_import() -> None:
    """The environment is read when it is used, never at import: a library's importer (a test, an app
    that sets variables after importing agentnet, the daemon running a handed-over command under the
    caller's environment) would otherwise get values frozen at the first import."""
    offenders = []
    for path in sorted((REPO_ROOT / "agentnet").rglob("*.py")):
        relative = f"agentnet/{path.relative_to(REPO_ROOT / 'agentnet').as_posix()}"
        offenders += _read_at_import(ast.parse(path.read_text(encoding="utf-8")), relative)
    assert not offenders, "read the environment inside a function instead: " + ", ".join(offenders)
