"""Verified fixes (tutor/verify.py, tutor/hints/fixes.py): the code a hint shows under fix: was run on a
copy of the learner's session and cleared the mistake. Here each shown fix is applied again by the
test (the hint's `replaces`, on the learner's own inputs, from the start in a fresh session) and must
clear the mistake without a new error; and the machinery that tries fixes is checked on its own."""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import pytest
import torch

import tutor.hints as hints_pkg
from tutor import verify
from tutor.runner import split_inputs

sys.path.insert(0, str(Path(__file__).parent))

from fix_replay import assert_the_fix_clears_the_mistake, assert_the_shown_fix_is_the_edit, new_session  # noqa: E402


@pytest.fixture(autouse=True)
def strict(monkeypatch):
    monkeypatch.setattr(hints_pkg, "STRICT", True)


# (hint id, the learner's inputs, what the situation is about). Realistic code: the shapes learners
# post on the PyTorch forums (a scalar loss, a vector output, torch.autograd.grad, Hessian rows, a
# helper function, a training loop, a leaf rebound by an earlier input).
PLOT_HELPER = ("import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
               "def show(xs, ys):\n    plt.plot(xs.numpy(), ys.numpy())\nxs = torch.linspace(0, 1, 5)\n"
               "w = torch.tensor(2.0, requires_grad=True)\nshow(xs, w * xs)")

