"""The public API: every name in ``agentnet.__all__`` resolves, and importing agentnet stays light."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import agentnet
import agentnet.errors

EMBEDDING_DOC = Path(__file__).resolve().parent.parent / "docs" / "embedding.md"


def test_every_exported_name_resolves() -> None:
    missing = [name for name in agentnet.__all__ if getattr(agentnet, name, None) is None]
    assert not missing


def test_unknown_name_is_an_attribute_error() -> None:
    try:
        agentnet.NoSuchThing  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchThing" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_import_agentnet_loads_no_engine_or_framework() -> None:
    code = (
        "import sys, agentnet, agentnet.errors, agentnet.cards\n"
        "heavy = ('langchain_core', 'langgraph', 'llama_cpp', 'litellm', 'chromadb', 'mcp', 'psycopg',"
        " 'opentelemetry', 'prometheus_client', 'rapidocr_onnxruntime', 'a2a')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == ""


def test_all_lists_exactly_the_lazy_exports() -> None:
    assert sorted(agentnet.__all__) == sorted(agentnet._EXPORTS)


def test_every_agentnet_error_is_exported() -> None:
    """An application catches what agentnet raises by the names it exports (docs/models.md names
    ContentPolicyError, for one)."""
    defined = {
        name
        for name, value in vars(agentnet.errors).items()
        if inspect.isclass(value) and issubclass(value, agentnet.errors.AgentnetError)
    }
    assert defined - set(agentnet.__all__) == set()


def test_the_docs_list_exactly_the_public_api() -> None:
    """docs/embedding.md's "The public API" names every exported name, and nothing else in code spans
    that looks like a name of agentnet's (a method such as ``plan()`` or a field such as ``hint`` aside)."""
    section = EMBEDDING_DOC.read_text().split("## The public API", 1)[1].split("\n## ", 1)[0]
    named = {
        span
        for span in re.findall(r"`([A-Za-z_]\w*)`", section)
        if span[0].isupper() or span.startswith(("hook", "load_"))
    }
    exported = set(agentnet.__all__)
    assert named == exported, f"docs/embedding.md misses {sorted(exported - named)}, names {sorted(named - exported)}"


def _own_doc(value: object) -> str | None:
    return vars(value).get("__doc__") if inspect.isclass(value) else getattr(value, "__doc__", None)


def test_every_exported_class_and_function_says_what_it_is() -> None:
    """``help(agentnet.X)`` says what X is: its own docstring, not one inherited from pydantic or object."""
    values = {name: getattr(agentnet, name) for name in agentnet.__all__}
    bare = [
        name
        for name, value in values.items()
        if (inspect.isclass(value) or inspect.isfunction(value)) and not _own_doc(value)
    ]
    assert not bare, f"give these a docstring: {bare}"
