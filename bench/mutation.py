"""Mutation testing of the modules that hold agentnet's guarantees: do their tests fail when one line
of the product is wrong?

An AST mutator changes one thing at a time in a module (a comparison, a boolean operator, a constant,
a condition forced true or false, a raise or return dropped), runs the tests that cover the module
against a copy of the checkout holding that one change, and records the outcome:

- killed:   the tests failed within their time limit;
- survived: the tests passed (a guarantee the tests do not pin, or an equivalent mutant);
- timeout:  the run had to be stopped at its limit (counted apart from killed: a regression that
            hangs CI is not a caught one);
- equivalent: listed in ``EQUIVALENT`` with the reason it changes no behaviour; not run, not scored.

Printed per module with the survivors (file:line, original -> mutant); ``--json`` ends with one line
``{"mutants": N, "killed": K, "survived": S, "timeout": T}``. The checkout itself is never modified.
Slow (each mutant runs its tests): not part of CI.

    .venv/bin/python bench/mutation.py [--module yamlfile] [--max-per-module 40] [--json] [--list]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mutants import Mutant, apply, mutants_of

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Target:
    """A module, the functions in it to mutate (all when empty) and the tests that pin it."""

    path: str
    tests: tuple[str, ...]
    functions: tuple[str, ...] = ()


# Each target's cheap tests that pin it come first: with -x, a killed mutant stops at the first failure.
TARGETS = [
    Target(
        "agentnet/server/settings.py",
        (
            "tests/server/test_federation_parts.py::test_settings_urls",
            "tests/server/test_federation_parts.py::test_the_library_serves_with_the_same_defaults_as_agentnet_serve",
            "tests/server/test_gate.py",
            "tests/server/test_binding.py",
            "-m",
            "not slow",
        ),
    ),
    Target(
        "agentnet/server/guard.py",
        (
            "tests/server/test_gate.py",
            "tests/server/test_security.py",
            "tests/server/test_limits.py",
            "tests/server/test_federation_parts.py",
        ),
    ),
    Target("agentnet/hosts.py", ("tests/test_hosts.py", "tests/server/test_gate.py", "tests/server/test_binding.py")),
    Target("agentnet/executor/budget.py", ("tests/executor/test_budget_caps.py", "tests/executor/test_executor.py")),
    Target("agentnet/retry.py", ("tests/executor/test_step_retry.py", "tests/nodes/test_upstream_faults.py")),
    Target(
        "agentnet/nodes/failures.py",
        (
            "tests/nodes/test_upstream_faults.py",
            "tests/nodes/test_litellm_node.py",
            "-k",
            "test_upstream_faults or retried or refused or transient or unreachable or leaks",
        ),
        functions=("classify", "_is_transient", "retry_after", "scrub"),
    ),
    Target(
        "agentnet/recipes/validate.py",
        ("tests/recipes/test_recipe_rules.py", "tests/recipes/test_recipe_validation.py"),
    ),
    Target(
        "agentnet/yamlfile.py",
        (
            "tests/recipes/test_yaml_bounded.py",
            "tests/hostile/test_hostile_yaml.py",
            "tests/recipes/test_recipe_validation.py",
            "tests/nodes/test_config_loading.py",
        ),
        functions=("event", "_finish", "_alias", "check_depth", "_check_bounds", "parse_yaml", "load_yaml_file"),
    ),
    Target(
        "agentnet/directory/query.py",
        (
            "tests/directory/test_dir_search.py::test_the_in_memory_source_filters_as_the_store_does",
            "tests/planner/test_planner_large.py",
        ),
        functions=("rejects",),
    ),
    Target("agentnet/planner/validate.py", ("tests/planner/test_validate.py",)),
    # When the planner model is asked, and whether its proposal is used (issue 18: "always discarded").
    Target("agentnet/planner/planner.py", ("tests/planner/test_planner.py",), functions=("_choose", "_model_picks")),
    Target("agentnet/planner/llm.py", ("tests/planner/test_planner.py",), functions=("to_picks",)),
]

# Mutants that change no behaviour, by (path, the stripped source line, replacement) as ``--list``
# prints them, each with the reason. They are listed apart and left out of the score.
EQUIVALENT: dict[tuple[str, str, str], str] = {
    ("agentnet/hosts.py", "return False", "return None"): (
        "None and False read the same in every caller of is_loopback_host (all of them test truthiness)"
    ),
    ("agentnet/executor/budget.py", "if deadline <= 0.05:", "deadline < 0.05"): (
        "the time left is a float from time.monotonic(): exactly 0.05 s left is not an observable case"
    ),
    ("agentnet/recipes/validate.py", "if state.get(step.id, 0) == 0:", "True"): (
        "visiting a finished step again finds every dependency finished: no new problem, only repeated work"
    ),
    ("agentnet/recipes/validate.py", "state[node] = 2", "3"): (
        "the cycle search compares a step's state with 0 (unvisited) and 1 (on the path) only: any other "
        "value marks it finished"
    ),
    (
        "agentnet/planner/llm.py",
        'picks.append(Pick(card, card.description[:120], 1.0, [], "proposed by the planner model"))',
        "2.0",
    ): ("the planner overwrites every proposed pick's score with its best clause similarity before reading it"),
}


@dataclass
class Outcome:
    mutant: Mutant
    status: str  # killed | survived | timeout | equivalent (not run, not scored)
    seconds: float


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str, path: str | None = None) -> int:
        return sum(1 for o in self.outcomes if o.status == status and (path is None or o.mutant.path == path))

    def scored(self, path: str | None = None) -> int:
        """Mutants that count: every one run (equivalent ones are not)."""
        return sum(1 for o in self.outcomes if o.status != "equivalent" and (path is None or o.mutant.path == path))


def _sample(mutants: list[Mutant], limit: int | None) -> list[Mutant]:
    if limit is None or len(mutants) <= limit:
        return mutants
    step = len(mutants) / limit  # evenly spread over the module, deterministic
    return [mutants[int(i * step)] for i in range(limit)]


def _copy_checkout(into: Path) -> Path:
    root = into / "checkout"
    ignore = shutil.ignore_patterns(
        ".venv", ".git", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".coverage*"
    )
    shutil.copytree(REPO, root, ignore=ignore, symlinks=True)
    return root


def run_tests(root: Path, tests: tuple[str, ...], timeout_s: float) -> tuple[str, float]:
    """``passed`` / ``failed`` / ``timeout`` for the tests against the copy at ``root``."""
    env = {**os.environ, "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("COVERAGE_PROCESS_START", None)
    env.pop("AGENTNET_NO_SKIPS", None)
    # -n 0: one process per mutant (pyproject's two xdist workers would each pay the start-up for a few tests)
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-n", "0", "-p", "no:cacheprovider", "-p", "no:randomly"]
    command += tests
    started = time.monotonic()
    process = subprocess.Popen(
        command, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        code = process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.wait()
        return "timeout", time.monotonic() - started
    except BaseException:  # interrupted: the tests run in their own session, stop them too
        os.killpg(process.pid, 9)
        process.wait()
        raise
    return ("passed" if code == 0 else "failed"), time.monotonic() - started


def _mutate_module(root: Path, target: Target, mutants: list[Mutant], report: Report, quiet: bool) -> None:
    path = root / target.path
    pristine = path.read_text()
    status, baseline = run_tests(root, target.tests, timeout_s=1800)
    if status != "passed":
        raise SystemExit(f"the tests of {target.path} do not pass unmutated ({status}): {' '.join(target.tests)}")
    # Generous for a loaded machine, but a hang is stopped in minutes.
    limit = max(3 * baseline, baseline + 60)
    if not quiet:
        print(f"{target.path}: {len(mutants)} mutants, tests take {baseline:.0f} s (limit {limit:.0f} s)", flush=True)
    try:
        for mutant in mutants:
            reason = EQUIVALENT.get(mutant.key)
            if reason is not None:
                report.outcomes.append(Outcome(mutant, "equivalent", 0.0))
                if not quiet:
                    print(f"  equivalent       {mutant.describe()} ({reason})", flush=True)
                continue
            mutated = apply(pristine, mutant)
            try:
                compile(mutated, str(path), "exec")
            except SyntaxError:
                continue
            path.write_text(mutated)
            result, seconds = run_tests(root, target.tests, limit)
            status = {"passed": "survived", "failed": "killed"}.get(result, result)
            report.outcomes.append(Outcome(mutant, status, seconds))
            if not quiet:
                print(f"  {status:8} {seconds:5.0f} s  {mutant.describe()}", flush=True)
    finally:
        path.write_text(pristine)


def _summary(report: Report, targets: list[Target]) -> None:
    print("\nmodule                               mutants  killed  survived  timeout  score")
    for target in targets:
        total = report.scored(target.path)
        if not total:
            continue
        killed = report.count("killed", target.path)
        print(
            f"{target.path:36} {total:7}  {killed:6}  {report.count('survived', target.path):8}  "
            f"{report.count('timeout', target.path):7}  {100 * killed / total:5.1f}%"
        )
    total = report.scored()
    killed = report.count("killed")
    if total:
        print(f"{'all':36} {total:7}  {killed:6}  {report.count('survived'):8}  {report.count('timeout'):7}  "
              f"{100 * killed / total:5.1f}%")  # fmt: skip
    survivors = [o for o in report.outcomes if o.status in ("survived", "timeout")]
    if survivors:
        print("\nsurvivors and timeouts:")
        for outcome in survivors:
            print(f"  {outcome.status:8} {outcome.mutant.describe()}")
    equivalent = [o.mutant for o in report.outcomes if o.status == "equivalent"]
    if equivalent:
        print("\nequivalent (not scored):")
        for mutant in equivalent:
            print(f"  {mutant.describe()}: {EQUIVALENT[mutant.key]}")


def _selected(names: list[str] | None) -> list[Target]:
    if not names:
        return TARGETS
    chosen = [t for t in TARGETS if any(name in t.path for name in names)]
    if not chosen:
        raise SystemExit(f"no target module matches {names}; targets: {', '.join(t.path for t in TARGETS)}")
    return chosen


def _iter_mutants(targets: list[Target], limit: int | None) -> Iterator[tuple[Target, list[Mutant]]]:
    for target in targets:
        yield target, _sample(mutants_of(REPO, target.path, target.functions), limit)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", action="append", help="only targets whose path contains this (repeatable)")
    parser.add_argument("--max-per-module", type=int, default=None, help="spread at most N mutants over a module")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of totals")
    args = parser.parse_args()
    # A stopped run still kills its test process and restores and removes its copy of the checkout.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    targets = _selected(args.module)
    plan = list(_iter_mutants(targets, args.max_per_module))
    if args.list:
        for _, mutants in plan:
            for mutant in mutants:
                print(mutant.describe())
        print(f"{sum(len(m) for _, m in plan)} mutants")
        return
    report = Report()
    with tempfile.TemporaryDirectory(prefix="agentnet-mutation-") as scratch:
        root = _copy_checkout(Path(scratch))
        for target, mutants in plan:
            _mutate_module(root, target, mutants, report, quiet=False)
    _summary(report, targets)
    if args.json:
        totals = {
            "mutants": report.scored(),
            "killed": report.count("killed"),
            "survived": report.count("survived"),
            "timeout": report.count("timeout"),
            "equivalent": report.count("equivalent"),
        }
        print(json.dumps(totals))


if __name__ == "__main__":
    main()
