"""Two calculations in one request, run through the real CLI on the default network: the calculator
answers both (the run once failed over to a word tool that echoed the request back as its answer)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def agentnet(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=300, env=env, check=False)


@pytest.mark.usefixtures("agentnet_home")
@pytest.mark.parametrize(
    "task",
    # With "what is", the second question opened with its verb and went to SmolLM2 as a clause of its own.
    ["what's 15% of 80 and convert 5 miles to km", "what is 15% of 80 and convert 5 miles to km"],
)
def test_two_calculations_in_one_request_are_both_answered_by_the_calculator(task: str) -> None:
    done = agentnet("run", "--json", task)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "12" in result["answer"] and "8.04672 km" in result["answer"], result["answer"]
    shown = agentnet("runs", "show", result["run_id"], "--json")
    assert shown.returncode == 0, shown.stderr
    attempts = [(a["node_id"], a["status"]) for a in json.loads(shown.stdout)["steps"][0]["attempts"]]
    assert attempts == [("calculator", "ok")]


@pytest.mark.usefixtures("agentnet_home")
@pytest.mark.parametrize(("task", "answer"), [("what is 17 * 23", "391"), ("What is 12 times 7?", "84")])
def test_arithmetic_written_with_signs_goes_to_the_calculator(task: str, answer: str) -> None:
    """ "what is 17 * 23" went to the chat model (MiniLM read no arithmetic in the signs), which said 4096;
    "What is 12 times 7?" too (90)."""
    done = agentnet("run", "--json", task)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1])["answer"] == answer


@pytest.mark.usefixtures("agentnet_home")
def test_an_unknown_unit_fails_the_run_naming_the_unit() -> None:
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    done = subprocess.run([AGENTNET, "run", "--json", "convert 10 blorps to meters"], capture_output=True,
                          text=True, timeout=300, env=env, stdin=subprocess.DEVNULL, check=False)  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == "failed" and "unknown unit 'blorps'" in result["error"]["message"], result


@pytest.mark.usefixtures("agentnet_home")
@pytest.mark.parametrize(
    ("task", "collaborator", "answer"),
    [("add 5 and 7", "calculator", "12"), ("what time is 3 hours and 45 minutes after 22:30", "dates", "02:15")],
)
def test_numbers_joined_by_and_are_one_question(task: str, collaborator: str, answer: str) -> None:
    """Cut at "and" ("add 5" and a lost "7"), neither matched a tool clearly and SmolLM2 answered (15, and
    "not a valid time")."""
    done = agentnet("run", "--json", task)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["answer"] == answer, result
    shown = agentnet("runs", "show", result["run_id"], "--json")
    assert [step["node_id"] for step in json.loads(shown.stdout)["steps"]] == [collaborator], shown.stdout


@pytest.mark.usefixtures("agentnet_home")
def test_money_without_a_rate_fails_naming_both_currencies() -> None:
    """ "convert 10 USD to EUR" was refused as an unknown unit, and SmolLM2 answered in its place with a rate
    it made up; the calculator said 10 for "10 USD in EUR". agentnet has no exchange rates: the run fails."""
    done = agentnet("run", "--json", "convert 10 USD to EUR")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == "failed", result
    assert "cannot convert USD to EUR: agentnet has no exchange rates" in result["error"]["message"], result
    assert "10 USD at <rate> EUR per USD" in result["error"]["hint"], result
    shown = agentnet("runs", "show", result["run_id"], "--json")
    assert [a["node_id"] for a in json.loads(shown.stdout)["steps"][0]["attempts"]] == ["calculator"], shown.stdout


@pytest.mark.usefixtures("agentnet_home")
@pytest.mark.parametrize(
    ("task", "answer"),
    [("convert 2 feet and 3 inches to cm", "68.58 cm"), ("1 hour and 30 minutes in minutes", "90 min")],
)
def test_a_compound_quantity_is_answered_as_one(task: str, answer: str) -> None:
    """Cut at "and", it was answered piecewise: "convert 2 feet: 2" and "3 inches to cm: 7.62 cm"."""
    done = agentnet("run", "--json", task)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1])["answer"] == answer


@pytest.mark.usefixtures("agentnet_home")
def test_a_handed_file_s_name_is_no_arithmetic() -> None:
    """ "receipt.txt" in the expression was refused ("cannot read '.'"), and the table tool that stood in
    answered the total alone, "6.21 (total)", the tip dropped."""
    Path("receipt.txt").write_text("Coffee 3.50\nBagel 2.25\nSubtotal 5.75\nTax 0.46\nTotal 6.21\n")
    done = agentnet("run", "--json", "add a 15% tip to the total in receipt.txt")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["answer"] == "7.1415", result
    shown = agentnet("runs", "show", result["run_id"], "--json")
    assert [a["node_id"] for a in json.loads(shown.stdout)["steps"][0]["attempts"]] == ["calculator"]
