"""The public lesson API: checks, step judging and validation, on their own."""

from __future__ import annotations

import pytest

from tutor.lesson import (CheckContext, all_of, Choice, Explain, Lesson, Predict, Quiz, Task, Text, avoids, calls,
                          close, custom, defined, grad, no_error, raised, tensor, true)
from tutor.session import Session


@pytest.fixture
def ctx():
    s = Session()
    inputs = ["x = torch.arange(4.0, requires_grad=True)", "y = torch.sin(x).sum()", "y.backward()"]
    outcome = None
    for text in inputs:
        outcome = s.submit(text)
    return CheckContext(s.namespace, outcome, inputs)


def test_value_and_tensor_checks(ctx):
    assert close("x.grad", "torch.cos(x)")(ctx).passed
    assert not close("x.grad", [1.0, 1.0, 1.0, 1.0])(ctx).passed
    assert close("y", "torch.sin(x).sum()", atol=1e-6)(ctx).passed
    assert tensor("x", shape=(4,), dtype="float32", requires_grad=True, leaf=True)(ctx).passed
    assert "shape" in tensor("x", shape=(2, 2))(ctx).message
    assert grad("x", "torch.cos(x)")(ctx).passed and not grad("y")(ctx).passed
    assert not close("undefined_name", 1)(ctx).passed  # a NameError is a failed check, not a crash


def test_checks_on_how_the_answer_was_made(ctx):
    assert calls("backward")(ctx).passed and not calls("grad")(ctx).passed
    assert avoids("cos")(ctx).passed
    ctx.inputs.append("torch.cos(x)")
    assert not avoids("cos")(ctx).passed


def test_outcome_checks_and_custom(ctx):
    assert no_error()(ctx).passed and not raised("RuntimeError")(ctx).passed
    s = Session()
    bad = s.submit("torch.arange(4).requires_grad_()")
    err_ctx = CheckContext(s.namespace, bad, [])
    assert raised("RuntimeError", "floating point")(err_ctx).passed and not no_error()(err_ctx).passed
    assert true("x.requires_grad", "no")(ctx).passed and not true("x.grad is None", "it has a grad")(ctx).passed
    assert defined("x", "y")(ctx).passed and not defined("nope")(ctx).passed
    assert custom("always", lambda c: 1 / 0)(ctx).passed is False  # a crashing check fails cleanly


def test_predict_judges_against_what_really_ran():
    s = Session()
    shape = Predict("p", code="torch.ones(2, 3)", question="?", kind_of_answer="shape", expect="(2, 3)")
    out = s.submit(shape.code)
    assert shape.judge("(2, 3)", out, s.namespace)[0] and not shape.judge("(3, 2)", out, s.namespace)[0]
    value = Predict("v", code="torch.tensor([1.0, 2.0]).sum()", question="?", expect="3.0")
    out = s.submit(value.code)
    assert value.judge("3", out, s.namespace)[0] and not value.judge("4", out, s.namespace)[0]
    err = Predict("e", code="torch.arange(4).requires_grad_()", question="?", kind_of_answer="error",
                  expect="error")
    out = s.submit(err.code)
    assert err.judge("an error", out, s.namespace)[0] and err.judge("RuntimeError", out, s.namespace)[0]
    assert not err.judge("no error", out, s.namespace)[0]
    fine = s.submit("1 + 1")
    assert err.judge("no error", fine, s.namespace)[0] and not err.judge("error", fine, s.namespace)[0]


def test_quiz_answers_by_letter():
    quiz = Quiz("q", question="?", choices=[Choice("a", why="no"), Choice("b", correct=True, why="yes")])
    assert quiz.answer("b") == (True, "yes") and quiz.answer("A)") == (False, "no")
    assert quiz.answer("z") is None


def test_lessons_validate_themselves():
    task = Task("t", goal="g", checks=[no_error()], solution="1", wrong=["1/0"])
    Lesson(id="ok", title="t", section="2.5", steps=[Text("a", "x"), task])
    with pytest.raises(ValueError, match="duplicate step ids: a"):
        Lesson(id="dup", title="t", section="2.5", steps=[Text("a", "x"), Text("a", "y")])
    with pytest.raises(ValueError, match="declares no wrong answer"):
        Lesson(id="w", title="t", section="2.5", steps=[Task("t", checks=[no_error()], solution="1")])
    with pytest.raises(ValueError, match="exactly one correct"):
        Lesson(id="q", title="t", section="2.5", steps=[Quiz("q", choices=[Choice("a", why="x")])])
    with pytest.raises(ValueError, match="model answer"):
        Lesson(id="e", title="t", section="2.5", steps=[Explain("e", question="?")])


