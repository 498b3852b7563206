"""The lesson API's checks and steps, pinned by their exact verdicts and messages.

The learner reads these messages, so each is asserted as exact text, in the passing and in the failing
state. Values come from torch (d/dx sum(sin x) = cos x) and hand math.
"""

from __future__ import annotations

import pytest

from tutor.lesson import (Check, CheckContext, Choice, Explain, Fact, Lesson, Mistake, Predict, Quiz, Result,
                          Task, Text, all_of, avoids, calls, close, custom, defined, grad, no_error, raised,
                          tensor, true)
from tutor.session import Session


@pytest.fixture(scope="module")
def state():
    s = Session()
    inputs = ["x = torch.arange(4.0, requires_grad=True)", "y = torch.sin(x).sum()", "y.backward()",
              "n = 3", "i = torch.arange(3)", "z = x * 2", "word = 'hi'", "flag = True"]
    outcome = None
    for text in inputs:
        outcome = s.submit(text)
        assert outcome.ok, (text, outcome.error)
    return s, outcome, inputs


@pytest.fixture
def ctx(state):
    s, outcome, inputs = state
    return CheckContext(s.namespace, outcome, list(inputs))


def error_ctx(code):
    s = Session()
    out = s.submit(code)
    return CheckContext(s.namespace, out, [code])


# -- CheckContext -------------------------------------------------------------------------------------


def test_context_eval_and_its_errors(ctx):
    assert ctx.eval("n + 1") == 4
    with pytest.raises(Exception) as info:
        ctx.eval("nothing_here")
    assert type(info.value).__name__ == "CheckError" and str(info.value) == "nothing_here is not defined yet"
    with pytest.raises(Exception) as info:
        ctx.eval("1 / 0")
    assert str(info.value) == "1 / 0 raised ZeroDivisionError: division by zero"


def test_context_trees_skip_what_does_not_parse():
    c = CheckContext({}, None, ["a = 1", "b = (", "c.backward()"])
    trees = c.trees()
    assert len(trees) == 2
    assert [type(t.body[0]).__name__ for t in trees] == ["Assign", "Expr"]


def test_a_check_never_raises_and_has_a_repr():
    boom = Check("boom", lambda c: 1 / 0)
    result = boom(CheckContext({}))
    assert result == Result(False, "could not check boom: ZeroDivisionError: division by zero")
    assert repr(boom) == "Check(boom)"
    missing = close("ghost", 1)(CheckContext({}))
    assert missing == Result(False, "ghost is not defined yet")


# -- value checks -------------------------------------------------------------------------------------


def test_close_messages(ctx):
    assert close("n", 3)(ctx) == Result(True, "n is right")
    assert close("n", 4)(ctx) == Result(False, "n is 3.0, but it should be 4")
    assert close("n", "n + 1")(ctx) == Result(False, "n is 3.0, but it should be n + 1")
    assert close("n", 4, message="nope")(ctx) == Result(False, "nope")
    assert close("word", "'hi'")(ctx).passed is True
    assert close("word", "'ho'")(ctx) == Result(False, "word is 'hi', but it should be 'ho'")
    assert close("flag", True)(ctx).passed is True and close("flag", False)(ctx).passed is False
    assert close("x.grad", "torch.cos(x)")(ctx) == Result(True, "x.grad is right")
    assert close("z", [0.0, 2.0, 4.0, 7.0])(ctx) == Result(
        False, "z is [0.0, 2.0, 4.0, 6.0], but it should be [0.0, 2.0, 4.0, 7.0]")
    assert close("n", None)(ctx) == Result(False, "n is 3, but it should be None")
    assert close("x", 0.0, atol=10)(ctx).passed is False  # shape () against (4,)
    assert close("x", 0.0, atol=10)(ctx).message == "x is shape (4,) (expected ()), but it should be 0.0"
    assert close("x", [0, 1, 2, 3]).describe == "x ≈ [0, 1, 2, 3]"


def test_close_shows_big_tensors_by_shape_and_compares_nan(ctx):
    c = CheckContext({"big": __import__("torch").zeros(9), "nan": float("nan")})
    assert close("big", [1.0] * 9)(c) == Result(False, "big is a tensor of shape (9,), but it should be "
                                                       "[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]")
    assert close("nan", float("nan"))(c).passed is True


