"""Diagnosis through function boundaries and earlier inputs (tutor/hints/reach.py, rules/calls.py,
rules/pyvalues.py): each class of mistake at the top level and inside a helper, correct code that looks
alike, and the fixes the hints show, run."""

from __future__ import annotations

import pytest

import tutor.hints as hints_pkg
from tutor.runner import split_inputs
from tutor.session import Session


@pytest.fixture(autouse=True)
def strict(monkeypatch):
    monkeypatch.setattr(hints_pkg, "STRICT", True)


def run(script: str, numbered: bool = False):
    session = Session(timeout=10)
    if numbered:  # a front that numbers its inputs (a notebook's In [n])
        session.input_label = lambda n: f"In [{n}]"
    session.ensure_torch()
    outcomes = [session.submit(text) for text in split_inputs(script)]
    return session, outcomes


def ids(outcomes) -> list[str]:
    return [h.id for o in outcomes for h in o.hints]


def last_hint(outcomes):
    hinted = [o for o in outcomes if o.hints]
    assert hinted, [(o.input, o.error) for o in outcomes]
    return hinted[-1].hints[0]


# Each case: (id, script, words the explanation must contain). Top level and inside a helper.
CASES = [
    # a decorator switches recording off: as a method, two calls deep, and at the top level
    ("no-grad-then-backward", """\
class Line:
    def __init__(self):
        self.k = torch.tensor(0.5, requires_grad=True)
    @torch.no_grad()
    def __call__(self, t):
        return self.k * t
line = Line()
out = line(torch.arange(3.0)).pow(2).sum()
out.backward()
""", ["@torch.no_grad()", "__call__()", "In [1]"]),
    ("inference-mode-backward", """\
@torch.inference_mode()
def features(t):
    return torch.tanh(t)
def head(t, w):
    return (features(t) * w).sum()
w = torch.ones(3, requires_grad=True)
w2 = w * 2
head(w2, 1.0).backward()
""", ["@torch.inference_mode()", "features()"]),
    ("no-grad-then-backward", """\
w = torch.tensor([1.0, 2.0], requires_grad=True)
def report(w):
    with torch.no_grad():
        s = (w * 3).sum()
    return s
report(w).backward()
""", ["with torch.no_grad()", "report()"]),
    ("no-grad-then-backward", """\
torch.set_grad_enabled(False)
w = torch.tensor(3.0, requires_grad=True)
l = w ** 2
torch.set_grad_enabled(True)
l.backward()
""", ["In [1]", "In [3]", "set_grad_enabled(False)"]),
    # a second derivative without create_graph=True: top level (tuple index) and a helper used twice
    ("grad-of-grad-no-create-graph", """\
x = torch.tensor([0.5, 1.0], requires_grad=True)
first = torch.autograd.grad((x ** 4).sum(), x)
torch.autograd.grad(first[0].sum(), x)
""", ["In [2]", "create_graph=True"]),
    ("grad-of-grad-no-create-graph", """\
def ddx(fn, at):
    out = fn(at)
    return torch.autograd.grad(out.sum(), at)[0]
x = torch.linspace(0, 1, 4, requires_grad=True)
curvature = ddx(lambda t: ddx(torch.exp, t), x)
""", ["ddx()", "create_graph=True"]),
    # .data edits between the forward and the backward pass
    ("inplace-via-data", """\
p = torch.tensor([2.0, -1.0], requires_grad=True)
e = p.exp()
s = (e * p).sum()
p.data += 1.0
s.backward()
""", ["In [4]", "p.data += 1.0", "version"]),
    ("inplace-via-data", """\
def renormalise(t):
    t.data /= t.data.norm()
v = torch.tensor([3.0, 4.0], requires_grad=True)
energy = (v * v).sum()
renormalise(v)
energy.backward()
""", ["In [4]", "renormalise(v)", "t.data /= t.data.norm()"]),
    # attributes called like methods
    ("attribute-called", "z = torch.zeros(3, requires_grad=True)\nif z.is_leaf():\n    print('leaf')\n",
     ["z.is_leaf", "bool"]),
    ("attribute-called", """\
def describe(t):
    return f"{t.shape()} {t.dtype}"
describe(torch.ones(2, 2))
""", ["t.shape", "torch.Size"]),
    # a Python number asked for backward()
    ("item-breaks-graph", "a = torch.tensor(1.5, requires_grad=True)\nloss = (a ** 2).item() + 1\nloss.backward()\n",
     ["In [2]", ".item()"]),
    ("item-breaks-graph", """\
def objective(t):
    value = (t - 2) ** 2
    return value.item()
t = torch.tensor(0.0, requires_grad=True)
objective(t).backward()
""", ["objective()"]),
    # Python floats compared exactly
    ("float-equality-check", "q = torch.tensor(0.3, requires_grad=True)\n(q ** 2).backward()\n"
     "q.grad.item() == 2 * 0.3\n", ["0.6", "math.isclose"]),
    ("float-equality-check", """\
def same(t, expected):
    return bool((t.grad == expected).all())
r = torch.linspace(0.1, 3, 30, requires_grad=True)
torch.sin(r).sum().backward()
same(r, torch.cos(r.detach().double()).float() + 1e-7)
""", ["same()", "allclose"]),
    # gradients adding up: a helper called twice, and a loop that reads .grad
    ("grad-accumulation", """\
u = torch.tensor([1.0, 2.0], requires_grad=True)
def step(f):
    f(u).backward()
    return u.grad.clone()
step(lambda t: (t ** 2).sum())
step(lambda t: t.sum())
""", ["already held [2, 4]", "In [3]", "step()"]),
    ("grad-accumulation", """\
v = torch.tensor(1.0, requires_grad=True)
seen = []
for k in range(1, 4):
    (k * v ** 2).backward()
    seen.append(float(v.grad))
""", ["running sum", "v.grad"]),
    # requires_grad switched on after the forward pass
    ("requires-grad-too-late", """\
scale = torch.tensor(2.0)
offset = torch.tensor(1.0, requires_grad=True)
out = scale * 3 + offset
scale.requires_grad = True
out.backward()
scale.grad
""", ["In [3]", "In [4]", "scale.grad is None"]),
    ("requires-grad-too-late", """\
def fit(weight, bias):
    err = ((weight * 2 + bias - 1) ** 2).sum()
    bias.requires_grad = True
    err.backward()
    return weight.grad, bias.grad
wt = torch.tensor([0.5, 1.5], requires_grad=True)
bs = torch.zeros(2)
fit(wt, bs)
""", ["fit()", "bias.requires_grad = True", "bs.grad None"]),
    # a helper returning the tuple of torch.autograd.grad
    ("grad-returns-tuple", """\
def gradient(fn, at):
    at = at.detach().requires_grad_()
    return torch.autograd.grad(fn(at), at)
g = gradient(lambda t: t ** 3, torch.tensor(2.0))
g + 1
""", ["gradient()", "tuple"]),
    # torch.tensor of a tensor expression inside a helper
    ("tensor-copy-construct", """\
def loss_of(w):
    return torch.tensor((w - 1) ** 2)
w = torch.tensor(3.0, requires_grad=True)
loss_of(w).backward()
""", ["loss_of()", "copies"]),
    # an update assigned to a helper's own name: the caller's tensors never change
    ("update-rebinds-name", """\
class Model:
    def __init__(self):
        self.w = torch.randn(2, requires_grad=True)
        self.b = torch.zeros(1, requires_grad=True)
    def params(self):
        return [self.w, self.b]
def update(ps, lr=0.05):
    for q in ps:
        if q.grad is not None:
            q = q - lr * q.grad
m = Model()
X = torch.randn(8, 2)
for epoch in range(2):
    loss = ((X @ m.w + m.b) ** 2).mean()
    loss.backward()
    update(m.params())
""", ["`q = q - lr * q.grad`", "update()", "m.params()", "In [2]"]),
    ("update-rebinds-name", """\
def gd(w, b, lr):
    w, b = w - lr * w.grad, b - lr * b.grad
w = torch.tensor([0.3, -0.2], requires_grad=True)
b = torch.tensor(0.0, requires_grad=True)
((w.sum() + b) ** 2).backward()
gd(w, b, 0.5)
""", ["gd()", "w", "In [1]"]),
]