SITUATIONS = [
    # every tensor whose grad adds up is reset in the loop, not only the first one named
    ("grad-accumulation", "w = torch.tensor([1.0, 2.0], requires_grad=True)\nb = torch.tensor(0.5, requires_grad=True)\n"
                          "seen = []\nfor step in range(2):\n    loss = (w * 3).sum() + b * 2\n    loss.backward()\n"
                          "    seen.append((w.grad.tolist(), b.grad.item()))",
     "two parameters read in a loop"),
    # a line of the learner's function that returns its result: the fix must still return it (a bare
    # expression in place of `return ...` cleared the error by making the function return None)
    ("mixed-dtype-op", "w = torch.tensor([[1.0], [0.5]], requires_grad=True)\ndef forward(x):\n"
                       "    return torch.mm(x, w)\nX = torch.tensor([[1, 2], [3, 4]])\nout = forward(X)",
     "a product inside a helper that returns it"),
    ("int-requires-grad", "def make_param(values):\n    return torch.tensor(values, requires_grad=True)\n"
                          "p = make_param([1, 2, 3])", "a helper that returns the tensor it builds"),
    ("double-backward", "x = torch.tensor(2.0, requires_grad=True)\ny = x * x; y.backward(); y.backward()",
     "scalar output, both passes in one input"),
    ("double-backward", "x = torch.arange(3.0, requires_grad=True)\ny = x * x\ny.backward(torch.ones_like(y))\n"
                        "y.backward(torch.ones_like(y))", "vector output with a gradient= seed, kept as typed"),
    ("double-backward", "x = torch.tensor(2.0, requires_grad=True)\ny = x ** 3\n(g,) = torch.autograd.grad(y, x)\n"
                        "(g2,) = torch.autograd.grad(y, x)", "torch.autograd.grad user: no .backward() proposed"),
    ("double-backward", "x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = (x ** 3).sum()\n"
                        "(g,) = torch.autograd.grad(y, x, create_graph=True)\nrows = []\nfor i in range(2):\n"
                        "    x.grad = None\n    g[i].backward()\n    rows.append(x.grad.clone())",
     "Hessian rows after create_graph=True"),
    ("double-backward", "def grad_at(out, inp):\n    out.backward()\n    return inp.grad\n"
                        "x = torch.tensor(3.0, requires_grad=True)\ny = torch.sin(x) * x\ngrad_at(y, x)\ngrad_at(y, x)",
     "the pass inside a helper function"),
    ("double-backward", "x = torch.tensor([1.0, 2.0], requires_grad=True)\nh = torch.exp(x)\n"
                        "for step in range(2):\n    loss = (h * 3).sum()\n    loss.backward()",
     "part of the graph built once before a loop"),
    ("non-scalar-backward", "x = torch.arange(2.0)\nx.requires_grad_(True);\ny = 3*torch.dot(x,x) + 5*torch.exp(x)\n"
                            "y.backward()", "forum post: a vector term made y a vector"),
    ("non-scalar-backward", "x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\n(x ** 2).backward()",
     "vector output of an expression"),
    ("non-scalar-backward", "x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\ntorch.autograd.grad(x ** 2, x)",
     "torch.autograd.grad user"),
    ("non-scalar-backward", "def step(w):\n    y = w ** 2\n    y.backward()\n    return w.grad\n"
                            "w = torch.ones(3, requires_grad=True)\nstep(w)", "the pass inside a helper function"),
    ("manual-update-nonleaf", "x = torch.tensor([1.0, -2.0], requires_grad=True)\nloss = (x ** 2).sum()\n"
                              "loss.backward()\nx = x - 0.1 * x.grad", "the issue's case: x = x - 0.1 * x.grad"),
    ("manual-update-nonleaf", "x = torch.tensor([1.0, -2.0], requires_grad=True)\nloss = (x ** 2).sum()\n"
                              "loss.backward()\nx = x - 0.1 * x.grad\nloss = (x ** 2).sum()\nloss.backward()\n"
                              "x = x - 0.1 * x.grad", "a leaf rebound by an earlier input"),
    ("manual-update-nonleaf", "w = torch.tensor(0.5, requires_grad=True)\nxs = torch.linspace(-1, 1, 8)\n"
                              "ys = 3 * xs\nlr = 0.1\nfor epoch in range(5):\n"
                              "    loss = ((w * xs - ys) ** 2).mean()\n    loss.backward()\n    w = w - lr * w.grad",
     "a training loop"),
    ("grad-accumulation", "x = torch.tensor(1.0, requires_grad=True)\ngrads = []\nfor step in range(3):\n"
                          "    y = x ** 2\n    y.backward()\n    grads.append(x.grad.item())", "backward in a loop"),
    ("grad-accumulation", "x = torch.tensor(2.0, requires_grad=True)\ny = x + 1\ny.backward()\ny.backward()",
     "a second pass over a graph that saves nothing"),
    ("grad-accumulation", "x = torch.tensor(3.0, requires_grad=True)\ny = x ** 2\ny.backward(retain_graph=True)\n"
                          "first = x.grad.clone()\ny.backward()", "retain_graph=True, then again"),
    ("grad-accumulation", "x = torch.arange(4.0, requires_grad=True)\ny = 2 * torch.dot(x, x)\ny.backward()\n"
                          "z = (x * x).sum()\nz.backward()", "vector leaf, another output"),
    ("grad-accumulation", "def train(w, steps):\n    seen = []\n    for _ in range(steps):\n        loss = (w * 3) ** 2\n"
                          "        loss.backward()\n        seen.append(w.grad.item())\n    return seen\n"
                          "w = torch.tensor(1.0, requires_grad=True)\nseen = train(w, 3)",
     "a loop in a helper defined in an earlier input"),
    ("grad-accumulation", "x = torch.tensor([1.0, 2.0], requires_grad=True)\nh = torch.exp(x)\nloss = (h * 3).sum()\n"
                          "loss.backward(retain_graph=True)\nloss.backward()", "a graph of two statements, passed twice"),
    ("numpy-on-requires-grad", "b = torch.zeros(3)\nw = torch.ones(3, requires_grad=True)\ny = w * 2\n"
                               "b.numpy(); y.numpy()", "top level, an unrelated tensor on the same line"),
    ("numpy-on-requires-grad", "w = torch.randn(2, requires_grad=True)\nb = torch.zeros(2)\nnp.array([w, b])",
     "a tensor inside a list literal"),
    ("numpy-on-requires-grad", "x = torch.linspace(0, 1, 5, requires_grad=True)\nys = [x[i] ** 2 for i in range(5)]\n"
                               "torch.stack(ys).numpy()", "a list of tensors stacked"),
    ("numpy-on-requires-grad", "x = torch.linspace(0, 1, 5, requires_grad=True)\nys = [x[i] ** 2 for i in range(5)]\n"
                               "np.array([t for t in ys])", "a list comprehension over tensors"),
    ("numpy-on-requires-grad", "def show(t):\n    return t.numpy().round(2)\nx = torch.ones(3, requires_grad=True)\n"
                               "show(x * 2)", "inside a helper defined in an earlier input"),
    ("plot-requires-grad-tensor", PLOT_HELPER, "a plotting helper from an earlier input calls .numpy() itself"),
    ("inplace-saved-tensor", "x = torch.tensor([0.5, 1.0], requires_grad=True)\ny = x.exp(); y.add_(1); y.sum().backward()",
     "y.add_ on exp's saved output, vector, one input"),
    ("inplace-saved-tensor", "x = torch.tensor(1.0, requires_grad=True)\ny = x.exp()\ny += 1\ny.backward()",
     "scalar, y += 1 in an earlier input"),
    ("inplace-saved-tensor", "def act(x):\n    a = x.sigmoid()\n    a *= 2\n    return a\n"
                             "x = torch.randn(3, requires_grad=True)\nout = act(x)\nout.sum().backward()",
     "a *= 2 inside a helper defined in an earlier input"),
    ("inplace-saved-tensor", "x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = torch.tanh(x)\ny = torch.exp(y)\n"
                             "y[0] = 0\ny.sum().backward()", "y rebound by an earlier input, then y[0] = 0"),
    ("inplace-on-leaf", "x = torch.ones(3, requires_grad=True)\nx[0] = 5", "vector leaf, x[0] = 5"),
    ("inplace-on-leaf", "x = torch.tensor(1.0, requires_grad=True)\nx += 1", "scalar leaf, x += 1"),
    ("inplace-on-leaf", "def train(w, xs, ys, lr):\n    for _ in range(3):\n        loss = ((w * xs - ys) ** 2).mean()\n"
                        "        loss.backward()\n        w -= lr * w.grad\n        w.grad = None\n    return w\n"
                        "w = torch.tensor(0.5, requires_grad=True)\nxs = torch.linspace(-1, 1, 8)\n"
                        "train(w, xs, 3 * xs, 0.1)", "w -= lr * w.grad in a training-loop helper"),
    ("inplace-on-leaf", "w = torch.zeros(2, requires_grad=True)\nw = torch.ones(2, requires_grad=True)\n"
                        "w.mul_(0.5)", "a leaf rebound by an earlier input, w.mul_"),
    ("attribute-called", "x = torch.ones(2, requires_grad=True)\n(x * 2).sum().backward()\nprint(x.grad())",
     ".grad() read like a method"),
    ("attribute-called", "w = torch.ones(2, requires_grad=True)\ndef frozen(t):\n    return not t.is_leaf()\n"
                         "frozen(w)", ".is_leaf() inside a helper defined in an earlier input"),
    ("inplace-via-data", "w = torch.tensor([1.0, 2.0], requires_grad=True)\ny = (w * w).sum()\nw.data.mul_(10)\n"
                         "y.backward()", "w changed through .data after y was built"),
    ("nonleaf-grad-access", "x = torch.tensor(2.0, requires_grad=True)\ny = x * 3\ny.backward()\ny.grad",
     "scalar intermediate read after backward"),
    ("nonleaf-grad-access", "x = torch.arange(3.0, requires_grad=True)\ny = torch.exp(x)\ny.sum().backward()\n"
                            "print(y.grad)", "vector intermediate printed"),
    ("nonleaf-grad-access", "def grad_of(t):\n    return t.grad\nx = torch.tensor([1.0, 2.0], requires_grad=True)\n"
                            "h = x ** 2\n(h * 3).sum().backward()\ngrad_of(h)",
     "the read inside a helper defined in an earlier input"),
    ("nonleaf-grad-access", "w = torch.ones(3, requires_grad=True)\nw = w * 2\nw.sum().backward()\nw.grad",
     "a leaf rebound by an earlier input, w = w * 2"),
    ("nonleaf-grad-access", "x = torch.tensor(2.0, requires_grad=True)\ny = x * 3\n(g,) = torch.autograd.grad(y, x)\n"
                            "y.grad", "intermediate of a torch.autograd.grad user"),
    ("nonleaf-by-construction", "w = torch.randn(3, requires_grad=True) * 0.01\nloss = (w ** 2).sum()\nloss.backward()\n"
                                "w.grad", "a trainable parameter scaled after randn, read later"),
    ("nonleaf-by-construction", "w = torch.tensor([1.0, 2.0]).requires_grad_() + 0\nw.sum().backward()\nw.grad",
     "a parameter marked with requires_grad_() and then shifted"),
    ("nonleaf-by-construction", "def report():\n    return w.grad\nw = torch.ones(2, requires_grad=True).double()\n"
                                "(w * w).sum().backward()\nreport()", "a parameter cast after the factory, read in a helper"),
]

