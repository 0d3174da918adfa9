"""The public API: every name in ``agentnet.__all__`` resolves, and importing agentnet stays light."""

from __future__ import annotations

import subprocess
import sys

import agentnet


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
