"""OpenTelemetry traces of what agentnet does (its steps and model calls: ``genai_spans``).

Spans follow the GenAI semantic conventions: a run is ``invoke_workflow``, a step ``invoke_agent``,
a model call ``chat`` (a tool call ``execute_tool``), planning ``plan``, a directory search
``retrieval``; attributes are ``gen_ai.*`` (operation, provider, model, token usage, finish reasons)
plus a few ``agentnet.*`` ids. A step of one model call answered in-process is one span.
A run is one trace, resumes included, and W3C ``traceparent`` goes to every remote model call, so a
run that crosses agentnet servers stays one trace.

Off by default and costless then (one cached check per span, nothing built). On when the standard
OpenTelemetry variables ask for it (``OTEL_EXPORTER_OTLP_ENDPOINT`` or
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``; ``OTEL_SERVICE_NAME``, ``OTEL_EXPORTER_OTLP_PROTOCOL``,
``OTEL_EXPORTER_OTLP_HEADERS``… as usual; ``OTEL_SDK_DISABLED=true`` or ``OTEL_TRACES_EXPORTER=none``
turn it off), when the embedding application has set up a tracer provider itself, or through
``set_tracer_provider``. Prompts, answers and task texts are recorded only with
``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true``. The environment is read on first use,
never at import. This module and ``otlp_export.py`` (the export it sets up) are the only ones that
import ``opentelemetry`` (inside functions).
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext
from types import SimpleNamespace
from typing import Any

from agentnet.otlp_export import export_to_collector
from agentnet.redact import redact_text

CAPTURE_CONTENT_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
_ENDPOINT_ENVS = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
_UNSET: Any = object()

_lock = threading.Lock()
_tracer: Any = _UNSET
_capture: bool | None = None


def _env_tracer() -> Any:
    """The tracer the environment asks for, or None (tracing off)."""
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return None
    if os.environ.get("OTEL_TRACES_EXPORTER", "otlp").strip().lower() == "none":
        return None
    if not any(os.environ.get(name) for name in _ENDPOINT_ENVS):
        # An application embedding agentnet may have set up OpenTelemetry itself: join its traces.
        if "opentelemetry.trace" in sys.modules:
            from opentelemetry import trace

            if not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
                return trace.get_tracer("agentnet")
        return None
    return _otlp_tracer()


def _otlp_tracer() -> Any:
    try:
        from opentelemetry import trace
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
    except ImportError:
        sys.stderr.write("agentnet: OTEL_EXPORTER_OTLP_ENDPOINT is set but the OpenTelemetry SDK is not installed "
                         "(pip install 'agentnet[otel]'); tracing stays off\n")  # fmt: skip
        return None
    protocol = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or os.environ.get("OTEL_EXPORTER_OTLP_PROTOCOL")
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter  # type: ignore[assignment]
    attributes = {} if os.environ.get("OTEL_SERVICE_NAME") else {"service.name": "agentnet"}
    # Shut down at exit by the guard, which bounds the wait for a collector that cannot take the spans.
    provider = TracerProvider(resource=Resource.create(attributes), shutdown_on_exit=False)
    try:
        export_to_collector(provider, OTLPSpanExporter())
    except ValueError as exc:  # the SDK's check of the batch settings: a traceback at the first span before
        sys.stderr.write(f"agentnet: the OTEL_BSP_* settings do not fit together (the SDK: {str(exc).rstrip('.')}; "
                         "OTEL_BSP_MAX_QUEUE_SIZE is 2048 and OTEL_BSP_MAX_EXPORT_BATCH_SIZE 512 unless set); "
                         "tracing stays off\n")  # fmt: skip
        return None
    # Global, so W3C propagation and any other instrumentation in the process share it.
    trace.set_tracer_provider(provider)
    return trace.get_tracer("agentnet")


def tracer() -> Any:
    """agentnet's tracer, or None when tracing is off."""
    global _tracer
    found = _tracer
    if found is _UNSET:
        with _lock:
            if _tracer is _UNSET:
                _tracer = _env_tracer()
            found = _tracer
    return found


def set_tracer_provider(provider: Any) -> None:
    """Trace with ``provider`` (an SDK ``TracerProvider``), or, with None, as the environment says."""
    global _tracer, _capture, _content_limit
    with _lock:
        _tracer = provider.get_tracer("agentnet") if provider is not None else _UNSET
        _capture = _content_limit = None


def capture_content() -> bool:
    """Whether prompts, answers and task texts may go into spans (opt-in, standard variable)."""
    global _capture
    if _capture is None:
        _capture = os.environ.get(CAPTURE_CONTENT_ENV, "").strip().lower() in ("true", "1", "yes")
    return _capture


def present(attributes: Mapping[str, Any] | None) -> dict[str, Any]:
    """The attributes that have a value (OpenTelemetry refuses None; content left out is None)."""
    return {key: value for key, value in (attributes or {}).items() if value is not None}