# The fix these situations must show (the learner's names and expressions, best candidate first).
SHOWN = {
    "y.add_ on exp's saved output, vector, one input": "y = y + 1",
    "scalar, y += 1 in an earlier input": "y = y + 1",
    "a *= 2 inside a helper defined in an earlier input": "a = a * 2",
    "y rebound by an earlier input, then y[0] = 0": "y = y.clone()\ny[0] = 0",
    "vector leaf, x[0] = 5": "with torch.no_grad(): x[0] = 5",
    "scalar leaf, x += 1": "with torch.no_grad(): x += 1",
    "w -= lr * w.grad in a training-loop helper": "with torch.no_grad(): w -= lr * w.grad",
    "a leaf rebound by an earlier input, w.mul_": "with torch.no_grad(): w.mul_(0.5)",
    "scalar intermediate read after backward": "y = x * 3\ny.retain_grad()",
    "the read inside a helper defined in an earlier input": "h = x ** 2\nh.retain_grad()",
    "a leaf rebound by an earlier input, w = w * 2": "with torch.no_grad(): w *= 2",
    # the learner wants a trainable parameter: build it as a leaf where it was made, not retain_grad()
    "a trainable parameter scaled after randn, read later": "w = (torch.randn(3) * 0.01).requires_grad_()",
    "a parameter marked with requires_grad_() and then shifted": "w = (torch.tensor([1.0, 2.0]) + 0).requires_grad_()",
    "a parameter cast after the factory, read in a helper": "w = (torch.ones(2).double()).requires_grad_()",
    # a gradient that added up: code to type now (reset, build the graph again, the pass as typed) ...
    "retain_graph=True, then again": "x.grad = None\ny = x ** 2\ny.backward()",
    "vector leaf, another output": "x.grad = None\nz = (x * x).sum()\nz.backward()",
    "a graph of two statements, passed twice": "x.grad = None\nh = torch.exp(x)\nloss = (h * 3).sum()\nloss.backward()",
    # ... and in a loop, the reset as the loop body's first statement (not before the loop)
    "backward in a loop": "for step in range(3):\n    x.grad = None\n    ...",
    "a loop in a helper defined in an earlier input": "for _ in range(steps):\n    w.grad = None\n    ...",
}

