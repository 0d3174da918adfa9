"""A collector that cannot take the spans costs a traced process one warning and a bounded exit.

- ``agentnet run`` with traces going to a closed loopback port: the process ends promptly after its
  last line (the SDK's retries once held it 7 s and more at exit) and says so once, naming the
  endpoint without its user info and never the headers.
- A collector that accepts connections and never answers holds the exit ``EXIT_WAIT_S``, not the
  export's 10 s; ``OTEL_EXPORTER_OTLP_TIMEOUT`` set by the user is the wait instead.
- A live collector still gets the spans a process ends with (the exit's export, not a timed batch):
  more of it in tests/server/test_telemetry.py.
- Spans made faster than a dead collector's export gives up fill the SDK's queue: said once, in
  agentnet's words, not the SDK's line every 20 s.
- A collector that dies, comes back and dies again is warned of once per outage.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from listening import refused_port, silent_port
from otlp_receiver import OtlpReceiver

from agentnet.otlp_export import EXIT_WAIT_S

BIN_DIR = Path(sys.executable).parent
HEADER_SECRET = "sk-otlp-4c2f9a7e1b3d5f60"


def traced_env(endpoint: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    return {**env, "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "PYTHONUNBUFFERED": "1", **extra}


def exit_after_last_line(argv: list[str], env: dict[str, str]) -> tuple[float, str, str]:
    """Seconds from the process's last line on stdout to its exit, its stdout and its stderr."""
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines, last = [], time.monotonic()
    assert process.stdout is not None and process.stderr is not None
    for line in process.stdout:
        lines.append(line)
        last = time.monotonic()
    process.wait(timeout=120)
    gap = time.monotonic() - last
    stderr = process.stderr.read()
    process.stdout.close()
    process.stderr.close()
    assert process.returncode == 0, "".join(lines)[-2000:] + stderr[-2000:]
    return gap, "".join(lines), stderr


def test_agentnet_run_against_a_closed_collector_port_exits_promptly_with_one_warning() -> None:
    with refused_port() as port:
        env = traced_env(
            f"http://collector:hunter2@127.0.0.1:{port}",
            OTEL_EXPORTER_OTLP_HEADERS=f"authorization=Bearer {HEADER_SECRET}",
        )
        gap, stdout, stderr = exit_after_last_line([str(BIN_DIR / "agentnet"), "run", "what is 17 * 23", "--json"], env)
    assert '"status": "succeeded"' in stdout.splitlines()[-1] or '"succeeded"' in stdout, stdout[-1000:]
    # The SDK retried for 1 + 2 + 4 s before giving up; what is left is the process's own exit.
    assert gap < 3.0, (gap, stderr[-2000:])
    warnings = [line for line in stderr.splitlines() if "OTLP collector" in line]
    assert len(warnings) == 1, stderr[-3000:]
    assert f"http://127.0.0.1:{port} (OTEL_EXPORTER_OTLP_ENDPOINT): connection refused" in warnings[0]
    assert "Transient error" not in stderr and "Failed to export" not in stderr, stderr[-3000:]
    assert HEADER_SECRET not in stderr and "hunter2" not in stderr


PROBE = "from agentnet import telemetry\nwith telemetry.span('probe'):\n    pass\nprint('ended', flush=True)\n"


def test_a_collector_that_never_answers_holds_the_exit_for_the_bound_or_the_users_timeout() -> None:
    with silent_port() as port:
        endpoint = f"http://127.0.0.1:{port}"
        gap, _, stderr = exit_after_last_line([sys.executable, "-c", PROBE], traced_env(endpoint))
        assert EXIT_WAIT_S - 0.2 < gap < EXIT_WAIT_S + 2.0, (gap, stderr)
        assert stderr.count("agentnet: ") == 1 and f"did not take the last spans within {EXIT_WAIT_S:g} s" in stderr
        patient = traced_env(endpoint, OTEL_EXPORTER_OTLP_TIMEOUT="4")
        gap, _, stderr = exit_after_last_line([sys.executable, "-c", PROBE], patient)
        assert 3.8 < gap < 6.0, (gap, stderr)
        assert stderr.count("agentnet: ") == 1, stderr


def test_a_live_collector_gets_the_spans_exported_at_exit() -> None:
    receiver = OtlpReceiver()
    try:
        probe = PROBE.replace("pass", "for n in range(50):\n        with telemetry.span(f'child {n}'): pass")
        gap, _, stderr = exit_after_last_line([sys.executable, "-c", probe], traced_env(receiver.endpoint))
        spans = receiver.wait_for(lambda spans: len(spans) >= 51, "the probe's 51 spans", timeout_s=5)
    finally:
        receiver.close()
    assert {s.name for s in spans} == {"probe"} | {f"child {n}" for n in range(50)} and len(spans) == 51
    assert "agentnet:" not in stderr and gap < EXIT_WAIT_S, (gap, stderr)


