"""OpenTelemetry traces and Prometheus metrics.

- Off unless the standard variables ask for it, and then nothing of the SDK is even imported.
- A run is one trace: the run's span, a span per step, a span per model call (GenAI attributes:
  operation, provider, model, token usage, finish reasons), resumes included; the W3C
  ``traceparent`` of each model call reaches the upstream server; no prompt text unless opted in.
  A step that is one call answered in-process carries that call's attributes on its own span; a
  step of several calls (a retry, a schema's second ask) has a span per call; step spans made in a
  batch keep their steps' own times.
- ``agentnet run`` exports to a real OTLP/HTTP receiver; a run on one ``agentnet serve`` that calls a
  peered ``agentnet serve`` is one trace across both (the callee's spans hang under the caller's).
- ``/metrics`` sits behind the token and counts requests, model calls, tokens and errors by code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openai_upstream import Upstream, models_yaml
from otlp_receiver import OtlpReceiver
from serve_helpers import BIN_DIR, TOKEN, Served
from test_peers import PEER_TOKEN_ENV, wait_for_model

from agentnet import telemetry
from agentnet.config import load_config
from agentnet.errors import ModelCallError
from agentnet.executor import Executor, StepPolicy
from agentnet.network import Network
from agentnet.planner.plan import Plan, Step, StepInput
from agentnet.testing import Delay, ScriptedModel

SECRET = "zebra-7731-quartz"  # task text that must not leave the process unless opted in
# litellm's stream wrapper reads a deprecated pydantic attribute on the usage-only chunk that
# OpenAI-style servers send last; warnings are errors in this suite, so in-process calls ignore it.
LITELLM_PYDANTIC = pytest.mark.filterwarnings("ignore:Accessing the 'model_(computed_)?fields' attribute")


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    served = Upstream(gated=("slow",))
    yield served
    served.close()


@pytest.fixture
def receiver() -> Iterator[OtlpReceiver]:
    served = OtlpReceiver()
    yield served
    served.close()


def two_step_plan(task: str) -> Plan:
    return Plan(
        task=task,
        steps=[
            Step(id="s1", capability="fast", instruction=f"first: {task}"),
            Step(id="s2", capability="slow", instruction="second", inputs=[StepInput(kind="step", step="s1")]),
        ],
    )


def network_on(upstream: Upstream, workdir: Path) -> Network:
    (workdir / "agentnet.yaml").write_text(models_yaml(upstream, ("fast", "slow")))
    return Network(load_config(workdir / "agentnet.yaml"))


def attribute_text(spans: list[Any]) -> str:
    return json.dumps([{k: str(v) for k, v in (s.attributes or {}).items()} for s in spans])


def test_tracing_is_off_and_costless_unless_the_standard_variables_ask(refused_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    probe = (
        "import sys; from agentnet import telemetry\n"
        "with telemetry.span('x') as s: pass\n"
        "print(s is None, telemetry.tracer() is None, any(m.startswith('opentelemetry') for m in sys.modules))"
    )
    off = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert off.stdout.split() == ["True", "True", "False"], off.stderr
    on_env = {**env, "OTEL_EXPORTER_OTLP_ENDPOINT": refused_url}
    on = subprocess.run([sys.executable, "-c", probe], env=on_env, capture_output=True, text=True, check=True)
    assert on.stdout.split() == ["False", "False", "True"], on.stderr
    disabled = {**on_env, "OTEL_SDK_DISABLED": "true"}
    off_again = subprocess.run([sys.executable, "-c", probe], env=disabled, capture_output=True, text=True, check=True)
    assert off_again.stdout.split() == ["True", "True", "False"], off_again.stderr


def finished_spans(exporter: Any, count: Callable[[list[Any]], bool]) -> list[Any]:
    """The exporter's spans once ``count`` holds: a call abandoned by a cancel ends on its own time."""
    deadline = time.monotonic() + 60
    while not count(spans := list(exporter.get_finished_spans())):
        assert time.monotonic() < deadline, [s.name for s in spans]
        time.sleep(0.05)
    return spans