# What the learner's state holds once the shown fix is applied (worked out by hand): a .grad read is not
# merely quiet, it returns the gradient; a gradient that added up holds one pass. (expression, expected
# value or f(namespace) -> expected value)
AFTER = {
    "two parameters read in a loop": ("[b.grad.item(), *w.grad.tolist()]", [2.0, 3.0, 3.0]),  # one pass: d/db 2b... = 2
    "a product inside a helper that returns it": ("out.flatten()", [2.0, 5.0]),  # [1, 2]·[1, .5], [3, 4]·[1, .5]
    "a helper that returns the tensor it builds": ("p", [1.0, 2.0, 3.0]),
    "scalar intermediate read after backward": ("y.grad", 1.0),
    "vector intermediate printed": ("y.grad", [1.0, 1.0, 1.0]),
    "the read inside a helper defined in an earlier input": ("h.grad", [3.0, 3.0]),
    "a leaf rebound by an earlier input, w = w * 2": ("w.grad", [1.0, 1.0, 1.0]),
    "intermediate of a torch.autograd.grad user": ("y.grad", 1.0),
    "a trainable parameter scaled after randn, read later": ("w.grad", lambda ns: (2 * ns["w"]).tolist()),
    "a parameter marked with requires_grad_() and then shifted": ("w.grad", [1.0, 1.0]),
    "a parameter cast after the factory, read in a helper": ("w.grad", [2.0, 2.0]),
    "backward in a loop": ("grads", [2.0, 2.0, 2.0]),  # d(x**2)/dx at x = 1, on every step
    "a second pass over a graph that saves nothing": ("x.grad", 1.0),
    "retain_graph=True, then again": ("x.grad", 6.0),  # 2x at x = 3, once
    "vector leaf, another output": ("x.grad", [0.0, 2.0, 4.0, 6.0]),  # z = sum(x * x): 2x
    "a loop in a helper defined in an earlier input": ("seen", [18.0, 18.0, 18.0]),  # (3w)**2: 18w at w = 1
    "a graph of two statements, passed twice": ("x.grad", lambda ns: (3 * torch.exp(ns["x"])).tolist()),
}

# D2L 2.5.4's f, stopped by the time limit when it starts from 0
D2L_F = ("def f(a):\n    b = a * 2\n    while b.norm() < 1000:\n        b = b * 2\n    if b.sum() > 0:\n"
         "        c = b\n    else:\n        c = 100 * b\n    return c\n")
LOOPS = [
    (D2L_F + "d = f(torch.tensor(0.0))", "d = f(torch.randn(size=()))", "a literal zero argument"),
    (D2L_F + "a = torch.tensor(0.0, requires_grad=True)\nd = f(a)\nd.backward()",
     "a = torch.randn(size=(), requires_grad=True)", "the zero made in an earlier input"),
    (D2L_F + "a = torch.zeros(3, requires_grad=True)\nd = f(a)\nd.sum().backward()",
     "a = torch.randn(size=(3,), requires_grad=True)", "a vector input"),
]


@pytest.mark.parametrize("script,culprit,bystander", [
    ("b = torch.zeros(3)\nw = torch.ones(3, requires_grad=True)\ny = w * 2\nb.numpy(); y.numpy()", "y", "b"),
    ("w = torch.randn(2, requires_grad=True)\nb = torch.zeros(2)\nnp.array([w, b])", "w", "b"),
    (PLOT_HELPER, "ys", "xs"),
])
def test_numpy_names_the_value_that_requires_grad(script, culprit, bystander):
    session = new_session()
    outcome = [session.submit(text) for text in split_inputs(script)][-1]
    hint = outcome.hints[0]
    assert hint.explanation.startswith(f"{culprit} requires grad"), hint.explanation
    assert f"{bystander} requires" not in hint.explanation and f"{bystander}.detach()" not in hint.fix