# Two bursts of spans, on either side of a 20 s boundary of the clock: the SDK's own filter lets its
# "Queue full, dropping span." through once per 20 s window (a busy server: three lines a minute, for
# as long as the collector is dead).
BURSTS = """\
import time
from agentnet import telemetry

def burst():
    for n in range(400):
        with telemetry.span(f"busy {n}"):
            pass

while time.time() % 20 < 17:
    time.sleep(0.05)
burst()
while time.time() % 20 >= 17:
    time.sleep(0.05)
burst()
print("ended", flush=True)
"""


def test_a_queue_full_of_spans_for_a_dead_collector_is_said_once_naming_the_settings() -> None:
    with refused_port() as port:
        env = traced_env(f"http://127.0.0.1:{port}", OTEL_BSP_MAX_QUEUE_SIZE="50", OTEL_BSP_MAX_EXPORT_BATCH_SIZE="10")
        _, stdout, stderr = exit_after_last_line([sys.executable, "-c", BURSTS], env)
    assert stdout == "ended\n"
    assert "Queue full" not in stderr, stderr[-3000:]  # before: the SDK's line, once in each window
    dropped = [line for line in stderr.splitlines() if "queue" in line.lower()]
    assert len(dropped) == 1, stderr[-3000:]
    assert f"http://127.0.0.1:{port} (OTEL_EXPORTER_OTLP_ENDPOINT)" in dropped[0]
    assert "OTEL_BSP_MAX_QUEUE_SIZE" in dropped[0] and dropped[0].startswith("agentnet: ")


def test_batch_settings_that_do_not_fit_together_are_named_and_tracing_stays_off() -> None:
    """Before, the SDK's ValueError ended the process with a traceback at its first span."""
    with refused_port() as port:
        env = traced_env(f"http://127.0.0.1:{port}", OTEL_BSP_MAX_QUEUE_SIZE="50")
        _, stdout, stderr = exit_after_last_line([sys.executable, "-c", PROBE], env)
    assert stdout == "ended\n" and "Traceback" not in stderr
    assert stderr.startswith("agentnet: the OTEL_BSP_* settings do not fit together (the SDK: max_export_batch_size")
    assert "OTEL_BSP_MAX_EXPORT_BATCH_SIZE 512 unless set); tracing stays off" in stderr and stderr.count("\n") == 1


# One span and a flush per line read: the test says when, between the collector's outages.
ON_REQUEST = """\
import sys
from opentelemetry import trace
from agentnet import telemetry

for line in sys.stdin:
    with telemetry.span(line.strip()):
        pass
    trace.get_tracer_provider().force_flush()
    print("flushed", flush=True)
"""


def test_a_collector_that_dies_comes_back_and_dies_again_is_warned_of_once_per_outage() -> None:
    """A server's collector may go away for hours and come back, more than once: the warning was given
    for the first outage only, so the operator of a long-lived process never heard of the second."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])  # free a moment ago; nothing listens on it until the receiver
    # The export of a flush gives up after a second (the SDK retries a refused connection until then).
    env = traced_env(f"http://127.0.0.1:{port}", OTEL_EXPORTER_OTLP_TRACES_TIMEOUT="1")
    process = subprocess.Popen([sys.executable, "-c", ON_REQUEST], env=env, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    assert process.stdin is not None and process.stdout is not None

    def span(name: str) -> None:
        process.stdin.write(f"{name}\n")  # type: ignore[union-attr]
        process.stdin.flush()  # type: ignore[union-attr]
        assert process.stdout.readline() == "flushed\n"  # type: ignore[union-attr]

    try:
        span("dead 1")
        span("dead 2")
        receiver = OtlpReceiver(port)
        try:
            span("alive")
            receiver.wait_for(lambda spans: "alive" in {s.name for s in spans}, "the span sent while it was up")
        finally:
            receiver.close()
        span("dead again 1")
        span("dead again 2")
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    warnings = [line for line in stderr.splitlines() if "traces are not reaching the OTLP collector" in line]
    assert len(warnings) == 2, stderr[-3000:]
    assert all(f"http://127.0.0.1:{port} (OTEL_EXPORTER_OTLP_ENDPOINT): " in w for w in warnings), warnings
    assert stderr.count("agentnet: ") == 2 and "Traceback" not in stderr, stderr[-3000:]
