"""The mutator of bench/mutation.py: one change at a time in a module's source (a comparison, a boolean
operator, a constant, a condition forced true or false, a raise or return dropped), found on its AST
and spliced over the original text, so every other line stays as written."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

# Calls whose arguments are messages for people, not behaviour.
_QUIET_CALLS = {"debug", "info", "warning", "error", "exception", "write"}


@dataclass
class Mutant:
    path: str
    line: int
    original: str
    replacement: str
    start: tuple[int, int]  # (line, col) of the replaced source segment
    end: tuple[int, int]

    source_line: str = ""  # the whole line, stripped: what mutation.py's EQUIVALENT matches

    def describe(self) -> str:
        return f"{self.path}:{self.line}: {self.original} -> {self.replacement}"

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.path, self.source_line, self.replacement)


_COMPARE_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}


def _segment(source_lines: list[str], node: ast.AST) -> str:
    return ast.get_source_segment("".join(source_lines), node) or ""


class _Finder(ast.NodeVisitor):
    """Collects (node, replacement text) pairs; the replacement is spliced over the node's source."""

    def __init__(self, functions: tuple[str, ...]) -> None:
        self.functions = functions
        self.found: list[tuple[ast.AST, str]] = []
        self._stack: list[str] = []

    def _active(self) -> bool:
        return not self.functions or any(name in self.functions for name in self._stack)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._stack.append(node.name)
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # the docstring
        for child in body:
            self.visit(child)
        self._stack.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for child in node.body:
            self.visit(child)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        return  # message text

    def visit_Call(self, node: ast.Call) -> None:
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name in _QUIET_CALLS or name.endswith("Error"):
            return  # log lines and error messages: wording, not behaviour
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        if self._active() and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE_SWAPS:
            swapped = ast.Compare(node.left, [_COMPARE_SWAPS[type(node.ops[0])]()], node.comparators)
            self.found.append((node, ast.unparse(swapped)))
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        if self._active():
            other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
            self.found.append((node, ast.unparse(ast.BoolOp(other, node.values))))
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if self._active() and isinstance(node.op, ast.Not):
            self.found.append((node, ast.unparse(node.operand)))
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if not self._active():
            return
        value = node.value
        if isinstance(value, bool):
            self.found.append((node, repr(not value)))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            self.found.append((node, repr(value + 1)))

    def visit_If(self, node: ast.If) -> None:
        if self._active():
            self.found.append((node.test, "True"))
            self.found.append((node.test, "False"))
        self.generic_visit(node)

    def visit_Raise(self, node: ast.Raise) -> None:
        if self._active():
            self.found.append((node, "pass"))
        # a raise's arguments are the error's message

    def visit_Return(self, node: ast.Return) -> None:
        if (
            self._active()
            and node.value is not None
            and not (isinstance(node.value, ast.Constant) and node.value.value is None)
        ):
            self.found.append((node, "return None"))
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        # Module-level limits (MAX_ALIASES = 100) are guarantees too.
        if not self._stack and isinstance(node.value, ast.Constant) and isinstance(node.value.value, int):
            if not isinstance(node.value.value, bool):
                self.found.append((node.value, repr(node.value.value + 1)))
            return
        self.generic_visit(node)


def mutants_of(repo: Path, path: str, functions: tuple[str, ...] = ()) -> list[Mutant]:
    """Every mutant of the module at ``path`` (relative to ``repo``), in ``functions`` only when given."""
    source = (repo / path).read_text()
    lines = source.splitlines(keepends=True)
    finder = _Finder(functions)
    finder.visit(ast.parse(source))
    out: list[Mutant] = []
    seen: set[tuple[int, int, str]] = set()
    for node, replacement in finder.found:
        original = _segment(lines, node)
        key = (node.lineno, node.col_offset, replacement)  # type: ignore[attr-defined]
        if not original or original == replacement or key in seen:
            continue
        seen.add(key)
        out.append(
            Mutant(
                path=path,
                line=node.lineno,  # type: ignore[attr-defined]
                original=" ".join(original.split())[:80],
                replacement=replacement if "\n" not in replacement else " ".join(replacement.split()),
                start=(node.lineno, node.col_offset),  # type: ignore[attr-defined]
                end=(node.end_lineno or node.lineno, node.end_col_offset or 0),  # type: ignore[attr-defined]
                source_line=lines[node.lineno - 1].strip(),  # type: ignore[attr-defined]
            )
        )
    return out


def apply(source: str, mutant: Mutant) -> str:
    """``source`` with the mutant's segment replaced (parenthesised where an expression needs it)."""
    lines = source.splitlines(keepends=True)
    (first, col), (last, end_col) = mutant.start, mutant.end
    text = mutant.replacement
    if mutant.replacement not in ("pass", "return None", "True", "False") and not text.startswith("("):
        text = f"({text})"
    before = lines[first - 1][:col]
    after = lines[last - 1][end_col:]
    return "".join([*lines[: first - 1], before + text + after, *lines[last:]])