def situation_id(s) -> str:
    return f"{s[0]}: {s[2]}"


@pytest.mark.parametrize("hint_id,script,what", SITUATIONS, ids=[situation_id(s) for s in SITUATIONS])
def test_the_shown_fix_clears_the_mistake_on_the_same_state(hint_id, script, what):
    inputs = split_inputs(script)
    session = new_session()
    outcomes = [session.submit(text) for text in inputs]
    hint = next((h for h in outcomes[-1].hints if h.id == hint_id), None)
    assert hint is not None, [h.id for h in outcomes[-1].hints]
    assert hint.verified and hint.fix and hint.replaces, (hint.fix_words, hint.tried)
    assert hint.fix == SHOWN.get(what, hint.fix), hint.tried
    assert_the_shown_fix_is_the_edit(hint)
    # apply the edit to the learner's inputs and run them from the start
    again = assert_the_fix_clears_the_mistake(inputs, hint, hint_id)
    if what in AFTER:
        expr, expected = AFTER[what]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # reading .grad of a non-leaf warns: then it is None, caught below
            value = eval(expr, {}, dict(again.namespace))
        assert value is not None, f"{expr} is still None after the fix"
        expected = expected(again.namespace) if callable(expected) else expected
        got = value.tolist() if isinstance(value, torch.Tensor) else value
        assert got == pytest.approx(expected), (expr, got, expected)


@pytest.mark.parametrize("script,shown,what", LOOPS, ids=[w for _, _, w in LOOPS])
def test_a_runaway_loop_gets_a_random_start_where_the_zero_was_written(script, shown, what):
    inputs = split_inputs(script)
    session = new_session(timeout=0.6)
    outcomes = [session.submit(text) for text in inputs]
    stopped = next(o for o in outcomes if o.error is not None)
    hint = next((h for h in stopped.hints if h.id == "infinite-loop-control-flow"), None)
    assert hint is not None and hint.verified, (stopped.error, [h.id for h in stopped.hints])
    assert hint.fix == shown and "torch.tensor(0" not in hint.fix
    compile(hint.fix, "<fix>", "exec")
    again = new_session(timeout=0.6)
    for i, text in enumerate(inputs, start=1):
        o = again.submit(hint.replaces.get(i, text))
        assert o.ok, (o.input, o.error)


def test_inplace_saved_message_quotes_torchs_version_numbers():
    session = new_session()
    for text in split_inputs("x = torch.tensor([0.5, 1.0], requires_grad=True)\ny = x.exp()"):
        session.submit(text)
    outcome = session.submit("y.add_(1); y.mul_(2); y.sum().backward()")
    hint = outcome.hints[0]
    assert hint.id == "inplace-saved-tensor"
    assert "is at version 2; expected version 0" in outcome.error.message
    assert "version 0" in hint.explanation and "version 2" in hint.explanation
    assert hint.verified and hint.fix.startswith("y = y "), hint.fix


def test_issue_cases_quote_the_learners_line_and_fix_what_is_there():
    """x = x - 0.1 * x.grad is quoted as typed, and the fix keeps x the leaf (not x.copy_ on a non-leaf)."""
    session = new_session()
    for text in split_inputs("x = torch.tensor([1.0, -2.0], requires_grad=True)\nloss = (x ** 2).sum()\n"
                             "loss.backward()"):
        session.submit(text)
    hint = session.submit("x = x - 0.1 * x.grad").hints[0]
    assert hint.id == "manual-update-nonleaf"
    assert "x = x - 0.1 * x.grad" in hint.explanation
    assert hint.fix == "with torch.no_grad(): x -= 0.1 * x.grad" and "copy_" not in hint.fix
    # double-backward for a vector y keeps the learner's seed instead of a plain y.backward()
    session = new_session()
    for text in split_inputs("x = torch.arange(3.0, requires_grad=True)\ny = x * x\ny.backward(torch.ones_like(y))"):
        session.submit(text)
    hint = session.submit("y.backward(torch.ones_like(y))").hints[0]
    assert hint.fix.splitlines()[-1] == "y.backward(torch.ones_like(y))"
    # autograd.grad users get autograd.grad back, not .backward()
    session = new_session()
    session.submit("x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)")
    hint = session.submit("torch.autograd.grad(x ** 2, x)").hints[0]
    assert hint.fix.startswith("torch.autograd.grad(") and "backward" not in hint.fix


