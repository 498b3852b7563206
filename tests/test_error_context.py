"""Error context: under an autograd error, one line per tensor on the failing line, the culprit marked."""

from __future__ import annotations

from tutor.render import outcome_text
from tutor.runner import split_inputs
from tutor.session import Session


def last(script: str):
    session = Session(timeout=10)
    session.ensure_torch()
    outcomes = [session.submit(t) for t in split_inputs(script)]
    return outcomes[-1]


def by_name(outcome):
    return {s.name: s for s in outcome.tensors}


def test_inplace_error_marks_the_changed_tensor_by_shape_and_version():
    o = last("x = torch.ones(3, requires_grad=True)\nw = torch.ones(2, requires_grad=True)\n"
             "h = x.exp()\nk = w * 2\nh += 1\n(h.sum() + k.sum()).backward()\n")
    states = by_name(o)
    assert set(states) == {"h", "k"}
    assert states["h"].failing and not states["k"].failing
    assert (states["h"].shape, states["h"].version, states["h"].grad_fn) == ("(3,)", 1, "AddBackward0")
    text = outcome_text(o, 100)
    assert "▶ h  (3,) float32 · requires_grad · grad_fn=AddBackward0 · version 1" in text
    assert "    k  (2,) float32 · requires_grad · grad_fn=MulBackward0 · version 0" in text


def test_no_grad_fn_marks_the_operand_without_a_graph_and_shows_leaf_grads():
    o = last("a = torch.ones(2, requires_grad=True)\n(a * 2).sum().backward()\nb = torch.ones(2)\n"
             "torch.autograd.grad((b * a).sum() * 0 + b.sum(), b)\n")
    states = by_name(o)
    assert states["b"].failing and not states["a"].failing
    assert states["a"].grad == "(2,)" and states["b"].grad == "None" and states["b"].grad_fn is None
    assert "grad (2,)" in outcome_text(o, 100)


def test_values_come_from_the_frame_that_raised():
    o = last("def step(t):\n    inner = t * 3\n    inner.backward()\n    return inner\n"
             "v = torch.ones(4, requires_grad=True)\nstep(v)\n")
    states = by_name(o)
    assert list(states) == ["inner"] and states["inner"].shape == "(4,)" and states["inner"].failing


def test_no_context_for_errors_that_are_not_about_autograd():
    assert last("x = torch.ones(2)\nx[5]\n").tensors == []
    assert last("y = undefined_name + 1\n").tensors == []
    clean = last("x = torch.ones(2, requires_grad=True)\n(x * 2).sum().backward()\n")
    assert clean.tensors == [] and "▶" not in outcome_text(clean, 100)


def test_an_inference_tensor_has_no_version():
    o = last("w = torch.ones(2, requires_grad=True)\nwith torch.inference_mode():\n    l = (w * 2).sum()\n"
             "l.backward()\n")
    assert by_name(o)["l"].version == -1
    assert "▶ l  () float32 · no grad · leaf · inference tensor" in outcome_text(o, 100)
