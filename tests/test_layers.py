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
    "redact": 0,
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
