"""The layers of docs/architecture.md, enforced: a module never imports one from a higher floor.

Lazy imports inside functions count too; a lower layer reaching up is a design error wherever it is.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "agentnet"

# floor of each top-level module or sub-package of agentnet
FLOORS = {
    "errors": 0,
    "delimit": 0,
    "redact": 0,  # below errors, which redact their messages
    "telemetry": 0,
    "otlp_export": 0,
    "genai_spans": 0,
    "wording": 0,
    "cards": 1,
    "artifacts": 1,
    "home": 1,
    "packaged": 1,
    "yamlfile": 1,
    "yamlbounds": 1,
    "jsonschemas": 1,
    "config": 1,
    "config_edit": 1,
    "config_models": 1,
    "config_sections": 1,
    "retry": 1,
    "plugins": 1,
    "hosts": 1,
    "model_ids": 1,
    "nodes": 2,
    "directory": 2,
    "collaborators": 2,
    "testing": 2,
    "planner": 3,
    "executor": 4,
    "federation": 4,
    "mcp": 4,
    "recipes": 5,
    "network": 5,
    "network_plans": 5,
    "rating": 5,
    "general_fallback": 5,
    "doctor": 5,
    "evals": 5,
    "cli": 6,
    "server": 6,
}


def _unit(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "agentnet" or len(parts) < 2:
        return None
    return parts[1]


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "agentnet":
                found.extend((node.lineno, f"agentnet.{alias.name}") for alias in node.names)
            else:
                found.append((node.lineno, node.module))
    return found


def test_every_module_has_a_floor() -> None:
    units = {p.stem if p.parent == PACKAGE else p.relative_to(PACKAGE).parts[0] for p in PACKAGE.rglob("*.py")}
    units.discard("__init__")
    assert units <= set(FLOORS), f"give these a floor in tests/test_layers.py: {sorted(units - set(FLOORS))}"


def test_every_import_is_absolute() -> None:
    """The layer and cycle checks read absolute imports only: a relative one would pass both unseen."""
    relative = [
        f"agentnet/{path.relative_to(PACKAGE)}:{node.lineno}"
        for path in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.level > 0
    ]
    assert not relative, "write these imports as absolute ones (from agentnet.x import y): " + ", ".join(relative)


def test_no_module_imports_a_higher_floor() -> None:
    violations = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        own = relative.parts[0] if len(relative.parts) > 1 else relative.stem
        if own == "__init__":
            continue
        for line, module in _imports(path):
            target = _unit(module)
            if target is None or target not in FLOORS or target == own:
                continue
            if FLOORS[target] > FLOORS[own]:
                violations.append(
                    f"agentnet/{relative}:{line} ({own}, floor {FLOORS[own]}) imports {module} (floor {FLOORS[target]})"
                )
    assert not violations, "\n".join(violations)


def _import_graph() -> dict[str, set[str]]:
    """Module -> agentnet modules it imports (anywhere in the file), as the layer test reads imports."""
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            for target in targets:
                found = resolve(target) if target.startswith("agentnet.") else None
                # The root package and a module's own parent packages are not edges (they only re-export).
                if found and found != "agentnet" and found != name and not name.startswith(found + "."):
                    graph[name].add(found)
    return graph


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in graph[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Sets of modules that reach each other through imports (each a cycle or several joined)."""
    reach = {module: _reachable(graph, module) for module in graph}
    groups = {
        tuple(sorted(other for other in reach[module] if module in reach[other]))
        for module in graph
        if module in reach[module]
    }
    return [list(group) for group in sorted(groups)]


def test_no_import_cycles() -> None:
    """No two modules import each other, directly or around a loop; lazy and TYPE_CHECKING imports count."""
    cycles = _cycles(_import_graph())
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(cycle) for cycle in cycles)


def test_only_the_bench_command_imports_evals() -> None:
    """Evaluation code stays out of the product: only ``agentnet bench`` (and bench/ scripts) use it."""
    allowed = {Path("cli/bench_cmd.py")}
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "evals" or relative in allowed:
            continue
        offenders += [
            f"agentnet/{relative}:{line} imports {module}"
            for line, module in _imports(path)
            if _unit(module) == "evals"
        ]
    assert not offenders, "\n".join(offenders)