# -- the machinery -----------------------------------------------------------------------------------


def failed_twice():
    session = new_session()
    for text in ("x = torch.tensor(2.0, requires_grad=True)", "y = x * x", "y.backward()"):
        session.submit(text)
    outcome = session.submit("y.backward()")
    return session, outcome


def test_try_fix_rejects_the_same_mistake_and_accepts_a_real_fix():
    session, outcome = failed_twice()
    same = verify.try_fix(session, {outcome.index: "y.backward()"}, hint_id="double-backward")
    assert not same.ok and "the same error" in same.why
    fixed = verify.try_fix(session, {outcome.index: "x.grad = None\ny = x * x\ny.backward()"},
                           hint_id="double-backward")
    assert fixed.ok and fixed.why == ""
    # the learner's session is untouched: the copy did the work
    assert session.namespace["x"].grad.item() == 4.0 and session.namespace["y"].grad_fn is not None


def test_try_fix_edits_an_earlier_input_and_replays():
    session, outcome = failed_twice()
    earlier = outcome.index - 1
    result = verify.try_fix(session, {earlier: "y.backward(retain_graph=True)"}, hint_id="double-backward")
    assert result.ok, result.why


def test_try_fix_rejects_code_that_does_not_compile_or_makes_another_mistake():
    session, outcome = failed_twice()
    bad = verify.try_fix(session, {outcome.index: "y.backward("}, hint_id="double-backward")
    assert not bad.ok and "does not compile" in bad.why
    other = verify.try_fix(session, {outcome.index: "x.numpy()"}, hint_id="double-backward")
    assert not other.ok and "numpy" in other.why


def test_try_fix_runs_the_extra_check_on_the_copy():
    session, outcome = failed_twice()
    edit = {outcome.index: "x.grad = None\ny = x * x\ny.backward()"}
    seen = []

    def check(copy, corrected):
        seen.append(copy.namespace["x"].grad.item())
        return "x.grad should be 5" if copy.namespace["x"].grad.item() != 5 else None

    result = verify.try_fix(session, edit, check=check, hint_id="double-backward")
    assert not result.ok and result.why == "x.grad should be 5"
    assert verify.try_fix(session, edit, check=lambda copy, o: None, hint_id="double-backward").ok
    # the check ran in the copy (a forked child), so the parent saw nothing of it
    assert seen == [] if verify.USE_FORK else seen == [4.0]


def test_replay_without_fork_gives_the_same_answers(monkeypatch):
    session, outcome = failed_twice()
    good = {outcome.index: "x.grad = None\ny = x * x\ny.backward()"}
    assert verify.try_fix(session, good, hint_id="double-backward", fork=False).ok
    bad = verify.try_fix(session, {outcome.index: "y.backward()"}, hint_id="double-backward", fork=False)
    assert not bad.ok and "the same error" in bad.why
    assert session.namespace["x"].grad.item() == 4.0


def test_a_candidate_that_runs_forever_is_stopped_within_the_limit(capfd):
    session, outcome = failed_twice()
    started = time.monotonic()
    result = verify.try_fix(session, {outcome.index: "print('hello from the copy')\nwhile True:\n    pass"},
                            hint_id="double-backward", limit=0.5)
    assert not result.ok and "did not finish within 0.5 s" in result.why
    assert time.monotonic() - started < 3.0
    assert "hello from the copy" not in capfd.readouterr().out  # the copy's output goes nowhere


def test_when_no_candidate_passes_the_hint_says_what_to_change_in_words(monkeypatch):
    from tutor.hints import fixes

    real = fixes.prove

    def only_wrong(hint, candidates, try_fix, words, deadline=None):
        wrong = [fixes.Candidate("x.numpy()", {c_index: "x.numpy()"}) for c_index in
                 {i for c in candidates for i in c.replaces}]
        return real(hint, wrong, try_fix, words, deadline)

    monkeypatch.setattr(fixes, "prove", only_wrong)
    _, outcome = failed_twice()
    hint = outcome.hints[0]
    assert hint.id == "double-backward" and not hint.verified and hint.fix == "" and hint.replaces == {}
    assert "again" in hint.fix_words and hint.tried and "numpy" in hint.tried[0][1]


def test_a_shown_fix_must_compile(monkeypatch):
    """The suite-wide guard (tests/conftest.py): code under fix: that does not compile is recorded (the
    test then fails) and never shown."""
    from tutor.hints import fixes

    assert hints_pkg.BAD_FIXES == []
    monkeypatch.setattr(fixes, "compiles", lambda code: True)  # plant the bug: skip the compile check
    real = fixes.prove

    def broken(hint, candidates, try_fix, words, deadline=None):
        real(hint, candidates, try_fix, words, deadline)
        hint.fix = hint.fix + " (("  # and show something that is not Python

    monkeypatch.setattr(fixes, "prove", broken)
    _, outcome = failed_twice()
    assert outcome.hints[0].fix == "" and not outcome.hints[0].verified
    assert [i for i, _ in hints_pkg.BAD_FIXES] == ["double-backward"]
    hints_pkg.BAD_FIXES.clear()  # the guard worked; let this test pass