def test_close_compares_in_float64(ctx):
    torch = __import__("torch")
    c = CheckContext({"h": torch.tensor([1.0], dtype=torch.float16), "i": torch.tensor([3])})
    # 1 + 2e-3 is not representable in float16; compared in float64 it is outside rtol=1e-4
    assert close("h", [1.002])(c).passed is False
    assert close("i", [3.0])(c).passed is True  # int against float: same value
    assert close("i", [3.5], atol=0.4, rtol=0)(c).passed is False  # the 0.5 is not rounded away


def test_tensor_check_messages(ctx):
    assert tensor("x", shape=(4,), dtype="float32", requires_grad=True, leaf=True)(ctx) == Result(
        True, "x is the tensor asked for")
    assert tensor("n")(ctx) == Result(False, "n should be a tensor, but it is an int")
    assert tensor("x", shape=[2, 2])(ctx) == Result(False, "x has shape (4,), expected (2, 2)")
    assert tensor("x", dtype="float64")(ctx) == Result(False, "x has dtype float32, expected float64")
    assert tensor("i", requires_grad=True)(ctx) == Result(False, "i should require gradients")
    assert tensor("x", requires_grad=False)(ctx) == Result(False, "x should not require gradients")
    assert tensor("z", leaf=True)(ctx) == Result(False, "z should be a leaf tensor")
    assert tensor("x", leaf=False)(ctx) == Result(False, "x should not be a leaf tensor")
    assert tensor("z", leaf=False, requires_grad=True)(ctx).passed is True
    assert tensor("x", shape=(2,), message="m")(ctx) == Result(False, "m")
    assert tensor("n", message="m")(ctx) == Result(False, "m")
    assert tensor("x", dtype="int64", message="m")(ctx) == Result(False, "m")
    assert tensor("i", requires_grad=True, message="m")(ctx) == Result(False, "m")
    assert tensor("z", leaf=True, message="m")(ctx) == Result(False, "m")
    assert tensor("x").describe == "tensor x"


def test_grad_check_messages(ctx):
    assert grad("x")(ctx) == Result(True, "x.grad is there")
    assert grad("x", "torch.cos(x)")(ctx) == Result(True, "x.grad is right")
    assert grad("x", [1.0, 1.0, 1.0, 1.0])(ctx).message.startswith("x.grad is [1.0, 0.5403")
    assert grad("x", [1.0, 1.0, 1.0, 1.0])(ctx).message.endswith(", but it should be [1.0, 1.0, 1.0, 1.0]")
    none = "z.grad is None: call backward() on a scalar built from z"
    assert grad("z")(ctx) == Result(False, none)  # a non-leaf: no .grad (and no warning)
    assert grad("i")(ctx) == Result(False, "i.grad is None: call backward() on a scalar built from i")
    assert grad("n")(ctx) == Result(False, "n.grad is None: call backward() on a scalar built from n")
    assert grad("z", message="m")(ctx) == Result(False, "m")
    assert grad("x", [1.0] * 4, message="m")(ctx) == Result(False, "m")
    assert grad("x").describe == "x.grad"
    # a non-leaf that retains its grad is read
    s = Session()
    for line in ("a = torch.ones(2, requires_grad=True)", "b = a * 3", "b.retain_grad()", "b.sum().backward()"):
        s.submit(line)
    c = CheckContext(s.namespace)
    assert grad("b", [1.0, 1.0])(c) == Result(True, "b.grad is right")
    assert grad("a", [3.0, 3.0], atol=0, rtol=0)(c).passed is True


def test_outcome_checks_messages(ctx):
    assert no_error()(ctx) == Result(True, "no error")
    err = error_ctx("torch.arange(4).requires_grad_()")
    assert no_error()(err).message.startswith("the last input raised RuntimeError: ")
    assert no_error(message="m")(err) == Result(False, "m")
    assert raised("RuntimeError")(err) == Result(True, "that raised RuntimeError, as expected")
    assert raised("RuntimeError", "floating point")(err).passed is True
    assert raised("RuntimeError", "no such words")(err) == Result(
        False, "this step wants to see a RuntimeError mentioning 'no such words'")
    assert raised("ValueError")(err) == Result(False, "this step wants to see a ValueError")
    assert raised("ValueError")(ctx) == Result(False, "this step wants to see a ValueError")
    assert raised("ValueError", message="m")(err) == Result(False, "m")
    assert raised("ValueError").describe == "raised ValueError"
    assert no_error().describe == "no error"
    assert no_error()(CheckContext({}, None)) == Result(True, "no error")


