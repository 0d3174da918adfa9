"""A pytest plugin: a socket, file or pipe left open fails the test that left it, not a later one.

An object that still holds an open socket or file when it is freed says so with a ResourceWarning;
``filterwarnings = error`` makes that an error of whichever test is running at that moment. Objects in
reference cycles are freed only when the garbage collector runs, at a moment no test chooses, so the
error used to land on an unrelated test (CI run of f0ece06: a recipes-reference test failed on sockets
that server tests had left). Collecting at each test's teardown puts the error on the test itself.

A full collection walks every object (half a million once litellm, chromadb and LangGraph are
imported: about 0.2 s on an idle core), too dear per test. So after each collection what survived is
frozen (``gc.freeze``): the next test's collection walks only what was created since. Once per module,
after the module's own fixtures are torn down, everything is unfrozen and collected, so a leak of a
module- or session-wide object is still reported, on the last test of that module.

Both are autouse fixtures, torn down after every other fixture of their scope and before pytest turns
what was reported during teardown into the test's error. tests/conftest.py imports them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="module")
def leaks_of_the_module() -> Iterator[None]:
    yield
    gc.unfreeze()
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def leaks_of_the_test() -> Iterator[None]:
    yield
    gc.collect()
    gc.freeze()