def test_explain_lists_the_candidates_that_failed_and_why():
    session = new_session()
    for text in split_inputs("x = torch.tensor([1.0, 2.0], requires_grad=True)\nh = torch.exp(x)\n"
                             "for step in range(2):\n    loss = (h * 3).sum()\n    loss.backward()"):
        session.submit(text)
    from tutor.render import outcome_text

    shown = outcome_text(session.submit("%explain"), width=100)
    assert "Fix, tried on a copy of your session:" in shown
    hint = session.state[hints_pkg.STATE_KEY]["hints"][0]
    for code, why in hint.tried:
        assert why in shown


OWN_WORDS = [s for s in SITUATIONS if s[0] in ("attribute-called", "inplace-via-data", "numpy-on-requires-grad")]


@pytest.mark.parametrize("hint_id,script,what", OWN_WORDS, ids=[situation_id(s) for s in OWN_WORDS])
def test_new_ids_say_what_to_change_in_their_own_words(hint_id, script, what):
    session = new_session()
    hint = next(h for h in [session.submit(t) for t in split_inputs(script)][-1].hints if h.id == hint_id)
    assert hint.fix_words and "%explain" not in hint.fix_words, hint.fix_words


def _hint(outcome, hint_id):
    return next(h for h in outcome.hints if h.id == hint_id)


def test_a_fix_that_stands_for_an_input_that_already_ran_says_which_and_typing_it_now_would_fail():
    """The verified edit replaces `w = w - 0.1 * w.grad`; typed after it, the same code raises (w is no
    longer the leaf and its .grad is None), so the hint must say what it stands in for."""
    from tutor.render import fix_label

    session = new_session()
    outs = [session.submit(t) for t in split_inputs(
        "w = torch.tensor([1.0, 2.0], requires_grad=True)\nloss = (w ** 2).sum()\nloss.backward()")]
    rebind = session.submit("w = w - 0.1 * w.grad")
    hint = _hint(rebind, "manual-update-nonleaf")
    assert hint.verified and hint.fix and sorted(hint.replaces) == [rebind.index]
    assert hint.fix_in_place_of == "`w = w - 0.1 * w.grad`, which already ran: start again from before it"
    assert "in place of `w = w - 0.1 * w.grad`" in fix_label(hint)
    session.submit("loss = (w ** 2).sum()")
    session.submit("loss.backward()")
    later = session.submit("w.grad")
    hint = _hint(later, "manual-update-nonleaf")
    assert hint.fix and min(hint.replaces) < later.index
    assert hint.fix_in_place_of.startswith("`w = w - 0.1 * w.grad`")
    assert hint.fix_in_place_of.endswith(", then run the inputs after it again")
    assert outs[-1].ok
    # typed now, the fix fails (w is no longer the leaf): that is why the hint says what it replaces;
    # and trying it must not change how the rebinding line is quoted (not `w = 0.1 * w.grad`)
    typed_now = session.submit(hint.fix)
    assert typed_now.error is not None
    hint = _hint(typed_now, "manual-update-nonleaf")
    assert hint.explanation.startswith("w = w - 0.1 * w.grad was recorded"), hint.explanation


def test_a_fix_for_the_input_that_just_raised_is_simply_typed_next():
    from tutor.render import fix_label

    session = new_session()
    session.submit("x = torch.arange(4.0, requires_grad=True)")
    session.submit("y = x * x")
    out = session.submit("y.backward()")
    hint = _hint(out, "non-scalar-backward")
    assert hint.verified and hint.fix_in_place_of == ""
    assert fix_label(hint) == "fix, tried on a copy of your session:"
    assert session.submit(hint.fix).error is None  # typed right after the failed input, it works