def test_all_of_needs_every_check(ctx):
    assert all_of(calls("backward"), grad("x"))(ctx).passed
    failed = all_of(calls("backward"), calls("grad"))(ctx)
    assert not failed.passed and "grad()" in failed.message


# -- natural answers (tutor.answers) -------------------------------------------------------------

import pytest  # noqa: E402

_BOOLS = "torch.tensor([1., 2.]) == torch.tensor([1., 2.])"


@pytest.mark.parametrize("code, kind, answer, right", [
    (_BOOLS, "value", "yes", True), (_BOOLS, "value", "Yes", True), (_BOOLS, "value", "true", True),
    (_BOOLS, "value", "TRUE", True), (_BOOLS, "value", "all True", True), (_BOOLS, "value", "[True, True]", True),
    (_BOOLS, "value", "[true, true]", True), (_BOOLS, "value", "no", False), (_BOOLS, "value", "false", False),
    (_BOOLS, "value", "error", False), (_BOOLS, "value", "[True, False]", False),
    ("torch.tensor(1.) == 2", "value", "false", True), ("torch.tensor(1.) == 2", "value", "No", True),
    ("torch.tensor(1.) == 2", "value", "False.", True), ("torch.tensor(1.) == 2", "value", "true", False),
    ("torch.tensor(1024.)", "value", "1024", True), ("torch.tensor(1024.)", "value", "1024.", True),
    ("torch.tensor(1024.)", "value", "[1024]", True), ("torch.tensor(1024.)", "value", "1024.0.", True),
    ("torch.tensor(1024.)", "value", "1000", False),
    ("torch.tensor([0., 4., 8.])", "value", "[0, 4, 8]", True), ("torch.tensor([0., 4., 8.])", "value", "0, 4, 8", True),
    ("torch.tensor([0., 4., 8.])", "value", "0 4 8", True), ("torch.tensor([0., 4., 8.])", "value", "[0., 4., 8.].", True),
    ("torch.tensor([0., 4., 8.])", "value", "tensor([0., 4., 8.])", True), ("torch.tensor([0., 4., 8.])", "value", "[0, 4]", False),
    ("(False, None)", "value", "false, none", True), ("None", "value", "None", True), ("None", "value", "none", True),
    ("torch.ones(2, 3)", "shape", "(2, 3)", True), ("torch.ones(2, 3)", "shape", "2x3", True),
    ("torch.ones(2, 3)", "shape", "2 x 3", True), ("torch.ones(2, 3)", "shape", "[2, 3]", True),
    ("torch.ones(2, 3)", "shape", "torch.Size([2, 3])", True), ("torch.ones(2, 3)", "shape", "(3, 2)", False),
    ("torch.ones(2, 3)", "shape", "error", False), ("torch.tensor(1.)", "shape", "()", True),
    ("torch.tensor(1.)", "shape", "scalar", True), ("torch.tensor(1.)", "shape", "torch.Size([])", True),
    ("torch.tensor(1.)", "shape", "error", False),
    ("torch.arange(4).requires_grad_()", "error", "error", True),
    ("torch.arange(4).requires_grad_()", "error", "it raises", True),
    ("torch.arange(4).requires_grad_()", "error", "It raises an error.", True),
    ("torch.arange(4).requires_grad_()", "error", "RuntimeError", True),
    ("torch.arange(4).requires_grad_()", "error", "no error", False),
    ("torch.arange(4).requires_grad_()", "error", "it runs", False),
    ("torch.arange(4.).requires_grad_()", "error", "error", False),
    ("torch.arange(4.).requires_grad_()", "error", "no error", True),
    ("torch.arange(4).requires_grad_()", "value", "error", True),
    ("torch.arange(4).requires_grad_()", "value", "it raises", True),
    ("torch.arange(4).requires_grad_()", "value", "[0, 1, 2, 3]", False),
    ("1 > 0", "text", "yes", True), ("1 > 0", "text", "TRUE", True), ("1 > 0", "text", "no", False),
])
def test_predictions_accept_natural_answers(code, kind, answer, right):
    s = Session()
    expect = {"text": "True", "error": "error", "shape": "(1,)"}.get(kind, "0")
    step = Predict("p", code=code, question="?", kind_of_answer=kind, expect=expect)
    out = s.submit(code)
    ok, why = step.judge(answer, out, s.namespace)
    assert ok is right, (answer, why)
    assert not why.endswith(".."), why


def test_a_verdict_quotes_an_error_message_without_a_doubled_full_stop():
    s = Session()
    step = Predict("p", code="raise ValueError('it broke.')", question="?", kind_of_answer="error", expect="error")
    ok, why = step.judge("no error", s.submit(step.code), s.namespace)
    assert not ok and why == "it raised ValueError: it broke"