@LITELLM_PYDANTIC
def test_a_run_and_its_resume_are_one_trace_of_steps_and_model_calls(
    exported: Any, upstream: Upstream, tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTNET_RUNS_URL", pg_url)
    with network_on(upstream, tmp_path) as net:
        done: dict[str, Any] = {}
        worker = threading.Thread(
            target=lambda: done.update(r=net.execute(two_step_plan(SECRET), run_id="traced1", check=False))
        )
        worker.start()
        assert upstream.arrived["slow"].wait(60), done
        assert net.cancel("traced1") == "requested"
        worker.join(60)
        assert done["r"].status == "interrupted"
        upstream.open_gate("slow")
        assert net.resume("traced1", check=False).status == "succeeded"

    spans = finished_spans(exported, lambda found: sum(s.name.startswith("chat ") for s in found) == 3)
    by_id = {s.context.span_id: s for s in spans}
    runs = [s for s in spans if s.name == "invoke_workflow agentnet"]
    assert len(runs) == 2, [s.name for s in spans]
    first, resumed = sorted(runs, key=lambda s: s.start_time)
    # The resume continues the run's trace, under the first drive's span.
    assert resumed.context.trace_id == first.context.trace_id and resumed.parent.span_id == first.context.span_id
    assert first.attributes["agentnet.run.status"] == "interrupted"
    assert resumed.attributes["agentnet.run.status"] == "succeeded" and resumed.attributes["agentnet.resumed"]
    assert {s.context.trace_id for s in spans} == {first.context.trace_id}

    steps = [s for s in spans if s.attributes.get("gen_ai.operation.name") == "invoke_agent"]
    assert sorted(s.name for s in steps) == ["invoke_agent s1", "invoke_agent s2", "invoke_agent s2"]
    assert all(by_id[s.parent.span_id].name == "invoke_workflow agentnet" for s in steps)
    # The step the cancel stopped ended failed, saying why.
    stopped = min((s for s in steps if s.name == "invoke_agent s2"), key=lambda s: s.start_time)
    assert stopped.attributes.get("error.type") == "interrupted" and stopped.status.status_code.name == "ERROR"
    calls = [s for s in spans if s.attributes.get("gen_ai.operation.name") == "chat"]
    assert sorted(s.name for s in calls) == ["chat openai/fast", "chat openai/slow", "chat openai/slow"]
    assert all(by_id[s.parent.span_id].name.startswith("invoke_agent ") for s in calls)
    fast = next(s for s in calls if s.name == "chat openai/fast")
    assert fast.attributes["gen_ai.provider.name"] == "openai"
    assert fast.attributes["gen_ai.usage.input_tokens"] == 5 and fast.attributes["gen_ai.usage.output_tokens"] == 3
    assert tuple(fast.attributes["gen_ai.response.finish_reasons"]) == ("stop",)

    # Each call's traceparent reached the upstream, naming that call's span.
    sent = [tuple(h["traceparent"].split("-")[1:3]) for model in ("fast", "slow") for h in upstream.headers[model]]
    expected = {(f"{c.context.trace_id:032x}", f"{c.context.span_id:016x}") for c in calls}
    assert set(sent) <= expected and len(sent) == 3, (sent, expected)
    # Prompts and answers stay out of spans by default.
    assert SECRET not in attribute_text(spans) and "answer from" not in attribute_text(spans)


@LITELLM_PYDANTIC
def test_prompt_text_goes_into_spans_only_when_the_user_opts_in(
    exported: Any, upstream: Upstream, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(telemetry.CAPTURE_CONTENT_ENV, "true")
    upstream.open_gate("slow")
    with network_on(upstream, tmp_path) as net:
        result = net.execute(two_step_plan(SECRET), check=False)
        assert result.status == "succeeded", result.error
    spans = exported.get_finished_spans()
    calls = [s for s in spans if s.name == "chat openai/fast"]
    assert SECRET in calls[0].attributes["gen_ai.input.messages"]
    assert "answer from fast" in calls[0].attributes["gen_ai.output.messages"]


def test_a_step_of_several_calls_has_a_span_per_call(exported: Any) -> None:
    """A step's first call has a span only when it needs one: here s1's fails and is retried, and s2's
    answer fails the step's schema and the model is asked again (its first call's span made after it).
    s3 and s4 are one call each: one span per step, made after the step (in a batch) with its own times."""
    flaky = ScriptedModel.build("flaky", [ModelCallError("reset"), "second try works"])
    loose = ScriptedModel.build("loose", ["not json", '{"n": 4}'])
    steady = ScriptedModel.build("steady", ["fine"])
    slow = ScriptedModel.build("slow", [Delay(0.3, "late")])
    executor = Executor([flaky, loose, steady, slow], policy=StepPolicy(retries=1, retry_backoff_s=0))
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    s2 = Step(id="s2", capability="loose", instruction="count", output_schema=schema)
    after = [Step(id=f"s{n}", capability=model, instruction="go", inputs=[StepInput(kind="step", step=f"s{n - 1}")])
             for n, model in ((3, "steady"), (4, "slow"))]  # fmt: skip
    plan = Plan(task="t", steps=[Step(id="s1", capability="flaky", instruction="go"), s2, *after])
    assert executor.run(plan).steps["s2"]["data"] == {"n": 4}
    spans = exported.get_finished_spans()
    for step_id, model, first_status in (("s1", "flaky", "ERROR"), ("s2", "loose", "UNSET")):
        (step,) = [s for s in spans if s.name == f"invoke_agent {step_id}"]
        calls = sorted((s for s in spans if s.name == f"chat {model}"), key=lambda s: s.start_time)
        assert [c.parent.span_id for c in calls] == [step.context.span_id] * 2, [s.name for s in spans]
        first, second = calls
        assert first.status.status_code.name == first_status and second.status.status_code.name == "UNSET"
        assert first.start_time < first.end_time <= second.start_time  # the first call's own times
        assert second.attributes["gen_ai.usage.output_tokens"] > 0
        # Nothing folded into the step: its calls speak for themselves.
        assert "gen_ai.request.model" not in step.attributes and step.attributes["agentnet.node.id"] == model
    assert first.attributes["gen_ai.usage.output_tokens"] > 0  # s2's rejected answer, a call that succeeded
    s3, s4 = (next(s for s in spans if s.name == f"invoke_agent s{n}") for n in (3, 4))
    assert not any(s.name in ("chat steady", "chat slow") for s in spans)
    assert s3.attributes["gen_ai.request.model"] == "steady" and s4.attributes["gen_ai.request.model"] == "slow"
    # The steps' own times, not the batch's: s4 started after s3 ended and took its 0.3 s.
    assert s3.start_time < s3.end_time <= s4.start_time and s4.end_time - s4.start_time >= 300_000_000


def peer_config(upstream: Upstream) -> str:
    return models_yaml(upstream, ("fast", "slow")) + "planner:\n  model: fast\n  use_memory: false\n"


def test_agentnet_run_exports_to_an_otlp_receiver_without_prompt_text(
    receiver: OtlpReceiver, upstream: Upstream, tmp_path: Path
) -> None:
    upstream.open_gate("slow")
    (tmp_path / "agentnet.yaml").write_text(peer_config(upstream))
    env = {**os.environ, **receiver.env("cli"), "PYTHONUNBUFFERED": "1"}
    done = subprocess.run(
        [str(BIN_DIR / "agentnet"), "run", f"say hello {SECRET}", "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert json.loads(done.stdout.splitlines()[-1])["status"] == "succeeded"

    def complete(spans: list[Any]) -> bool:
        return {"agentnet run", "plan", "invoke_workflow agentnet"} <= {s.name for s in spans}

    spans = receiver.wait_for(complete, "the CLI's spans")
    assert {s.service for s in spans} == {"cli"}
    root = next(s for s in spans if s.name == "agentnet run")
    assert root.parent_id == "" and {s.trace_id for s in spans} == {root.trace_id}
    by_id = {s.span_id: s for s in spans}
    assert by_id[next(s for s in spans if s.name == "plan").parent_id] is root
    run = next(s for s in spans if s.name == "invoke_workflow agentnet")
    assert by_id[run.parent_id] is root
    steps = [s for s in spans if s.name.startswith("invoke_agent ")]
    assert steps and all(by_id[s.parent_id] is run for s in steps)
    calls = [s for s in spans if s.name.startswith("chat ")]
    assert all(by_id[s.parent_id] in steps for s in calls)
    # Each step's model call is a span under it, or, for a step that is one call answered in this
    # process (the plan's step on the bundled GGUF), the call's gen_ai.* attributes on the step's span.
    folded = [s for s in steps if not any(by_id[c.parent_id] is s for c in calls)]
    assert folded, [s.name for s in spans]
    for step in folded:
        assert step.attributes["gen_ai.operation.name"] == "invoke_agent"
        assert step.attributes["gen_ai.request.model"] == step.attributes["agentnet.node.id"] == "smollm2"
        assert step.attributes["gen_ai.usage.input_tokens"] > 0 and step.attributes["gen_ai.usage.output_tokens"] > 0
        assert step.attributes["gen_ai.response.finish_reasons"]
    assert SECRET not in json.dumps([s.attributes for s in spans], default=str)


def test_a_run_crossing_to_a_peered_server_is_one_trace(
    serve: Callable[..., Served], receiver: OtlpReceiver, upstream: Upstream
) -> None:
    upstream.open_gate("slow")
    b = serve("b", config=peer_config(upstream), token=TOKEN, args=("--name", "b"), extra_env=receiver.env("b"))
    a = serve("a", config=peer_config(upstream), extra_env={PEER_TOKEN_ENV: TOKEN, **receiver.env("a")})
    assert a.cli("peers", "add", b.url, "--token-env", PEER_TOKEN_ENV).returncode == 0
    wait_for_model(a, "b/fast")
    plan = {"task": "hop", "steps": [{"id": "hop", "capability": "b/fast", "instruction": "say hi"}]}
    started = httpx.post(f"{a.url}/v1/runs", json={"plan": plan, "run_id": "hop1"}, timeout=120)
    assert started.status_code == 200 and started.json()["status"] == "succeeded", started.text

    def crossed(spans: list[Any]) -> bool:
        return any(s.service == "b" and s.name == "POST /v1/chat/completions" for s in spans) and any(
            s.service == "a" and s.name == "chat openai/fast" for s in spans
        )

    spans = receiver.wait_for(crossed, "spans from both servers")
    a_call = next(s for s in spans if s.service == "a" and s.name == "chat openai/fast")
    b_request = next(s for s in spans if s.service == "b" and s.name == "POST /v1/chat/completions")
    assert b_request.trace_id == a_call.trace_id and b_request.parent_id == a_call.span_id
    b_call = next(s for s in spans if s.service == "b" and s.name == "chat openai/fast")
    assert b_call.trace_id == a_call.trace_id
    # The upstream call B made carries B's span: the trace goes on past B too.
    assert upstream.headers["fast"][-1]["traceparent"].split("-")[2] == b_call.span_id


def test_metrics_are_behind_the_token_and_count_requests_calls_tokens_and_errors(
    serve: Callable[..., Served], upstream: Upstream
) -> None:
    served = serve("m", config=models_yaml(upstream, ("fast",)), token=TOKEN)
    assert httpx.get(f"{served.url}/metrics", timeout=30).status_code == 401
    chat = {"model": "fast", "messages": [{"role": "user", "content": "hi"}]}
    ok = httpx.post(f"{served.api_base}/chat/completions", json=chat, headers=served.headers(), timeout=60)
    assert ok.status_code == 200, ok.text
    missing = httpx.post(
        f"{served.api_base}/chat/completions", json={**chat, "model": "nope"}, headers=served.headers(), timeout=60
    )
    assert missing.status_code == 404
    code = missing.json()["error"]["code"]
    plan = {"task": "t", "steps": [{"id": "s1", "capability": "fast", "instruction": "hi"}]}
    run = httpx.post(f"{served.url}/v1/runs", json={"plan": plan}, headers=served.headers(), timeout=120)
    assert run.status_code == 200 and run.json()["status"] == "succeeded", run.text
    text = httpx.get(f"{served.url}/metrics", headers=served.headers(), timeout=30).text
    samples = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line[:1] != "#"}
    assert samples['agentnet_model_calls_total{model="fast",operation="chat",outcome="ok"}'] == 2
    assert samples['agentnet_model_tokens_total{model="fast",type="input"}'] == 10
    assert samples['agentnet_model_tokens_total{model="fast",type="output"}'] == 6
    route = 'method="POST",route="/v1/chat/completions"'
    assert samples[f'agentnet_http_requests_total{{{route},status="200"}}'] == 1
    assert samples[f'agentnet_http_requests_total{{{route},status="404"}}'] == 1
    assert samples['agentnet_http_requests_total{method="GET",route="(unmatched)",status="401"}'] == 1
    assert samples[f'agentnet_errors_total{{code="{code}"}}'] == 1
    assert samples[f"agentnet_http_request_duration_seconds_count{{{route}}}"] == 2
    # The run went through the ``agentnet`` model's admission queue, empty again now.
    assert samples['agentnet_queue_depth{model="agentnet",state="running"}'] == 0