@pytest.mark.parametrize("hint_id,script,words", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_mistake_through_functions_and_inputs(hint_id, script, words):
    _, outcomes = run(script, numbered=True)
    hint = last_hint(outcomes)
    assert hint.id == hint_id, (hint.id, hint.explanation)
    text = hint.explanation + " " + hint.fix + " " + hint.fix_words
    for word in words:
        assert word in text, (word, text)
    # one voice: the generic no-graph hint is replaced, not shown next to the precise one
    assert "backward-no-grad-fn" not in ids(outcomes)


CORRECT = [
    # decorators used where they belong
    """\
@torch.no_grad()
def accuracy(w, X, y):
    return ((X @ w > 0) == y).float().mean().item()
w = torch.randn(3, requires_grad=True)
X, y = torch.randn(5, 3), torch.tensor([True, False, True, True, False])
loss = ((X @ w) ** 2).mean()
loss.backward()
accuracy(w, X, y)
""",
    # create_graph=True in the helper
    """\
def d(fn, at):
    return torch.autograd.grad(fn(at).sum(), at, create_graph=True)[0]
x = torch.linspace(0, 1, 4, requires_grad=True)
torch.allclose(d(lambda t: d(torch.sin, t), x), -torch.sin(x))
""",
    # .data edited after the backward pass, then a fresh forward
    """\
p = torch.tensor([2.0, -1.0], requires_grad=True)
for _ in range(2):
    s = (p.exp() * p).sum()
    s.backward()
    p.data -= 0.1 * p.grad
    p.grad = None
p
""",
    # a helper that zeroes gradients, called repeatedly
    """\
u = torch.tensor([1.0, 2.0], requires_grad=True)
def step(f):
    u.grad = None
    f(u).backward()
    return u.grad.clone()
step(lambda t: (t ** 2).sum())
step(lambda t: t.sum())
""",
    # per-element backward summing into disjoint entries: the total is the derivative
    """\
x = torch.linspace(-1, 1, 5, requires_grad=True)
y = torch.tanh(x)
for i in range(5):
    y[i].backward(retain_graph=True)
torch.allclose(x.grad, 1 - torch.tanh(x.detach()) ** 2)
""",
    # requires_grad switched on first in the helper, then the loss
    """\
def fit(weight, bias):
    bias.requires_grad_()
    err = ((weight * 2 + bias - 1) ** 2).sum()
    err.backward()
    return bias.grad
fit(torch.tensor([0.5, 1.5], requires_grad=True), torch.zeros(2))
""",
    # tolerance comparisons on Python floats, .item() only for printing
    """\
q = torch.tensor(0.3, requires_grad=True)
(q ** 2).backward()
print(f"{q.grad.item():.4f}")
abs(q.grad.item() - 0.6) < 1e-6
""",
    # attributes read without parentheses, requires_grad_() the method
    """\
z = torch.zeros(3)
z.requires_grad_()
(z.requires_grad, z.is_leaf, z.shape, z.size())
""",
    # a loop variable bound to its gradient only to look at it: not an update
    """\
w = torch.ones(2, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
(w.sum() * 3 + b).sum().backward()
for p in [w, b]:
    p = p.grad
    print(p.norm().item())
""",
    # updates that do change the caller's tensors (or hand the new one back)
    """\
def sgd(params, lr):
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad.zero_()
def step(w, lr):
    return (w - lr * w.grad).detach().requires_grad_()
def moved(ps, lr):
    out = []
    for p in ps:
        p = p.detach() - lr * p.grad
        out.append(p)
    return out
w = torch.tensor([1.0, -1.0], requires_grad=True)
(w ** 2).sum().backward()
sgd([w], 0.1)
(w ** 2).sum().backward()
w = step(w, 0.1)
(w ** 2).sum().backward()
new = moved([w], 0.1)
for p in [w]:
    p.data = p.data - 0.1 * p.grad
w
""",
]


@pytest.mark.parametrize("script", CORRECT)
def test_correct_code_through_functions_gets_no_hint(script):
    _, outcomes = run(script)
    assert all(o.ok for o in outcomes), [(o.input, o.error) for o in outcomes]
    assert ids(outcomes) == []


# -- the fixes the hints show, run ----------------------------------------------------------------


def apply(script: str, hint) -> list[str]:
    """The script's inputs with the hint's verified edit applied ({input index: corrected input})."""
    inputs = split_inputs(script)
    assert hint.verified and hint.replaces, (hint.id, hint.fix_words, hint.tried)
    return [hint.replaces.get(i, text) for i, text in enumerate(inputs, start=1)]


def test_grad_of_grad_fix_runs():
    script = "x = torch.tensor([0.5, 1.0], requires_grad=True)\nfirst = torch.autograd.grad((x ** 4).sum(), x)\n" \
             "torch.autograd.grad(first[0].sum(), x)\n"
    _, outcomes = run(script)
    hint = last_hint(outcomes)
    assert "create_graph=True" in hint.fix
    _, again = run("\n".join(apply(script, hint)))
    assert all(o.ok for o in again) and ids(again) == []
    assert again[-1].value[0].tolist() == pytest.approx([12 * 0.25, 12 * 1.0])


def test_attribute_fix_runs():
    script = "z = torch.zeros(3, requires_grad=True)\nz.requires_grad()\n"
    _, outcomes = run(script)
    _, again = run("\n".join(apply(script, last_hint(outcomes))))
    assert again[-1].ok and again[-1].value is True and ids(again) == []


def test_data_fix_recomputes_and_gives_the_true_gradient():
    script = "p = torch.tensor([2.0, -1.0], requires_grad=True)\ne = p.exp()\ns = (e * p).sum()\np.data += 1.0\n"
    _, outcomes = run(script + "s.backward()\n")
    hint = last_hint(outcomes)
    assert hint.id == "inplace-via-data"
    wrong = outcomes[-1].gradients[0].new
    assert hint.fix.startswith("e = p.exp(); s = ")
    _, again = run("\n".join(apply(script + "s.backward()\n", hint)))
    assert ids(again) == []
    import torch

    p = torch.tensor([3.0, 0.0])
    assert again[-1].gradients[0].new.tolist() == pytest.approx((p.exp() * (1 + p)).tolist())
    assert wrong.tolist() != pytest.approx(again[-1].gradients[0].new.tolist())


def test_requires_grad_too_late_fix_runs():
    script = "scale = torch.tensor(2.0)\noffset = torch.tensor(1.0, requires_grad=True)\nout = scale * 3 + offset\n" \
             "scale.requires_grad = True\nout.backward()\n"
    _, outcomes = run(script + "scale.grad\n")
    hint = last_hint(outcomes)
    # the verified edit: out computed again right before the backward pass, in place of `out.backward()`
    assert hint.fix == "out = scale * 3 + offset\nout.backward()" and sorted(hint.replaces) == [5]
    inputs = split_inputs(script + "scale.grad\n")
    _, again = run("\n".join(hint.replaces.get(i, text) for i, text in enumerate(inputs, start=1)) + "\n")
    assert ids(again) == [] and again[-1].value.item() == 3.0


def test_python_float_fix_runs():
    script = "q = torch.tensor(0.3, requires_grad=True)\n(q ** 2).backward()\n"
    _, outcomes = run(script + "q.grad.item() == 2 * 0.3\n")
    assert outcomes[-1].value is False
    fix = last_hint(outcomes).fix.split("  #")[0]
    _, again = run(script + fix + "\n")
    assert again[-1].value is True and ids(again) == []


def test_grad_tuple_fix_runs():
    script = "def gradient(fn, at):\n    at = at.detach().requires_grad_()\n    return torch.autograd.grad(fn(at), at)\n"
    _, outcomes = run(script + "g = gradient(lambda t: t ** 3, torch.tensor(2.0))\ng + 1\n")
    fix = last_hint(outcomes).fix.split("  #")[0]
    _, again = run(script + fix + "\ng + 1\n")
    assert ids(again) == [] and again[-1].value.item() == 13.0


def test_hints_name_the_earlier_input_by_number():
    _, outcomes = run(numbered=True, script="""\
@torch.no_grad()
def mse(w, X, y):
    return ((X @ w - y) ** 2).mean()
w = torch.zeros(2, requires_grad=True)
loss = mse(w, torch.ones(3, 2), torch.ones(3))
loss.backward()
""")
    hint = last_hint(outcomes)
    assert hint.id == "no-grad-then-backward"
    assert "mse()" in hint.explanation and "(defined in In [1])" in hint.explanation


def test_an_unnumbered_front_names_the_code_not_a_number():
    """The shell and run show no input numbers: the hint quotes the code instead."""
    script = "torch.set_grad_enabled(False)\nw = torch.tensor(3.0, requires_grad=True)\nl = w ** 2\n" \
             "torch.set_grad_enabled(True)\nl.backward()\n"
    plain = last_hint(run(script)[1]).explanation
    assert "`torch.set_grad_enabled(False)`" in plain and "l = w ** 2" in plain and "[" not in plain
    numbered = last_hint(run(script, numbered=True)[1]).explanation
    assert "in In [1]" in numbered and "l = w ** 2 in In [3]" in numbered


def test_update_fix_changes_the_callers_tensors():
    """The shown fix for an update that only rebinds a loop variable, applied: the learner's own w and b
    move by -lr * grad (the hand-computed gradient of this loss), where before they did not move."""
    script = ("def sgd(params, lr):\n    for p in params:\n        p = p - lr * p.grad\n"
              "w = torch.tensor([1.0, -2.0], requires_grad=True)\nb = torch.tensor([0.5], requires_grad=True)\n"
              "loss = ((w * w).sum() + 3 * b).sum()\nloss.backward()\nsgd([w, b], 0.1)\n(w, b)\n")
    _, outcomes = run(script)
    hint = next(h for o in outcomes for h in o.hints if h.id == "update-rebinds-name")
    assert outcomes[-1].value[0].tolist() == [1.0, -2.0]  # the mistake: nothing moved
    assert hint.fix == "with torch.no_grad():\n    p -= lr * p.grad"
    _, again = run("\n".join(apply(script, hint)))
    assert all(o.ok for o in again) and "update-rebinds-name" not in ids(again)
    w, b = again[-1].value
    assert w.tolist() == pytest.approx([1.0 - 0.1 * 2.0, -2.0 - 0.1 * -4.0])
    assert b.tolist() == pytest.approx([0.5 - 0.1 * 3.0])


D2L_253 = ("x = torch.arange(4.0, requires_grad=True)\ny = x * x\nu = y.detach()\nz = u * x\nz.sum().backward()\n"
           "x.grad == u\n{reset}y.sum().backward()\nx.grad == 2 * x\n")


def test_a_comparison_after_two_passes_blames_the_sum_not_the_detach():
    """D2L 2.5.3 without the second x.grad.zero_(): x.grad holds z's pass plus y's, so `x.grad == 2 * x` is
    False because of accumulation (u played no part in y's pass). The fix, applied, makes it True."""
    script = D2L_253.format(reset="")
    _, outcomes = run(script)
    last = outcomes[-1]
    assert last.value.tolist() == [True, False, False, False]
    hint = last.hints[0]
    assert hint.id == "grad-accumulation" and "detach-semantics" not in ids([last]), ids([last])
    assert "sum of 2 backward passes" in hint.explanation and "z.sum().backward(), then y.sum().backward()" \
        in hint.explanation, hint.explanation
    _, again = run("\n".join(apply(script, hint)))
    assert all(o.ok for o in again) and again[-1].value.tolist() == [True] * 4 and ids(again[-2:]) == []


def test_the_book_code_with_its_resets_gets_no_hint_and_one_pass_through_u_still_blames_detach():
    _, outcomes = run(D2L_253.format(reset="x.grad.zero_()\n"))
    assert outcomes[5].value.tolist() == [True] * 4 and outcomes[-1].value.tolist() == [True] * 4
    assert ids(outcomes) == []
    _, outcomes = run("x = torch.arange(4.0, requires_grad=True)\ny = x * x\nu = y.detach()\nz = u * x\n"
                      "z.sum().backward()\nx.grad == 3 * x * x\n")
    assert outcomes[-1].hints[0].id == "detach-semantics"


def test_second_derivative_through_a_subscripted_grad_call_names_it_and_its_fix_gives_minus_sin():
    """Forum shape: dy = torch.autograd.grad(y.sum(), x)[0], then grad of dy.sum(). The hint names dy (not
    the call twice); its fix edits the input that made dy and, replayed, gives d2y = -sin(x)."""
    script = ("x = torch.linspace(-3, 3, 7, requires_grad=True)\ny = torch.sin(x)\n"
              "dy = torch.autograd.grad(y.sum(), x)[0]\nd2y = torch.autograd.grad(dy.sum(), x)[0]\nd2y\n")
    _, outcomes = run(script)
    hint = outcomes[3].hints[0]
    assert hint.id == "grad-of-grad-no-create-graph"
    assert "dy came from torch.autograd.grad(y.sum(), x) without create_graph=True" in hint.explanation, \
        hint.explanation
    assert hint.fix == "dy = torch.autograd.grad(y.sum(), x, create_graph=True)[0]" and list(hint.replaces) == [3]
    _, again = run("\n".join(apply(script, hint)))
    assert all(o.ok for o in again) and ids(again) == []
    import torch

    assert again[-1].value.tolist() == pytest.approx((-torch.sin(torch.linspace(-3, 3, 7))).tolist(), abs=1e-6)


def test_the_tuple_named_is_the_one_whose_attribute_was_read_and_its_unpacking_is_proven():
    """Two tuples from torch.autograd.grad on one line, `.item()` read on the first: the hint names dy (the
    value the error is about, found by the attribute read), not d2y; the fix unpacks dy where it was made."""
    script = ("x = torch.tensor([2.0], requires_grad=True)\ny = x ** 3\n"
              "dy = torch.autograd.grad(y, x, create_graph=True)\nd2y = torch.autograd.grad(dy, x)\n"
              "print(dy.item(), d2y)\n")
    _, outcomes = run(script)
    hint = outcomes[-1].hints[0]
    assert hint.id == "grad-returns-tuple" and hint.explanation.startswith("dy is the tuple"), hint.explanation
    assert hint.fix == "(dy,) = torch.autograd.grad(y, x, create_graph=True)" and list(hint.replaces) == [3]
    _, again = run("\n".join(apply(script, hint)))
    assert all(o.ok for o in again) and ids(again) == []
    assert again[-1].stdout.startswith("12.0 (tensor([12.]),)"), again[-1].stdout


def test_zeroing_two_grads_before_the_first_backward_is_fixed_in_every_place_at_once():
    """A training loop that zeroes w.grad and b.grad before the first backward: replacing only the line
    that raised would make b's line raise next, so the proven fix rewrites both, shown in the loop; applied,
    the loop trains (w and b end where the same loop with .grad = None takes them, computed here by hand)."""
    script = ("w = torch.tensor([[0.5], [-0.5]], requires_grad=True)\nb = torch.zeros(1, requires_grad=True)\n"
              "X = torch.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])\ny = X @ torch.tensor([[2.0], [-3.4]]) + 4.2\n"
              "for epoch in range(3):\n    w.grad.zero_()\n    b.grad.zero_()\n    l = ((X @ w + b - y) ** 2).mean()\n"
              "    l.backward()\n    with torch.no_grad():\n        w -= 0.1 * w.grad\n        b -= 0.1 * b.grad\n")
    _, outcomes = run(script)
    hint = outcomes[-1].hints[0]
    assert hint.id == "grad-zero-none" and hint.verified, (hint.id, hint.tried)
    assert "    w.grad = None\n    b.grad = None\n" in hint.fix and hint.fix.startswith("for epoch in range(3):")
    session, again = run("\n".join(apply(script, hint)))
    assert all(o.ok for o in again) and ids(again) == []
    import torch

    w, b = torch.tensor([[0.5], [-0.5]]), torch.zeros(1)
    X = torch.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
    y = X @ torch.tensor([[2.0], [-3.4]]) + 4.2
    for _ in range(3):  # the gradient of mean((Xw + b - y)^2), by hand
        r = X @ w + b - y
        w, b = w - 0.1 * (2 * X.T @ r / len(X)), b - 0.1 * (2 * r.mean(0))
    assert session.namespace["w"].flatten().tolist() == pytest.approx(w.flatten().tolist(), abs=1e-5)
    assert session.namespace["b"].tolist() == pytest.approx(b.tolist(), abs=1e-5)


def test_zeroing_before_any_backward_at_the_top_level_is_fixed_by_typing_none_next():
    session, outcomes = run("x = torch.ones(2, requires_grad=True)\nx.grad.zero_()\n")
    hint = outcomes[-1].hints[0]
    assert hint.id == "grad-zero-none" and hint.fix == "x.grad = None" and hint.fix_in_place_of == ""
    assert session.submit(hint.fix).ok and session.submit("(x * 3).sum().backward()").ok
    assert session.namespace["x"].grad.tolist() == [3.0, 3.0]


MODEL_CLASS = """\
class Linear:
    def __init__(self):
        self.w = torch.tensor([0.5, -0.5], requires_grad=True)
        self.b = torch.zeros(1, requires_grad=True)
    def __call__(self, X):
        return X @ self.w + self.b
    def step(self, lr):
        self.w = self.w - lr * self.w.grad
        self.b = self.b - lr * self.b.grad
model = Linear()
X = torch.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
y = X @ torch.tensor([1.0, -1.0])
for epoch in range(3):
    loss = ((model(X) - y) ** 2).mean()
    loss.backward()
    model.step(0.1)
"""


def test_a_method_that_rebinds_self_w_from_its_grad_is_named_and_fixed_in_the_class():
    """self.w = self.w - lr * self.w.grad inside a method: on the second step self.w.grad is None. The hint
    reads self.w as the failing frame saw it (a non-leaf), names the method's line (not 'no backward pass
    has reached self.w'), and its fix, proven on a copy, rewrites both updates in the class; applied, the
    model trains to the w and b of the same loop done by hand."""
    _, outcomes = run(MODEL_CLASS)
    hint = outcomes[-1].hints[0]
    assert hint.id == "manual-update-nonleaf", (hint.id, hint.explanation)
    assert hint.explanation.startswith("`self.w = self.w - lr * self.w.grad` in step() rebinds self.w"), \
        hint.explanation
    assert hint.verified and list(hint.replaces) == [1]
    assert "    self.w -= lr * self.w.grad\nself.w.grad = None" in hint.fix
    session, again = run("\n".join(apply(MODEL_CLASS, hint)))
    assert all(o.ok for o in again) and ids(again) == []
    import torch

    w, b = torch.tensor([0.5, -0.5]), torch.zeros(1)
    X = torch.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
    y = X @ torch.tensor([1.0, -1.0])
    for _ in range(3):
        r = X @ w + b - y
        w, b = w - 0.1 * (2 * X.T @ r / len(X)), b - 0.1 * (2 * r.mean())
    model = session.namespace["model"]
    assert model.w.tolist() == pytest.approx(w.tolist(), abs=1e-5)
    assert model.b.tolist() == pytest.approx(b.tolist(), abs=1e-5)
    assert model.w.is_leaf
