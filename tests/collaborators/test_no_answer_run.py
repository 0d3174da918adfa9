"""A request a bundled collaborator read as its own and found to have no answer (kilograms to metres,
a 5001-digit power, 29 February of a common year) fails the run with that collaborator's reason and
fix, through the real CLI on the default network: the step once fell back to the chat model, which
"answered" (3 kg is "10.32 pounds to meters", 10^5000 "a mathematical constant"), or, with every
candidate failing, told the user to check the models were up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def _run(request: str) -> tuple[dict, list[str]]:
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    done = subprocess.run([AGENTNET, "run", "--json", request], capture_output=True, text=True, timeout=300,
                          env=env, stdin=subprocess.DEVNULL, check=False)  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    shown = subprocess.run([AGENTNET, "runs", "show", result["run_id"], "--json"],
                           capture_output=True, text=True, timeout=120, env=env, check=False)  # fmt: skip
    return result, [a["node_id"] for a in json.loads(shown.stdout)["steps"][0]["attempts"]]


@pytest.mark.usefixtures("agentnet_home")
@pytest.mark.parametrize(
    ("request_text", "tool", "reason", "hint"),
    [("convert 3 kg to meters", "calculator", "cannot convert kg (mass) to m (length)", "units of the same kind"),
     ("what is 10^5000", "calculator", "more than 1000 digits", "numbers up to 10^1000"),
     ("what day of the week is 2027-02-29", "dates", "'2027-02-29' is not a date", "check the day and the month"),
     ("what date is 5 days after 9999-12-30", "dates", "outside the calendar", "years 1 to 9999")],
)  # fmt: skip
def test_a_request_with_no_answer_stops_at_the_collaborator_that_said_so(
    request_text: str, tool: str, reason: str, hint: str
) -> None:
    result, attempts = _run(request_text)
    assert result["status"] == "failed" and result["answer"] is None, result
    assert reason in result["error"]["message"] and hint in result["error"]["hint"], result["error"]
    assert "models are up" not in result["error"]["hint"]
    assert attempts == [tool]