def test_calls_and_avoids_messages():
    c = CheckContext({}, None, ["y.backward()", "torch.autograd.grad(y, x)", "f(1)", "not python ("])
    assert calls("backward")(c) == Result(True, "used backward")
    assert calls("grad", "nothing")(c) == Result(True, "used grad or nothing")
    assert calls("f")(c).passed is True  # a plain function name counts too
    assert calls("cos", "sin")(c) == Result(False, "use cos() or sin() in your answer")
    assert calls("cos", message="m")(c) == Result(False, "m")
    assert avoids("cos", "exp")(c) == Result(True, "did not use cos or exp")
    assert avoids("grad", "backward", "cos")(c) == Result(False, "this step asks you not to call backward, grad()")
    assert avoids("f", message="m")(c) == Result(False, "m")
    # an attribute that is not called is not a call
    assert calls("grad")(CheckContext({}, None, ["x.grad"])).passed is False
    assert calls("backward").describe == "calls ('backward',)" and avoids("cos").describe == "avoids ('cos',)"


def test_true_defined_all_of_custom(ctx):
    assert true("n == 3", "no")(ctx) == Result(True, "yes")
    assert true("n == 4", "n is not 4")(ctx) == Result(False, "n is not 4")
    assert true("x > 1", "ambiguous")(ctx) == Result(False, "ambiguous")  # bool() of 4 values raises
    assert true("n", "m").describe == "n"
    assert defined("x", "n")(ctx) == Result(True, "defined")
    assert defined("x", "p", "q")(ctx) == Result(False, "define p, q first")
    assert defined("p", message="m")(ctx) == Result(False, "m")
    assert defined("x").describe == "defined ('x',)"
    both = all_of(defined("x"), true("n == 3", "no"))
    assert both(ctx) == Result(True, "defined ('x',); n == 3") and both.describe == "defined ('x',) and n == 3"
    first_fails = all_of(defined("nope"), true("1 / 0", "never evaluated"))
    assert first_fails(ctx) == Result(False, "define nope first")
    assert all_of(true("n == 3", "no"), defined("nope"))(ctx) == Result(False, "define nope first")
    assert all_of(defined("nope"), message="m")(ctx) == Result(False, "m")
    assert custom("n is odd", lambda c: c.namespace["n"] % 2 == 1)(ctx) == Result(True, "n is odd")
    assert custom("n is even", lambda c: c.namespace["n"] % 2 == 0)(ctx) == Result(False, "not yet: n is even")
    assert custom("even", lambda c: False, message="m")(ctx) == Result(False, "m")
    assert custom("r", lambda c: Result(False, "own"))(ctx) == Result(False, "own")
    assert custom("r", lambda c: 0)(ctx).passed is False and custom("r", lambda c: [1])(ctx).passed is True


# -- steps and lessons ----------------------------------------------------------------------------------


def test_task_check_orders_targeted_feedback_first(ctx):
    task = Task("t", goal="g", checks=[defined("x"), defined("nope"), defined("gone")], solution="1", wrong=["2"],
                mistakes=[Mistake(defined("nothing"), "not this one"), Mistake(defined("n"), "you used n"),
                          Mistake(defined("x"), "second match")])
    assert task.check(ctx) == (False, ["you used n", "define nope first"])
    plain = Task("t", goal="g", checks=[defined("nope"), defined("gone")], solution="1", wrong=["2"])
    assert plain.check(ctx) == (False, ["define nope first"])
    ok = Task("t", goal="g", checks=[defined("x"), true("n == 3", "no")], solution="1", wrong=["2"],
              mistakes=[Mistake(defined("n"), "never shown when the checks pass")])
    assert ok.check(ctx) == (True, ["defined", "yes"])


