"""Lesson 8: detaching computation (D2L 2.5.3), detach vs clone, torch.no_grad, and NumPy."""

from tutor.lesson import *


def _arr_is_ndarray(ctx):
    import numpy as np

    return isinstance(ctx.namespace.get("arr"), np.ndarray)


lesson = Lesson(
    id="detaching",
    title="Detaching computation: detach(), clone() and torch.no_grad()",
    section="2.5.3",
    prerequisites=["non-scalar-backward"],
    minutes=15,
    summary="Treat part of a computation as a constant with detach(); detach vs clone; no_grad; "
            "tensors to NumPy.",
    setup="x = torch.arange(4.0, requires_grad=True)",
    steps=[
        Text(
            "why-detach",
            """\
## Cutting the graph on purpose (D2L 2.5.3)

Sometimes part of a computation should count as a **constant** for the gradient, even though it
was computed from `x`. Examples: a target value you compare against, an auxiliary quantity you
only want to read, or the frozen part of a model.

`y.detach()` gives exactly that: a tensor with the **same values** as `y`, but with no history.
It has no `grad_fn`, it does not require gradients, and anything built from it sees a plain
number where `y` used to be.

The setup gave you `x = torch.arange(4.0, requires_grad=True)`. The book's example:
`y = x * x`, then `u = y.detach()`, then `z = u * x`.
""",
            examples=["x"],
            facts=[Fact("x", [0.0, 1.0, 2.0, 3.0]), Fact("x.requires_grad", True)],
        ),
        Task(
            "make-u",
            goal="Compute `y = x * x` and make the book's `u`: a tensor with the values of `y`, but no "
                 "link back to `x`.",
            checks=[
                close("u", [0.0, 1.0, 4.0, 9.0]),
                tensor("u", shape=(4,), requires_grad=False),
                tensor("y", shape=(4,), requires_grad=True),
                true("u.grad_fn is None", "u still has a grad_fn: it is linked to x. Use y.detach()."),
            ],
            hints=[
                "First y, from x. Then one method call on y.",
                "The method's name says what it does to the graph.",
                "y = x * x\nu = y.detach()",
            ],
            solution="y = x * x\nu = y.detach()",
            wrong=["y = x * x\nu = y", "y = x * x\nu = y.clone()", "y = x * x\nu = x.detach() * x"],
            mistakes=[
                Mistake(true("u.grad_fn is not None and type(u.grad_fn).__name__ == 'CloneBackward0'", "no"),
                        "clone() copies the values but stays in the graph (u.grad_fn is CloneBackward0): "
                        "gradients would still flow through u. Use y.detach()."),
                Mistake(true("u is y", "no"),
                        "u = y only gives the same tensor a second name; it is still linked to x. "
                        "Use y.detach()."),
            ],
        ),
        Predict(
            "u-flags",
            code="u.requires_grad, u.grad_fn",
            question="What do `u.requires_grad` and `u.grad_fn` give? (answer as a pair, like (True, None))",
            kind_of_answer="value",
            expect="(False, None)",
            explanation="u does not require gradients and has no grad_fn: as far as autograd is concerned it "
                        "is a constant, like a tensor you typed in yourself.",
            facts=[Fact("y.requires_grad", True), Fact("type(y.grad_fn).__name__", "'MulBackward0'")],
        ),
        Task(
            "z-backward",
            setup="x.grad = None",
            goal="Compute the book's `z = u * x`, then fill `x.grad` with the gradient of `z.sum()`.",
            checks=[grad("x", "u"), close("z", "u * x"), calls("backward")],
            hints=[
                "z is a vector, so sum it before the backward pass.",
                "z = u * x, then z.sum().backward().",
                "z = u * x\nz.sum().backward()",
            ],
            solution="z = u * x\nz.sum().backward()",
            wrong=["z = y * x\nz.sum().backward()", "z = u * x\nz.backward()"],
            mistakes=[
                Mistake(grad("x", "3 * x.detach() ** 2"),
                        "x.grad is 3x²: you built z from y, so the gradient also flowed through y = x·x. "
                        "Build z from the detached u. (That backward also used up y's graph: start again "
                        "with `x.grad = None; y = x * x; u = y.detach()`.)"),
                Mistake(raised("RuntimeError", "implicitly created"),
                        "z is a vector: call z.sum().backward()."),
            ],
        ),
        Quiz(
            "why-u",
            question="`x.grad` equals `u`, that is x² = [0, 1, 4, 9], and not 3x² = [0, 3, 12, 27], the "
                     "derivative of x·x·x. Why?",
            choices=[
                Choice("detach() made a copy of y's values, and copying loses precision.",
                       why="The values are identical (detach does not even copy memory). The difference is "
                           "the missing history, not the numbers."),
                Choice("u is a constant to autograd, so z = u·x is linear in x and dz/dx is u.", correct=True,
                       why="Right. Only the x in u * x is tracked. The product rule's other term, which would "
                           "come through u = x², is missing because u has no history."),
                Choice("backward() only differentiates the last operation of the graph.",
                       why="backward() goes through the whole recorded graph; with z = y * x you get the "
                           "full 3x². The graph simply stops at u."),
                Choice("x.grad still held u from an earlier step.",
                       why="x.grad was cleared before this step; u appears because du/dx is treated as 0."),
            ],
            facts=[
                Fact("torch.equal(x.grad, u)", True),
                Fact("x.grad", [0.0, 1.0, 4.0, 9.0]),
                Fact("xx = torch.arange(4.0, requires_grad=True); (xx * xx * xx).sum().backward(); xx.grad",
                     [0.0, 3.0, 12.0, 27.0]),
            ],
        ),
        Task(
            "y-still-works",
            goal="Detaching made a new tensor; `y` itself still has its graph. Clear `x.grad`, then compute "
                 "the gradient of `y.sum()` with respect to `x`.",
            checks=[grad("x", "2 * x"), calls("backward")],
            hints=[
                "x.grad holds u from the last step: reset it first.",
                "x.grad.zero_() (or x.grad = None), then sum y and run backward.",
                "x.grad.zero_()\ny.sum().backward()",
            ],
            solution="x.grad.zero_()\ny.sum().backward()",
            wrong=["y.sum().backward()", "x.grad.zero_()\nu.sum().backward()"],
            mistakes=[
                Mistake(grad("x", "u + 2 * x"),
                        "x.grad is u + 2x: the new gradient landed on top of the old one. Clear x.grad "
                        "first."),
                Mistake(raised("RuntimeError", "does not require grad"),
                        "u has no graph, so there is nothing to go back through. Use y, which kept its "
                        "graph."),
                Mistake(raised("RuntimeError", "second time"),
                        "An earlier backward went through y itself (z = y * x?) and freed its graph. Rebuild "
                        "it: y = x * x; x.grad = None; then y.sum().backward()."),
            ],
            facts=[Fact("x.grad", [0.0, 2.0, 4.0, 6.0])],
        ),
        Predict(
            "u-backward",
            code="u.sum().backward()",
            question="And what does `u.sum().backward()` do? (a value, or 'error')",
            kind_of_answer="error",
            expect="error",
            explanation="u has no history: it does not require grad and has no grad_fn, so there is no "
                        "graph to walk back through.",
        ),
        Text(
            "shared-memory",
            """\
## detach() shares memory, and autograd still watches it

`y.detach()` copies nothing: `u` is a second view of the **same storage** as `y`, just without
the history. So an in-place change to `u` (say `u[0] = 100.`) changes `y` as well.

Autograd is told about it. `u` shares `y`'s **version counter**, which every in-place change
bumps (`y._version` goes from 0 to 1). If a backward pass later needs the old values of `y`
(as with `z = y * x`, whose node saved `y`), it compares versions and refuses with
'one of the variables needed for gradient computation has been modified by an inplace operation':
an error rather than a wrong gradient.

The old attribute `y.data` is the one that hides such a change: it gives the same storage with no
history *and* a separate version counter. The same `y.data[0] = 100.` goes unnoticed, and
backward silently returns a wrong gradient. Use `detach()`, not `.data`.

When you want an independent copy, with no history, write `y.detach().clone()`.
To ask whether two tensors share storage, compare `t.untyped_storage().data_ptr()`:
`data_ptr()` itself is where a tensor's first element sits, so a view that starts further in,
like `y[1:]`, has another `data_ptr()` although it shares `y`'s storage.
""",
            examples=["u.untyped_storage().data_ptr() == y.untyped_storage().data_ptr()",
                      "y[1:].data_ptr() == y.data_ptr(), "
                      "y[1:].untyped_storage().data_ptr() == y.untyped_storage().data_ptr()",
                      "y.detach().clone().untyped_storage().data_ptr() == y.untyped_storage().data_ptr()"],
            facts=[
                Fact("u.untyped_storage().data_ptr() == y.untyped_storage().data_ptr()", True),
                Fact("y.detach().clone().untyped_storage().data_ptr() == y.untyped_storage().data_ptr()", False),
                Fact("y[1:].data_ptr() == y.data_ptr()", False),
                Fact("y[1:].untyped_storage().data_ptr() == y.untyped_storage().data_ptr()", True),
                Fact("yy = torch.arange(3.0, requires_grad=True) * 1; uu = yy.detach(); uu[0] = 100.; "
                     "yy.detach()", [100.0, 1.0, 2.0]),
                # detach() shares the version counter: the in-place change is seen, and backward refuses
                Fact("xv = torch.arange(4.0, requires_grad=True); yv = xv * xv; zv = yv * xv; "
                     "uv = yv.detach(); uv[0] = 100.; yv._version", 1),
                Fact("zv.sum().backward()", raises="RuntimeError"),
                # .data does not: no error, and a wrong gradient (the true one is 3x² = [0, 3, 12, 27])
                Fact("xd = torch.arange(4.0, requires_grad=True); yd = xd * xd; zd = yd * xd; "
                     "yd.data[0] = 100.; yd._version", 0),
                Fact("zd.sum().backward(); xd.grad", [100.0, 3.0, 12.0, 27.0]),
            ],
        ),
        Quiz(
            "detach-vs-clone",
            question="A common forum question: what is the difference between `y.detach()` and `y.clone()`?",
            choices=[
                Choice("Both copy the memory; only clone() keeps the history.",
                       why="detach() does not copy: u and y share one storage."),
                Choice("clone() drops the history, detach() keeps it.",
                       why="It is the other way round: y.clone() has grad_fn CloneBackward0 and requires "
                           "grad; y.detach() has no grad_fn."),
                Choice("detach() shares y's memory and drops the history; clone() copies the memory and "
                       "keeps the history (gradients flow back through it).", correct=True,
                       why="Right. Their jobs are independent: detach is about the graph, clone about memory. "
                           "y.detach().clone() does both."),
                Choice("They are the same, clone() is just the older name.",
                       why="They differ in both memory (shared vs copied) and history (dropped vs kept)."),
            ],
            facts=[
                Fact("y.clone().requires_grad", True),
                Fact("type(y.clone().grad_fn).__name__", "'CloneBackward0'"),
                Fact("y.clone().untyped_storage().data_ptr() == y.untyped_storage().data_ptr()", False),
                Fact("y.detach().requires_grad", False),
            ],
        ),
        Predict(
            "clone-grad",
            code="x.grad = None\ny = x * x\nz = y.clone() * x\nz.sum().backward()\nx.grad",
            question="Now with clone instead of detach: `x.grad = None`, `y = x * x`, `z = y.clone() * x`, "
                     "`z.sum().backward()`. What is `x.grad`?",
            kind_of_answer="value",
            expect="[0., 3., 12., 27.]",
            explanation="3x²: clone() stays in the graph, so the gradient flows through the copy back into "
                        "y = x·x and you get the full derivative of x³.",
            facts=[Fact("x.grad", "3 * x.detach() ** 2")],
        ),
        Text(
            "no-grad",
            """\
## torch.no_grad(): switch recording off for a block

`detach()` works on one tensor. To compute a whole block **without recording**, wrap it in

    with torch.no_grad():
        ...

Every result an operation computes inside has `requires_grad == False` and no `grad_fn`, even when
built from `x`. (no_grad stops the recording of operations; it does not change flags you set
yourself: `torch.ones(2, requires_grad=True)` created inside the block still requires grad.)
Use it for code that should never be differentiated: evaluating a model, logging, and above all
**updating parameters** (the update itself must not become part of the graph). Outside the block
recording is back on (`torch.is_grad_enabled()`).
""",
            examples=["with torch.no_grad():\n    w = x * 2", "w.requires_grad, w.grad_fn", "torch.is_grad_enabled()"],
            facts=[
                Fact("torch.is_grad_enabled()", True),
                Fact("with torch.no_grad():\n    ww = (x * 2).sum()", None),
                Fact("ww.requires_grad", False),
                Fact("ww.grad_fn is None", True),
                Fact("with torch.no_grad():\n    made = torch.ones(2, requires_grad=True)", None),
                Fact("made.requires_grad, made.is_leaf", (True, True)),
            ],
        ),
        Predict(
            "no-grad-flag",
            code="with torch.no_grad():\n    v = x * x\nv.requires_grad",
            question="`x` requires grad. Inside `with torch.no_grad():` you compute `v = x * x`. What is "
                     "`v.requires_grad` afterwards?",
            kind_of_answer="value",
            expect="False",
            explanation="False: nothing is recorded inside no_grad, so v is a plain tensor with no history, "
                        "just like a detached one.",
            facts=[Fact("v.grad_fn is None", True), Fact("(x * x).requires_grad", True)],
        ),
        Task(
            "update-step",
            setup="x = torch.arange(4.0, requires_grad=True)\nloss = (x * x).sum()\nloss.backward()",
            goal="(A fresh `x` with `x.grad` = 2x for the loss (x·x).sum() is set up.) Take one gradient-"
                 "descent step **in place**: x ← x − 0.1·x.grad. Afterwards `x` must still be the same leaf "
                 "tensor that requires gradients.",
            checks=[
                close("x", [0.0, 0.8, 1.6, 2.4]),
                tensor("x", requires_grad=True, leaf=True,
                       message="x must stay a leaf that requires grad: update it in place, inside no_grad"),
            ],
            hints=[
                "Try `x -= 0.1 * x.grad` and read the error.",
                "An in-place change to a leaf that requires grad is only allowed while recording is off.",
                "with torch.no_grad():\n    x -= 0.1 * x.grad",
            ],
            solution="with torch.no_grad():\n    x -= 0.1 * x.grad",
            wrong=["x -= 0.1 * x.grad", "x = x - 0.1 * x.grad"],
            mistakes=[
                Mistake(raised("RuntimeError", "leaf Variable"),
                        "PyTorch refuses to record an in-place change to a leaf that requires grad. Do the "
                        "update with recording off: inside `with torch.no_grad():`."),
                Mistake(tensor("x", leaf=False),
                        "x = x - ... builds a NEW tensor that is part of the graph (not a leaf, so its .grad "
                        "will stay None). Update in place inside `with torch.no_grad():`."),
            ],
        ),
        Text(
            "numpy",
            """\
## Leaving PyTorch: NumPy and plots

NumPy knows nothing about graphs, so PyTorch refuses to hand over a tensor that requires
gradients: `x.numpy()` raises *Can't call numpy() on Tensor that requires grad. Use
tensor.detach().numpy() instead.* The message says it all: detach first.

The same happens, less readably, when matplotlib receives such a tensor (it calls NumPy
underneath). The tutor's own `plot(...)` helper detaches for you, but in a notebook write
`plt.plot(x.detach(), y.detach())`.
""",
            examples=["x.detach().numpy()"],
            facts=[
                Fact("x.numpy()", raises="RuntimeError"),
                Fact("type(x.detach().numpy()).__name__", "'ndarray'"),
                Fact("np.asarray(x)", raises="RuntimeError"),
                Fact("type(plot(x, x * x)).__name__ != 'NoneType'", True),
            ],
        ),
        Task(
            "to-numpy",
            setup="x = torch.arange(4.0, requires_grad=True)\ny = x * x",
            goal="(`x` and `y = x * x` are set up afresh.) Make `arr`, a NumPy array holding the values of "
                 "`y`, for instance to hand them to a plotting library.",
            checks=[
                close("arr", [0.0, 1.0, 4.0, 9.0]),
                custom("arr is a NumPy array", _arr_is_ndarray,
                       "arr should be a NumPy array (numpy.ndarray)"),
            ],
            hints=[
                "y.numpy() will complain; read what it suggests.",
                "Detach first, then convert.",
                "arr = y.detach().numpy()",
            ],
            solution="arr = y.detach().numpy()",
            wrong=["arr = y.numpy()", "arr = y.tolist()", "arr = y.detach()"],
            mistakes=[
                Mistake(raised("RuntimeError", "numpy()"),
                        "y requires grad, so .numpy() refuses. Detach first: y.detach().numpy()."),
                Mistake(custom("arr is a list", lambda ctx: isinstance(ctx.namespace.get("arr"), list)),
                        "tolist() gives a Python list, not a NumPy array: use y.detach().numpy()."),
                Mistake(tensor("arr"),
                        "arr is still a torch tensor; finish with .numpy()."),
            ],
        ),
        Text(
            "recap",
            """\
## Recap

- `u = y.detach()`: same values (same memory), no history; gradients treat u as a constant.
  With `z = u * x`, `z.sum().backward()` gives `x.grad == u`, not 3x².
- An in-place change to `u` changes `y` too, and autograd notices (shared version counter);
  `.data` would hide it and give a wrong gradient.
- Detaching does not harm `y`: its own graph still works (`y.sum().backward()` gives 2x).
- `y.clone()` copies memory but stays in the graph; `y.detach().clone()` gives an independent
  constant copy.
- `with torch.no_grad():` records nothing inside; use it for parameter updates.
- Detach before NumPy or matplotlib: `y.detach().numpy()`.

Next: Python control flow inside differentiated code (D2L 2.5.4).
""",
        ),
    ],
)
