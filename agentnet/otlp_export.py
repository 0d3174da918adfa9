"""The OTLP export agentnet sets up when the OTEL_* variables ask for traces: a collector that cannot
take the spans costs one warning and a bounded wait at exit, never a hang.

The SDK's exporter retries a failed export with backoff (1, 2, 4 s...) until its timeout (10 s, or
``OTEL_EXPORTER_OTLP_TIMEOUT``, which this SDK reads in seconds), logging a line per retry, and the
tracer provider's exit hook waits for the worker thread that is retrying, then for one more export
of what is left: with no collector listening, a traced command spent 7 to 20 s at exit. Here the
provider is shut down at exit by ``Guard.close`` instead: it waits for the last export at most
``EXIT_WAIT_S`` and not at all once the collector has refused it (a refused connection will not
be accepted a second later), or as long as the user's own timeout when one is set (they asked the
export to keep trying that long); then it interrupts the exporter (its ``shutdown`` ends a retry's
backoff) and leaves. The exporter's own log lines become one warning for the process, naming the
endpoint as the variable gave it (no user info, no query) and never the headers: one per outage.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import sys
import threading
from typing import Any, cast
from urllib.parse import urlsplit

from agentnet.redact import redact_text

EXIT_WAIT_S = 2.0  # how long the exit waits for a collector that neither takes the spans nor refuses
_TIMEOUT_ENVS = ("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT")
_ENDPOINT_ENVS = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")


def export_to_collector(provider: Any, exporter: Any) -> Guard:
    """Send ``provider``'s spans through ``exporter`` in batches, guarded (made with
    ``shutdown_on_exit=False``: the guard shuts it down at exit)."""
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    guard = Guard(provider, exporter)
    # The processor only calls export, shutdown and force_flush: the guard has them (no SDK base class
    # here, which would import the SDK with this module).
    processor = BatchSpanProcessor(cast(Any, guard))
    # Its queue's logger, wherever this SDK keeps it (opentelemetry.sdk._shared_internal in 1.45).
    inner = getattr(processor, "_batch_processor", processor)
    for module in {type(inner).__module__, type(processor).__module__}:
        logging.getLogger(module).addFilter(guard)
    provider.add_span_processor(processor)
    atexit.register(guard.close)
    return guard


def user_timeout() -> float | None:
    """The export timeout the user set, in seconds as the Python SDK reads it; None when unset or unreadable."""
    given = next((os.environ[name] for name in _TIMEOUT_ENVS if os.environ.get(name, "").strip()), "")
    try:
        seconds = float(given)
    except ValueError:
        return None
    return seconds if seconds > 0 else None


def endpoint_shown() -> str:
    """Where the spans go, as the user's variable says it, with anything secret-shaped left out."""
    for name in _ENDPOINT_ENVS:
        value = os.environ.get(name, "").strip()
        if value:
            return f"{_address(value)} ({name})"
    return "the default endpoint"


def _address(value: str) -> str:
    try:
        parts = urlsplit(value)
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return redact_text(value)
    if not parts.scheme or not parts.hostname:
        return redact_text(value)
    return f"{parts.scheme}://{parts.hostname}{port}{parts.path}"


def _reason(message: str) -> str:
    """What went wrong, in a few words (the SDK's text holds whole exception reprs)."""
    lowered = message.lower()
    if "refused" in lowered:
        return "connection refused"
    if "timed out" in lowered or "timeout" in lowered or "deadline_exceeded" in lowered:
        return "no answer in time"
    if "unavailable" in lowered or "failed to establish" in lowered or "name or service" in lowered:
        return "could not connect"
    status = re.search(r"code: (\d{3})", message)
    return f"HTTP {status.group(1)}" if status else "the export failed"


