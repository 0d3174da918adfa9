"""agentnet.testing.ScriptedModel keeps each call's options as that call's own, and a copy's state as the copy's."""

from __future__ import annotations

import copy

from agentnet.testing import ScriptedModel


def test_a_recorded_call_does_not_share_its_options_with_later_calls() -> None:
    model = ScriptedModel.build("s", ["one", "two", "three"])
    bound = model.bind(stop=["END"])
    bound.invoke("first")
    # A test reading (or editing) one call's record must not change what the next call asks for: the
    # record held the binding's own stop list, so this edit reached the second call.
    model.call_options[-1].stop.append("LEAKED")
    model.call_options[-1].extra["seed"] = 7
    bound.invoke("second")
    assert model.call_options[-1].stop == ["END"] and model.call_options[-1].extra == {}
    model.complete("third", max_tokens=2)
    assert [o.max_tokens for o in model.call_options] == [None, None, 2]
    assert [o.stop for o in model.call_options] == [["END", "LEAKED"], ["END"], None]


def test_copies_keep_their_own_records_and_place_in_the_script() -> None:
    model = ScriptedModel.build("s", ["one", "two", "three"])
    assert model.complete("a").text == "one"
    shallow, deep = model.model_copy(), copy.deepcopy(model)  # deepcopy raised TypeError on the lock
    assert shallow.complete("b", max_tokens=1).text == "two"
    assert deep.complete("c").text == "two"
    assert model.complete("d").text == "two"
    assert [m[-1]["content"] for m in model.calls] == ["a", "d"]
    assert [m[-1]["content"] for m in shallow.calls] == ["a", "b"]
    assert [m[-1]["content"] for m in deep.calls] == ["a", "c"]
    assert [o.max_tokens for o in shallow.call_options] == [None, 1] and len(model.call_options) == 2