def test_validation_messages():
    good = Task("t", checks=[no_error()], solution="1", wrong=["2"])
    assert good.validate() == [] and good.kind == "task"
    assert Task("Bad_Id", checks=[no_error()], solution="1", wrong=["2"]).validate() == [
        "step id 'Bad_Id' is not lower-case-with-dashes"]
    assert Task("t").validate() == ["task t has no checks", "task t has no reference solution",
                                    "task t declares no wrong answer"]
    assert Text("-a").validate() == ["step id '-a' is not lower-case-with-dashes"]
    assert Text("a1-b").validate() == [] and Text("a").kind == "text"
    quiz = Quiz("q", question="?", choices=[Choice("a", why="w"), Choice("b", correct=True)])
    assert quiz.validate() == ["quiz q: every choice needs a `why`"]
    two = Quiz("q", choices=[Choice("a", True, "w"), Choice("b", True, "w")])
    assert two.validate() == ["quiz q needs exactly one correct choice"]
    none = Quiz("q", choices=[Choice("a", why="w")])
    assert none.validate() == ["quiz q needs exactly one correct choice"] and none.kind == "quiz"
    assert Predict("p", code="1", expect="1").validate() == [] and Predict("p").kind == "predict"
    assert Predict("p", code="1", expect="1", kind_of_answer="number").validate() == [
        "predict p: kind_of_answer must be value, shape, error or text"]
    assert Predict("p", code="1").validate() == ["predict p needs code and expect"]
    assert Predict("p", expect="1").validate() == ["predict p needs code and expect"]
    for kind in ("value", "shape", "error", "text"):
        assert Predict("p", code="1", expect="1", kind_of_answer=kind).validate() == []
    assert Explain("e", question="?").validate() == ["explain e needs a model answer"]
    assert Explain("e", model_answer="m").validate() == [] and Explain("e").min_words == 5
    assert Explain("e").kind == "explain"


def test_lesson_validation_and_lookup():
    t1, t2 = Text("a", "x"), Text("b", "y")
    lesson = Lesson(id="my-lesson", title="T", section="2.5", steps=[t1, t2])
    assert lesson.step("b") is t2 and lesson.minutes == 15 and lesson.prerequisites == []
    with pytest.raises(KeyError):
        lesson.step("c")
    with pytest.raises(ValueError) as info:
        Lesson(id="Bad", title="T", section="2.5", steps=[])
    assert str(info.value) == "lesson 'Bad': lesson id 'Bad' is not lower-case-with-dashes; it has no steps"
    with pytest.raises(ValueError) as info:
        Lesson(id="l", title="T", section="2.5", steps=[Text("b"), Text("a"), Text("b"), Text("a"), Text("c")])
    assert str(info.value) == "lesson 'l': duplicate step ids: a, b"
    with pytest.raises(ValueError) as info:
        Lesson(id="l", title="T", section="2.5", steps=[Text("a"), Task("t")])
    assert str(info.value) == ("lesson 'l': task t has no checks; task t has no reference solution; "
                               "task t declares no wrong answer")


def test_replay_code_rebuilds_the_state_before_a_step():
    steps = [Task("t1", checks=[no_error()], solution="a = 1", wrong=["x"], setup="s1 = 0"),
             Predict("p", code="b = a + 1", expect="2"),
             Quiz("q", choices=[Choice("c", True, "w")]),
             Task("t2", checks=[no_error()], solution="c = b * 2", wrong=["x"]),
             Text("end")]
    lesson = Lesson(id="l", title="T", section="2.5", steps=steps, setup="import math")
    assert list(lesson.replay_code(0)) == [("import math", True)]
    assert list(lesson.replay_code(5)) == [("import math", True), ("s1 = 0", True), ("a = 1", False),
                                           ("b = a + 1", False), ("c = b * 2", False)]
    bare = Lesson(id="l", title="T", section="2.5", steps=steps)
    assert list(bare.replay_code(1)) == [("s1 = 0", True), ("a = 1", False)]