def test_a_nonleaf_fix_is_proven_by_the_grad_it_fills_not_by_the_silence():
    """Reading .grad of a non-leaf gives None and a warning, no error: a candidate that drops the read (the
    old `y.retain_grad()` typed in place of `y.grad`, after backward) runs cleanly and the hint no longer
    fires, yet y.grad is still None. The proof must reject it and keep the one that fills y.grad."""
    from tutor.hints import fixes
    from tutor.hints.rules.leaf import grad_filled

    session = new_session()
    for text in split_inputs("x = torch.tensor(2.0, requires_grad=True)\ny = x * 3\ny.backward()"):
        session.submit(text)
    read = session.submit("y.grad")
    hint = _hint(read, "nonleaf-grad-access")
    quiet = fixes.Candidate("y.retain_grad()", {read.index: "y.retain_grad()"}, check=grad_filled("y"))
    right = fixes.Candidate("y = x * 3\ny.retain_grad()", {2: "y = x * 3\ny.retain_grad()"}, check=grad_filled("y"))
    fixes.prove(hint, [quiet, right], session.scene(read).try_fix, "words")
    assert hint.fix == right.shown and hint.replaces == right.replaces, hint.tried
    assert hint.tried == [("y.retain_grad()", "y.grad is still None")]


def test_the_parameter_case_quotes_the_line_as_typed_and_rebuilds_it_where_it_was_made():
    session = new_session()
    made = session.submit("w = torch.randn(3,requires_grad=True)*0.01")
    at_once = _hint(made, "nonleaf-by-construction")
    assert at_once.fix == "w = (torch.randn(3) * 0.01).requires_grad_()" and at_once.verified
    session.submit("loss = (w ** 2).sum()")
    session.submit("loss.backward()")
    read = session.submit("print(w.grad)")
    hint = _hint(read, "nonleaf-by-construction")
    assert hint.explanation.startswith("w = torch.randn(3,requires_grad=True)*0.01: "), hint.explanation
    assert "retain_grad" not in hint.fix
    # one voice: the same fix where the parameter was made and where its .grad is read, and it says which
    # input it stands in for (typed now it would make a fresh leaf whose .grad is None)
    assert hint.fix == at_once.fix and sorted(hint.replaces) == [made.index]
    assert hint.fix_in_place_of.startswith("`w = torch.randn(3,requires_grad=True)*0.01`, then run")


ADDED_UP = [s for s in SITUATIONS if s[0] == "grad-accumulation" and "loop" not in s[2]]


@pytest.mark.parametrize("hint_id,script,what", ADDED_UP, ids=[situation_id(s) for s in ADDED_UP])
def test_a_gradient_that_added_up_gets_a_fix_to_type_now(hint_id, script, what):
    """The doubled .grad came from the input that just ran: the fix is the next thing to type (no 'in place
    of'), and typing it in the learner's own session leaves the gradient of one pass."""
    from tutor.render import fix_label

    session = new_session()
    outcome = [session.submit(text) for text in split_inputs(script)][-1]
    hint = _hint(outcome, hint_id)
    assert hint.verified and hint.fix_in_place_of == "", (hint.fix, hint.fix_in_place_of)
    assert fix_label(hint) == "fix, tried on a copy of your session:"
    typed = session.submit(hint.fix)
    assert typed.ok and hint_id not in [h.id for h in typed.hints], (typed.error, typed.hints)
    expr, expected = AFTER[what]
    expected = expected(session.namespace) if callable(expected) else expected
    assert eval(expr, {}, dict(session.namespace)).tolist() == pytest.approx(expected)


def test_an_accumulation_fix_is_proven_by_the_gradient_of_one_pass():
    """A reset anywhere in the input quiets the hint, so a candidate that resets after the pass (x.grad
    None) or before two passes (x.grad doubled) looks clean; the proof compares x.grad with what the
    learner's pass added (12 - 6 = 6) and keeps only the fix that leaves exactly that."""
    from tutor.hints import fixes
    from tutor.hints.rules.accumulation import one_pass

    session = new_session()
    for text in split_inputs("x = torch.tensor(3.0, requires_grad=True)\ny = x ** 2\ny.backward(retain_graph=True)"):
        session.submit(text)
    again = session.submit("y.backward(retain_graph=True)")
    hint = _hint(again, "grad-accumulation")
    check = one_pass([g for g in again.gradients if g.name == "x"])
    after = fixes.Candidate("x.grad = None", {again.index: "y.backward(retain_graph=True)\nx.grad = None"}, check=check)
    twice = fixes.Candidate("x.grad = None\ny.backward(retain_graph=True)\ny.backward(retain_graph=True)",
                            {again.index: "x.grad = None\ny.backward(retain_graph=True)\ny.backward(retain_graph=True)"},
                            check=check)
    right = fixes.Candidate("x.grad = None\ny.backward(retain_graph=True)",
                            {again.index: "x.grad = None\ny.backward(retain_graph=True)"}, check=check)
    fixes.prove(hint, [after, twice, right], session.scene(again).try_fix, "words")
    assert hint.fix == right.shown, hint.tried
    assert [why for _, why in hint.tried] == ["x.grad is None after the fix: no backward pass filled it",
                                              "x.grad is 12, not the one pass's 6"]
