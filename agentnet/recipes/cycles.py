"""Dependency cycles among a recipe's steps: each reported once, at the step it comes back to."""

from __future__ import annotations


def cycle_problems(steps: list[tuple[int, str]], deps: dict[int, list[str]]) -> list[tuple[int, str]]:
    """(step position, message) for each cycle of ``deps`` (position -> ids it reads). The walk goes
    from step to step by position (a reference to an id reaches every step of that id), with its own
    stack: a chain of thousands of steps listed last-first would exhaust Python's recursion limit (a
    RecursionError traceback instead of a verdict)."""
    by_id: dict[str, list[int]] = {}
    for i, step_id in steps:
        by_id.setdefault(step_id, []).append(i)
    edges = {i: [j for dep in found for j in by_id.get(dep, [])] for i, found in deps.items()}
    names = dict(steps)
    state: dict[int, int] = {}  # 1: on the current path, 2: done
    found: dict[frozenset[int], tuple[int, str]] = {}
    for i, _ in steps:
        if state.get(i, 0) != 0:
            continue
        state[i] = 1
        trail = [i]
        pending = [iter(edges[i])]
        while pending:
            dep = next(pending[-1], None)
            if dep is None:
                state[trail.pop()] = 2
                pending.pop()
            elif state.get(dep) == 1:
                cycle = [*trail[trail.index(dep) :], dep]
                found.setdefault(frozenset(cycle), (cycle[0], _message([names[k] for k in cycle])))
            elif state.get(dep, 0) == 0:
                state[dep] = 1
                trail.append(dep)
                pending.append(iter(edges[dep]))
    return list(found.values())


def _message(ids: list[str]) -> str:
    shown = ids if len(ids) <= 12 else [*ids[:5], f"({len(ids) - 10} more)", *ids[-5:]]
    return (
        "cycle without a bound: "
        + " -> ".join(shown)
        + " (steps cannot depend on each other in a circle; for critique -> revise use a "
        "'loop:' step with max_iterations)"
    )