def test_quiz_answers():
    quiz = Quiz("q", choices=[Choice("one", why="no"), Choice("two", correct=True, why="yes"),
                              Choice("three", why="not that")])
    assert quiz.labels == ["a", "b", "c"]
    assert quiz.answer(" b ") == (True, "yes") and quiz.answer("C.") == (False, "not that")
    assert quiz.answer("a)") == (False, "no") and quiz.answer("d") is None and quiz.answer("") is None
    assert quiz.answer("ab") is None


def test_predict_judging_messages():
    s = Session()
    value = Predict("v", code="torch.tensor([1.0, 2.0]).sum()", expect="3.0")
    out = s.submit(value.code)
    assert value.judge("3", out, s.namespace) == (True, "it gave 3.0")
    assert value.judge("4", out, s.namespace) == (False, "it gave 3.0")
    assert value.judge("error", out, s.namespace) == (False, "it ran without an error and gave 3.0")
    s.submit("k = 1.5")
    assert value.judge("2 * k", out, s.namespace) == (True, "it gave 3.0")  # an expression in my names
    assert value.judge("k +", out, s.namespace) == (False, "it gave 3.0")  # unreadable: wrong, not a crash
    shape = Predict("s", code="torch.ones(2, 3)", kind_of_answer="shape", expect="(2, 3)")
    out = s.submit(shape.code)
    assert shape.judge("2x3", out, s.namespace) == (True, "the shape is (2, 3)")
    assert shape.judge("(3, 2)", out, s.namespace) == (False, "the shape is (2, 3)")
    assert shape.judge("error", out, s.namespace) == (False, "it ran without an error")
    tup = Predict("s", code="(2, 3)", kind_of_answer="shape", expect="(2,)")
    out = s.submit(tup.code)
    assert tup.judge("(2, 3)", out, s.namespace) == (True, "the shape is (2, 3)")
    err = Predict("e", code="torch.arange(4).requires_grad_()", kind_of_answer="error", expect="error")
    out = s.submit(err.code)
    ok, why = err.judge("RuntimeError", out, s.namespace)
    assert ok is True and why.startswith("it raised RuntimeError: ") and not why.endswith(".")
    assert err.judge("it works", out, s.namespace)[0] is False
    fine = s.submit("1 + 1")
    assert err.judge("no error", fine, s.namespace) == (True, "it ran without an error")
    assert err.judge("", fine, s.namespace) == (False, "it ran without an error")
    assert err.judge("error", fine, s.namespace) == (False, "it ran without an error")
    text = Predict("t", code="x = torch.ones(2, requires_grad=True)\nx.is_leaf", kind_of_answer="text",
                   expect="True")
    out = s.submit(text.code)
    assert text.judge("yes", out, s.namespace) == (True, "the answer is True")
    assert text.judge("no", out, s.namespace) == (False, "the answer is True")
    words = Predict("w", code="1", kind_of_answer="text", expect="Add Backward")
    out = s.submit(words.code)
    assert words.judge("addbackward", out, s.namespace) == (True, "the answer is Add Backward")
    assert words.judge("mulbackward", out, s.namespace) == (False, "the answer is Add Backward")


def test_fact_defaults():
    fact = Fact("1 + 1", 2)
    assert (fact.code, fact.expected, fact.raises) == ("1 + 1", 2, "")
    assert Text("a").facts == [] and Text("a").markdown == "" and Text("a").examples == []


def test_explain_judging_by_length_and_topic():
    step = Explain("e", question="Why?", model_answer="Because the gradient accumulates.", min_words=3,
                   topics=["grad", "accumulat", "sum", "add", "extra"])
    assert step.judge("it adds up") == (True, "")
    assert step.judge("the Gradient grows") == (True, "")  # at a word start, any case
    assert step.judge("x.grad gets bigger") == (True, "")  # after a dot is a word start too
    assert step.judge("sub-sums are kept") == (True, "")
    assert step.judge("it is upgraded somehow") == (False, (
        "that does not seem to answer this question: it mentions none of grad, accumulat, sum, add. "
        "Answer in your own words, or %skip"))  # "upgraded": not at a word start; only 4 topics shown
    assert step.judge("two words") == (False, "write at least 3 words: your own reasoning, in a sentence or two "
                                              "(it is not marked right or wrong)")
    assert step.judge("a b c") == (False, step.judge("a b c")[1]) and step.judge("a b c")[1].startswith("that does")
    anything = Explain("e", model_answer="m")
    assert anything.judge("one two three four five") == (True, "")
    assert anything.judge("one two three four") == (False, "write at least 5 words: your own reasoning, in a "
                                                            "sentence or two (it is not marked right or wrong)")
    assert anything.topics == [] and anything.on_topic("anything") is False
    assert step.validate() == []
    off = Explain("e", model_answer="Nothing relevant here.", topics=["grad"])
    assert off.validate() == ["explain e: the model answer mentions none of its topics"]
    assert Explain("e", topics=["grad"]).validate() == ["explain e needs a model answer"]


