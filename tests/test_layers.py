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
    "redact": 0,  # below errors, which redact their messages
    "cards": 1,
    "home": 1,
    "packaged": 1,
    "yamlfile": 1,
    "jsonschemas": 1,
    "config": 1,
    "plugins": 1,
    "nodes": 2,
    "directory": 2,
    "testing": 2,
    "planner": 3,
    "executor": 4,
    "federation": 4,
    "mcp": 4,
    "recipes": 5,
    "network": 5,
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


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected sets of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


# The planner's cycle is broken by the `evals` lane (issue 11 items 2-3), which removes this entry.
_KNOWN_CYCLES = [["agentnet.planner.memory", "agentnet.planner.planner", "agentnet.planner.taskbench"]]


def test_no_import_cycles() -> None:
    """No two modules import each other, directly or around a loop; lazy and TYPE_CHECKING imports count."""
    cycles = [cycle for cycle in _cycles(_import_graph()) if cycle not in _KNOWN_CYCLES]
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(cycle) for cycle in cycles)
