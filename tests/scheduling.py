"""A pytest plugin: how the suite's tests are shared between CI's two xdist workers.

pyproject runs ``-n 2 --dist loadfile --no-loadscope-reorder``. A file stays on one worker, so its
module fixtures start once, except the tests in ``OWN_GROUP``: each of those is a work unit of its
own, so the slowest file's tests can run on both workers at once. (xdist's ``loadgroup`` with
``xdist_group`` marks would say the same, but xdist 3.8 renames the nodeid through an attribute pytest
9 no longer reads, so its groups are silently ignored: hence a scheduler of our own, through xdist's
``pytest_xdist_make_scheduler`` hook.)

xdist hands work units out in the order they are collected, each worker taking the next when it is
free. By default it ordered files by their number of tests, not their time, so a long file could come
last and one worker ran alone for minutes at the end (CI run of the recovered state: 29 min).
``SLOWEST_FIRST`` moves the units that take longest to the front (longest first), so the short ones
fill the gaps at the end and the two workers finish together. The figures are seconds measured on a
loaded 2-core machine (``--durations``); a new slow file belongs in the list.

A unit not in the list goes out in collection order, which puts tests/server/ near the end: a long
file there ran last, alone. Two such files were measured by speed22 with each file run alone (``-n 0
-p no:randomly``, no coverage, the machine at load 4-7), "alone" below, and placed by those figures:
test_shared_runs.py took 100 s alone (its lease waits are wall time whatever the load), more than
test_cli_run.py (82 s alone) and test_inputs_cli.py (71 s alone), so it goes right after test_exit.py;
test_recipe_peers.py took 42 s alone, more than test_recipe_shipped.py (37 s alone), so it goes among
the files of 100 s and more. The whole-suite figures of the other files were not re-measured (the
suite was not run); where a file was measured alone, its figure follows as "alone" ("alone A -> B":
before and after llama.cpp read prompts with one thread per generating thread, nodes/pool.py).

Without xdist (``-n 0``) nothing here changes which tests run, only their order.
"""

from __future__ import annotations

from typing import Any

import pytest
from xdist.scheduler import LoadFileScheduling

# A test (nodeid prefix) in OWN_GROUP is a group of its own; several of them make one file's tests
# run on both workers. The docs' examples took 295 s in all in the run measured below, quickstart.md 68 s.
# mypy took 90 s there with a cold cache, before it stopped following litellm and running under coverage
# (-35 % and -18 % of its CPU), apart from the ruff checks.
OWN_GROUP: tuple[str, ...] = (
    "tests/docs/test_docs_examples.py::test_every_example_runs[",
    "tests/test_quality.py::test_code_quality[mypy]",
)

# Groups (file paths, or a nodeid prefix from OWN_GROUP), longest first; the rest keep their order.
# Seconds per group (setup, call and teardown of its tests) from one run of the whole suite with
# --durations and --junitxml, coverage off, both workers, on a 2-core machine loaded by other work
# (load 6-13): 9,166 worker-seconds in 4,615 s of wall, so the two workers were busy to the end.
# Every group of 100 s or more, then the slow OWN_GROUP units.
SLOWEST_FIRST: tuple[str, ...] = (
    "tests/nodes/test_exit.py",  # 467 (50 at load 3: its llama.cpp exits slow most under load), alone 54 -> 33
    "tests/server/test_shared_runs.py",  # alone 100
    "tests/collaborators/test_calculator_run.py",  # 338
    "tests/executor/test_inputs_cli.py",  # 269 (alone 115 -> 71)
    "tests/executor/test_cli_run.py",  # 268 (alone 108 -> 82)
    "tests/collaborators/test_file_reader_handed.py",  # 267
    "tests/executor/test_leases.py",  # 218
    "tests/executor/test_sigterm_and_markup.py",  # 208
    "tests/executor/test_run_store.py",  # 192
    "tests/recipes/test_recipe_shipped.py",  # 182 (alone 82 -> 37)
    "tests/mcp/test_mcp_time.py",  # 172
    "tests/server/test_federation.py",  # 163
    "tests/cli/test_redaction.py",  # 155
    "tests/planner/test_general_model.py",  # 149
    "tests/executor/test_run_like_ask.py",  # 143 (alone 42 -> 25)
    "tests/planner/test_request_wording.py",  # 137
    "tests/directory/test_dir_shared.py",  # 132
    "tests/mcp/test_mcp_resume_elsewhere.py",  # 128
    "tests/nodes/test_llamacpp_node.py",  # 124
    "tests/planner/test_plan_cli.py",  # 123
    "tests/plugins/test_example_plugin.py",  # 123
    "tests/cli/test_ask_cli.py",  # 119
    "tests/planner/test_planner_real.py",  # 113
    "tests/server/test_peers.py",  # 105 (alone 83)
    "tests/directory/test_dir_cli.py",  # 102
    "tests/mcp/test_mcp_serve.py",  # 101
    "tests/server/test_recipe_peers.py",  # alone 42
    # speed27: tests/server run alone, coverage on as .ci/run sets it, both workers (load 3-4): these
    # seven were not listed, so they went out last, in collection order (test_serving_doc.py finished
    # 23 s after the other worker had run out of work). Figures: the sum of their --durations there.
    "tests/server/test_serve_exit_status.py",  # 94 (coverage on)
    "tests/server/test_telemetry.py",  # 78 (coverage on)
    "tests/server/test_serving_doc.py",  # 73 (coverage on)
    "tests/server/test_hostile_requests.py",  # 52 (coverage on)
    "tests/server/test_runs_db_lost_cli.py",  # 51 (coverage on)
    "tests/server/test_runs_api_input.py",  # 43 (coverage on)
    "tests/server/test_serve_sigterm_calls.py",  # 41 (coverage on)
    "tests/test_quality.py::test_code_quality[mypy]",  # 90 (cold cache, before its two cuts)
    "tests/docs/test_docs_examples.py::test_every_example_runs[quickstart.md]",  # 68
    "tests/docs/test_docs_examples.py::test_every_example_runs[",  # the other docs, 6-67 each
)


def group_of(nodeid: str) -> str:
    for prefix in OWN_GROUP:
        if nodeid.startswith(prefix):
            return nodeid
    return nodeid.split("::", 1)[0]  # the file, as loadfile does


def _rank(group: str) -> int:
    for rank, prefix in enumerate(SLOWEST_FIRST):
        if group.startswith(prefix):
            return rank
    return len(SLOWEST_FIRST)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: _rank(group_of(item.nodeid)))  # stable: the rest keep their order


class _Scheduling(LoadFileScheduling):
    def _split_scope(self, nodeid: str) -> str:
        return group_of(nodeid)


@pytest.hookimpl(tryfirst=True)  # before xdist's own implementation, which would answer first
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    return _Scheduling(config, log) if config.getvalue("dist") == "loadfile" else None
