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

Without xdist (``-n 0``) nothing here changes which tests run, only their order.
"""

from __future__ import annotations

from typing import Any

import pytest
from xdist.scheduler import LoadFileScheduling

# A test (nodeid prefix) in OWN_GROUP is a group of its own; several of them make one file's tests
# run on both workers. The docs' examples take ~600 s in all, quickstart.md alone ~280 s.
# mypy with CI's cold cache takes ~300 s on a loaded machine (63 s of CPU), apart from the ruff checks.
OWN_GROUP: tuple[str, ...] = (
    "tests/docs/test_docs_examples.py::test_every_example_runs[",
    "tests/test_quality.py::test_code_quality[mypy]",
)

# Groups (file paths, or a nodeid prefix from OWN_GROUP), longest first; the rest keep their order.
SLOWEST_FIRST: tuple[str, ...] = (
    "tests/docs/test_docs_examples.py::test_every_example_runs[quickstart.md]",  # 280
    "tests/test_quality.py::test_code_quality[mypy]",  # 300 (cold cache)
    "tests/server/test_federation.py",  # 167 + 2 tests
    "tests/server/test_serving_doc.py",  # 112
    "tests/recipes/test_recipe_two_models.py",  # 112
    "tests/cli/test_daemon.py",  # 88
    "tests/docs/test_docs_examples.py::test_every_example_runs[",  # the other docs
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
