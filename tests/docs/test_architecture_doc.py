"""docs/architecture.md stays true to the tree: every module it names exists, every module is named in
the block of its own package (or by its path anywhere in the page), and each stands on the floor
tests/test_layers.py holds it to."""

from __future__ import annotations

import re
from pathlib import Path

from test_layers import FLOORS

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "agentnet"
DOC = REPO / "docs" / "architecture.md"
# A unit of the floor diagram starts at this column ("floor 6  cli/ ...", "         server/ ...").
UNIT_COLUMN = 9
FLOOR_TAGS = tuple(f"floor {n}" for n in range(10))


def diagram_blocks() -> dict[str, str]:
    """Unit of the floor diagram ("cli", "server", "network.py", ...) -> the text describing it."""
    diagram = DOC.read_text().split("```", 2)[1]
    blocks: dict[str, list[str]] = {}
    unit = None
    for line in diagram.splitlines():
        if len(line) > UNIT_COLUMN and line[UNIT_COLUMN] != " " and line[:UNIT_COLUMN].strip() in ("", *FLOOR_TAGS):
            unit = line[UNIT_COLUMN:].split()[0].rstrip("/")
        if unit is not None:
            blocks.setdefault(unit, []).append(line[UNIT_COLUMN:])
    return {name: "\n".join(lines) for name, lines in blocks.items()}


def diagram_floors() -> dict[str, int]:
    """Unit of the floor diagram -> the floor it stands on."""
    diagram = DOC.read_text().split("```", 2)[1]
    floors: dict[str, int] = {}
    floor = None
    for line in diagram.splitlines():
        tag = line[:UNIT_COLUMN].strip()
        if tag in FLOOR_TAGS:
            floor = int(tag.split()[1])
        if floor is not None and len(line) > UNIT_COLUMN and line[UNIT_COLUMN] != " " and tag in ("", *FLOOR_TAGS):
            floors[line[UNIT_COLUMN:].split()[0].rstrip("/")] = floor
    return floors


def test_the_page_puts_each_unit_on_its_enforced_floor() -> None:
    """A unit drawn on one floor and held by the layer test to another would mislead whoever adds an
    import; a unit described inside another's block (config_models.py under config.py) shares its floor."""
    floors, blocks = diagram_floors(), diagram_blocks()
    wrong = []
    for unit, floor in FLOORS.items():
        drawn = floors.get(unit, floors.get(f"{unit}.py"))
        if drawn is None:
            drawn = next((floors[name] for name, text in blocks.items() if f"{unit}.py" in text), None)
        if drawn != floor:
            wrong.append(f"{unit}: floor {floor} in tests/test_layers.py, {drawn} in docs/architecture.md")
    assert not wrong, "\n".join(wrong)


def test_every_module_the_page_names_exists() -> None:
    text = DOC.read_text()
    named = set(re.findall(r"\b((?:[a-z_0-9]+/)*[a-z_0-9]+\.py)\b", text))
    exists = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")}
    exists |= {p.relative_to(REPO).as_posix() for p in (REPO / "tests").rglob("*.py")}
    missing = [name for name in sorted(named) if not any(path == name or path.endswith("/" + name) for path in exists)]
    assert not missing, f"docs/architecture.md names modules that do not exist: {missing}"


def test_every_module_is_named_in_its_package_block() -> None:
    text = DOC.read_text()
    blocks = diagram_blocks()
    unnamed = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if path.name == "__init__.py" or f"{relative.as_posix()}" in text:
            continue
        if len(relative.parts) == 1:
            if path.name not in blocks:
                unnamed.append(relative.as_posix())
            continue
        package = relative.parts[0]
        block = blocks.get(package, "")
        if not re.search(rf"(?<![\w/]){re.escape(path.stem)}(?:\.py)?\b", block):
            unnamed.append(relative.as_posix())
    assert not unnamed, f"docs/architecture.md does not name: {unnamed}"