def span(name: str, attributes: Mapping[str, Any] | None = None, *, kind: str = "internal") -> Any:
    """A context manager: a span made current for the block (None when tracing is off); an
    exception marks it failed.

    Started, attached and ended by hand rather than with ``start_as_current_span``: its nested
    context managers cost about a fifth of a span, and ``end_span`` records a failure the same way
    (``error.type``, the exception event, status ERROR). Steps have their own: ``genai_spans.step``."""
    found = tracer()
    if found is None:
        return OFF
    return _Current(found.start_span(name, kind=otel().kinds[kind], attributes=present(attributes)))


OFF = nullcontext()  # what span-making context managers give when tracing is off


class _Current:
    __slots__ = ("span", "token")

    def __init__(self, current: Any) -> None:
        self.span = current
        self.token: Any = None

    def __enter__(self) -> Any:
        api = otel()
        self.token = api.context.attach(api.trace.set_span_in_context(self.span))
        return self.span

    def __exit__(self, kind: Any, error: BaseException | None, traceback: Any) -> None:
        otel().context.detach(self.token)
        end_span(self.span, error)


_modules: Any = None


def otel() -> Any:
    """The OpenTelemetry API modules, imported on first use and kept (an import statement in a
    function runs the import machinery at every call)."""
    global _modules
    if _modules is None:
        from opentelemetry import context, trace
        from opentelemetry.trace import SpanKind, Status, StatusCode

        kinds = {kind.name.lower(): kind for kind in SpanKind}
        _modules = SimpleNamespace(context=context, trace=trace, Status=Status, StatusCode=StatusCode, kinds=kinds)
    return _modules


def end_span(current: Any, error: BaseException | None = None, attributes: Mapping[str, Any] | None = None,
             end_time: int | None = None) -> None:  # fmt: skip
    if current is None:
        return
    if attributes:
        current.set_attributes(present(attributes))
    if error is not None:
        api = otel()
        current.set_attribute("error.type", getattr(error, "code", None) or type(error).__name__)
        current.record_exception(error, attributes=_exception_attributes(error))
        current.set_status(api.Status(api.StatusCode.ERROR, redact_text(str(getattr(error, "message", error)))[:500]))
    current.end(end_time)


MAX_STACKTRACE_CHARS = 16_384


def _exception_attributes(error: BaseException) -> dict[str, str]:
    """The exception event's message and stack trace with credentials masked (they replace the
    SDK's own). agentnet's errors mask their messages, but the trace also holds the exceptions they
    were raised from (a tool's error quoting a keyed URL) and the source lines it passes through."""
    import traceback

    # Masked before cut: a cut could leave half a key that no longer looks like one.
    trace = redact_text("".join(traceback.format_exception(error)))
    if len(trace) > MAX_STACKTRACE_CHARS:  # the innermost frames and the exception itself are at the end
        trace = "...\n" + trace[-MAX_STACKTRACE_CHARS:]
    return {"exception.message": redact_text(str(error))[:MAX_STACKTRACE_CHARS], "exception.stacktrace": trace}


def headers_for(current: Any) -> dict[str, str]:
    """W3C trace context headers naming ``current`` as the parent of what the receiver does."""
    if current is None:
        return {}
    from opentelemetry import propagate, trace

    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=trace.set_span_in_context(current))
    return carrier


def current_headers() -> dict[str, str]:
    """The current span's trace context as headers (empty when tracing is off or nothing is current)."""
    if tracer() is None:
        return {}
    from opentelemetry import propagate

    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


@contextmanager
def continued(headers: Mapping[str, str] | None) -> Iterator[None]:
    """Make the trace context in ``headers`` (``traceparent``…) the parent of what the block does."""
    if not headers or tracer() is None:
        yield
        return
    from opentelemetry import context, propagate

    token = context.attach(propagate.extract(dict(headers)))
    try:
        yield
    finally:
        context.detach(token)


# Characters of one content attribute, unless OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT says otherwise: a
# 10 MB prompt would otherwise go whole into a span, and an OTLP collector refuses a batch over its
# message size (4 MB by default), losing the spans of every run in it.
MAX_CONTENT_CHARS = 16_384
_LENGTH_ENVS = ("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT")
_content_limit: int | None = None


def content_limit() -> int:
    """How many characters of a prompt, answer or task text a span holds (read on first use)."""
    global _content_limit
    if _content_limit is None:
        given = next((os.environ[name] for name in _LENGTH_ENVS if os.environ.get(name, "").strip()), "")
        _content_limit = int(given) if given.strip().isdigit() and int(given) > 0 else MAX_CONTENT_CHARS
    return _content_limit


def content(value: Any) -> str | None:
    """``value`` as span content when the user opted in, else None (the attribute is left out):
    credentials masked (as ``runs show`` masks the prompts it stores), cut at ``content_limit``."""
    if not capture_content():
        return None
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    limit = content_limit()
    # Cut (with room for a key across the cut) before masking, so masking a huge text costs nothing more.
    masked = redact_text(text[: limit + 512])
    if len(text) <= limit and len(masked) <= limit:
        return masked
    return masked[:limit] + f"... [cut: {len(text):,} characters in all]"
