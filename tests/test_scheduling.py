"""tests/scheduling.py names real tests: a renamed or moved slow file would silently lose its place."""

from __future__ import annotations

from pathlib import Path

from scheduling import OWN_GROUP, SLOWEST_FIRST, _Scheduling, group_of

REPO = Path(__file__).resolve().parents[1]


def test_every_named_file_exists_and_groups_follow_files_but_for_own_groups() -> None:
    for prefix in (*OWN_GROUP, *SLOWEST_FIRST):
        assert (REPO / prefix.split("::", 1)[0]).is_file(), f"tests/scheduling.py names {prefix}, which is gone"
    quickstart = "tests/docs/test_docs_examples.py::test_every_example_runs[quickstart.md]"
    assert group_of(quickstart) == quickstart
    assert group_of("tests/docs/test_docs_examples.py::test_doc_exists_and_links_resolve[a2a.md]") == (
        "tests/docs/test_docs_examples.py"
    )
    assert _Scheduling._split_scope(None, "tests/test_layers.py::test_no_import_cycles") == "tests/test_layers.py"  # type: ignore[arg-type]