class Guard(logging.Filter):
    """The span exporter the batch processor calls (it delegates to the SDK's), and a filter on that
    exporter's loggers: their warnings and errors become one ``agentnet:`` warning per outage (until an
    export is taken again: a long-lived server's collector may go away more than once); and on the batch
    processor's: its "Queue full, dropping span." (the SDK's own filter lets one through every 20 s, for
    as long as a busy server's collector is down) becomes one warning per outage (``_queue_full``)."""

    def __init__(self, provider: Any, exporter: Any) -> None:
        super().__init__()
        self.provider = provider
        self.exporter = exporter
        self.refused = threading.Event()  # the last export failed, nothing taken since
        self._settled = threading.Event()  # the exit's wait can end
        self._lock = threading.Lock()
        self._warned = False
        self._closed = False
        self._dropping = False  # the queue-full warning was given since the last export the collector took
        modules = {cls.__module__ for cls in type(exporter).__mro__} | {"opentelemetry.exporter.otlp.common.http"}
        for module in modules:
            if module.startswith("opentelemetry.exporter."):  # the exporter's own loggers, not the SDK's
                logging.getLogger(module).addFilter(self)

    def export(self, spans: Any) -> Any:
        result = self.exporter.export(spans)
        if result.name == "SUCCESS":
            self.refused.clear()
            with self._lock:  # the outage is over: the next one is said again, both ways
                self._dropping = False
                self._warned = self._closed
        else:
            self._trouble("")
        return result

    def shutdown(self) -> None:
        self.exporter.shutdown()

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return bool(self.exporter.force_flush(timeout_millis))

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        if not record.name.startswith("opentelemetry.exporter."):
            return self._queue_full(record)
        self._trouble(record.getMessage())
        return False

    def _queue_full(self, record: logging.LogRecord) -> bool:
        """The batch processor's records: a queue-full one is said once per outage, in agentnet's words."""
        if not str(record.msg).startswith("Queue full"):
            return True  # anything else it says is not ours to reword
        with self._lock:
            if self._dropping or self._closed:
                return False
            self._dropping = True
        size = os.environ.get("OTEL_BSP_MAX_QUEUE_SIZE", "").strip() or "2048, the default"
        _warn(
            f"spans are being dropped: more wait for the OTLP collector at {endpoint_shown()} than the "
            f"queue holds (OTEL_BSP_MAX_QUEUE_SIZE: {size}); it is down or slower than this process makes "
            "spans. Said once until it takes spans again; start the collector, point the variable at it, "
            "or set OTEL_SDK_DISABLED=true to turn tracing off"
        )
        return False

    def _trouble(self, message: str) -> None:
        self.refused.set()
        if user_timeout() is None:
            self._settled.set()
        with self._lock:
            if self._warned or self._closed:
                return
            self._warned = True
        _warn(
            f"traces are not reaching the OTLP collector at {endpoint_shown()}: {_reason(message)}. "
            "Spans are dropped while it cannot take them; start the collector, point the variable at it, "
            "or set OTEL_SDK_DISABLED=true to turn tracing off"
        )

    def close(self) -> None:
        """At exit: the provider's last export, waited for within its bound, then interrupted."""
        patient = user_timeout()
        closer = threading.Thread(target=self._shut, name="agentnet-otlp-exit", daemon=True)
        if patient is None and self.refused.is_set():
            self._settled.set()
        closer.start()
        self._settled.wait(patient if patient is not None else EXIT_WAIT_S)
        interrupted = closer.is_alive()
        if interrupted:
            self.exporter.shutdown()  # ends a retry's backoff (and any later export) at once
            closer.join(0.5)
        with self._lock:
            unsent, self._closed = interrupted and not self._warned, True
            self._warned = True
        if unsent:
            waited = f"{patient:g}" if patient is not None else f"{EXIT_WAIT_S:g}"
            _warn(
                f"the OTLP collector at {endpoint_shown()} did not take the last spans within {waited} s; "
                "they are dropped (OTEL_EXPORTER_OTLP_TIMEOUT, in seconds, lets the exit wait longer)"
            )

    def _shut(self) -> None:
        try:
            self.provider.shutdown()
        finally:
            self._settled.set()


def _warn(text: str) -> None:
    try:
        sys.stderr.write(f"agentnet: {text}\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # stderr closed at exit: the warning has nowhere to go
        pass