def test_lesson_index_and_finite():
    from tutor.lesson import finite

    lesson = Lesson(id="l", title="T", section="2.5", steps=[Text("a"), Text("b")])
    assert lesson.index("a") == 0 and lesson.index("b") == 1
    with pytest.raises(ValueError):
        lesson.index("c")
    assert finite(1) is True and finite(2.5) is True and finite(float("inf")) is False
    assert finite(float("nan")) is False and finite("1") is False and finite(None) is False


def test_expected_values_take_the_learners_dtype():
    torch = __import__("torch")
    c = CheckContext({"h": torch.tensor([0.1], dtype=torch.float16), "flag": True,
                      "eight": torch.zeros(8), "x": torch.zeros(4)})
    # 0.1 in float16 is 0.0999756: the expected 0.1 is rounded the same way before comparing
    assert close("h", [0.1], atol=0, rtol=0)(c).passed is True
    assert close("flag", 1.00001)(c).passed is False  # a bool is compared with ==, never with a tolerance
    assert close("flag", 1)(c).passed is True
    assert close("eight", [1.0] * 8)(c).message == (
        "eight is [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], but it should be [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]")
    import numpy as np

    assert close("x", np.ones(4))(c).message == "x is [0.0, 0.0, 0.0, 0.0], but it should be array([1., 1., 1., 1.])"


def test_more_exact_messages():
    c = CheckContext({"n": 1})
    assert custom("n is odd", lambda ctx: True).describe == "n is odd"
    assert raised("ValueError")(CheckContext({}, None)) == Result(False, "this step wants to see a ValueError")
    with pytest.raises(Exception) as info:
        c.eval("1 +")
    assert str(info.value) == "1 + raised SyntaxError: invalid syntax (<check>, line 1)"
    with pytest.raises(Exception) as info:
        c.eval("ghost + 1")
    assert str(info.value) == "ghost is not defined yet"
    lesson = Lesson(id="l", title="T", section="2.5", steps=[Text("a")])
    with pytest.raises(KeyError) as info:
        lesson.step("zz")
    assert info.value.args == ("zz",)


def test_predict_judging_edges():
    s = Session()
    stop = Predict("s", code="next(iter([]))", kind_of_answer="error", expect="error")
    out = s.submit(stop.code)
    assert out.error.type == "StopIteration"
    assert stop.judge("StopIteration", out, s.namespace)[0] is True  # naming the exception is enough
    assert stop.judge("stopiteration", out, s.namespace)[0] is True
    x_end = Predict("e", code="raise ValueError('bad X')", kind_of_answer="error", expect="error")
    out = s.submit(x_end.code)
    assert x_end.judge("error", out, s.namespace) == (True, "it raised ValueError: bad X")
    dot_end = Predict("e", code="raise ValueError('bad. ')", kind_of_answer="error", expect="error")
    out = s.submit(dot_end.code)
    assert dot_end.judge("error", out, s.namespace) == (True, "it raised ValueError: bad")
    value = Predict("v", code="1", expect="1")
    assert value.judge("3", None, {})[0] is False  # no outcome: a wrong answer, not a crash
    scalar = Predict("s", code="5", kind_of_answer="shape", expect="()")
    out = s.submit(scalar.code)
    assert scalar.judge("()", out, s.namespace) == (True, "the shape is ()")
    words = Predict("w", code="1", kind_of_answer="text", expect="Add Backward")
    out = s.submit(words.code)
    assert words.judge("1", out, s.namespace) == (False, "the answer is Add Backward")
