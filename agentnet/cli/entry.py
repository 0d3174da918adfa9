"""How a command ends: agentnet errors become a message and an exit code, never a traceback.

Shared by the ``agentnet`` entry point and ``agentnet daemon``, which runs handed-over commands the
same way (it gets the command tree from its own invocation, so nothing here imports the tree).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from agentnet.errors import AgentnetError, UserError


def run_guarded(invoke: Callable[[], object], refresh: bool = True) -> None:
    """Run ``invoke`` (the command tree on ``sys.argv``); exits 2 for a ``UserError`` and for a file the
    system refused (``file_errors``), 1 for a ``RunError``, 130 when interrupted. ``refresh=False``: no
    command tree ran here, so the plugin commands' cache is left to the process that runs one (and typer
    stays unimported)."""
    try:
        try:
            invoke()
        finally:
            if refresh:
                from agentnet.cli.plugin_group import refresh_cache

                refresh_cache()
    except AgentnetError as exc:
        _fail(exc)
    except KeyboardInterrupt as exc:
        sys.stderr.write("interrupted\n")
        sys.exit(int(getattr(exc, "exit_code", 130)))
    except OSError as exc:
        from agentnet.cli.file_errors import file_error

        error = file_error(exc)
        if error is None:
            print_bug()
            sys.exit(1)
        _fail(error)
    except Exception:  # noqa: BLE001 - a bug: its traceback, redacted
        print_bug()
        sys.exit(1)


def print_bug() -> None:
    """The traceback of the exception being handled, as the interpreter prints it but with credentials
    masked: a bug's message can quote what it was handling (a URL with its userinfo, a provider's error
    repeating a key), and a traceback is what users paste into issues."""
    import traceback

    from agentnet.redact import redact_text

    sys.stderr.write(redact_text(traceback.format_exc()))
    sys.stderr.flush()


def _fail(exc: AgentnetError) -> None:
    """Print ``exc`` (and, for ``--json``, a JSON object on stdout) and exit 2 for a ``UserError``, else 1."""
    from agentnet.cli.render import print_error

    print_error(exc)
    if "--json" in sys.argv[1:]:
        # Scripts that asked for JSON get a JSON object on stdout even when the command failed.
        import json

        sys.stdout.write(json.dumps({"status": "failed", "error": exc.to_dict()}, ensure_ascii=False) + "\n")
    sys.exit(2 if isinstance(exc, UserError) else 1)
