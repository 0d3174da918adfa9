"""A recipe whose parallel steps both fail: the shipped parallel-review recipe, its model made to fail
(agentnet.testing only injects the fault). The run fails once, naming both steps, and nothing else is
logged. Before, LangGraph shut its thread pool down at the first failure while the other step still
ended, and concurrent.futures logged "cannot schedule new futures after shutdown" with a traceback (in
about one run of three), and the run's error named one of the two steps."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from agentnet.errors import ModelCallError
from agentnet.executor import open_run_store
from agentnet.recipes import RecipeProgram, check_text
from agentnet.testing import Delay, ScriptedModel

RECIPE = Path(__file__).resolve().parents[2] / "recipes" / "parallel-review.yaml"


def program(model: ScriptedModel) -> RecipeProgram:
    checked = check_text(RECIPE.read_text(), str(RECIPE), [model.card])
    assert checked.ok and checked.recipe is not None, checked.problems
    return RecipeProgram(checked.recipe, checked.dependencies, nodes=[model])


@pytest.mark.parametrize("apart_s", [0.0, 0.2])
def test_two_parallel_steps_that_fail_fail_the_run_once_naming_both(
    apart_s: float, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.WARNING)
    for _ in range(12):  # the old failure was one of timing: about one run in three
        down = ModelCallError("the model server went away", code="model_unavailable")
        model = ScriptedModel.build("smollm2", [down, Delay(apart_s, down)])
        result = program(model).run()
        assert result.status == "failed" and result.error is not None, result
        said = result.error.message
        assert said.startswith("2 steps failed:") and "step 'pros'" in said and "step 'cons'" in said, said
        assert len(model.calls) == 2  # the verdict never ran
        assert open_run_store().get_run(result.run_id)["status"] == "failed"
    err = capfd.readouterr().err
    assert not caplog.records and "Traceback" not in err and "cannot schedule" not in err, (caplog.text, err)


def test_both_failed_steps_run_again_on_resume() -> None:
    """Each failure was saved: the resume runs both steps again, then the verdict."""
    down = ModelCallError("the model server went away", code="model_unavailable")
    model = ScriptedModel.build("smollm2", [down, down, "light", "heavy", "A fine phone."])
    failed = program(model).run()
    assert failed.status == "failed", failed
    resumed = program(model).resume(failed.run_id)
    assert resumed.ok and resumed.output == "A fine phone.", resumed.error
    assert len(model.calls) == 5
