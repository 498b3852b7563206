"""Lesson 10: calling backward twice (D2L 2.5, exercise 2)."""

from tutor.lesson import *


def _code(source):
    """A hint that is code: a fenced block, so its lines stay lines."""
    return "```python\n" + source + "\n```"


def _used_retain_graph(ctx):
    return any("retain_graph" in text for text in ctx.inputs)


def _no_retain_graph(ctx):
    return not _used_retain_graph(ctx)


def _has_loop(ctx):
    return any(text.lstrip().startswith(("for ", "while ")) for text in ctx.inputs)


lesson = Lesson(
    id="backward-twice",
    title="Backward twice, retain_graph, and a silent doubling",
    section="2.5",
    prerequisites=["autograd-basics"],
    minutes=15,
    summary="What happens when you call backward() a second time, why, and the case that gives no error.",
    setup="x = torch.arange(4.0, requires_grad=True)",
    steps=[
        Text(
            "saved-tensors",
            """\
## Backward twice (D2L 2.5, exercise 2)

Exercise 2 of D2L 2.5 asks a short question: *what happens if you run backward twice in a row?*
The answer depends on a detail of how autograd works.

During the forward pass every recorded operation becomes a node of the graph (its `grad_fn`).
Most nodes also **save tensors** they will need later: to differentiate `torch.dot(x, x)` the
node needs `x` itself, because the derivative of x·x is 2x.

`x` is already set up for you: `x = torch.arange(4.0, requires_grad=True)`. Build the book's
function and look at its graph:

    y = 2 * torch.dot(x, x)
    y.grad_fn                  # MulBackward0 (the "2 *")
    y.grad_fn.next_functions   # leads to DotBackward0 (the dot product)

`%graph y --saved` draws the same graph and lists what each node saved for backward.
""",
            examples=["y = 2 * torch.dot(x, x)", "y.grad_fn", "y.grad_fn.next_functions", "%graph y --saved"],
            facts=[
                Fact("type((2 * torch.dot(x, x)).grad_fn).__name__", "'MulBackward0'"),
                Fact("type((2 * torch.dot(x, x)).grad_fn.next_functions[0][0]).__name__", "'DotBackward0'"),
                Fact("torch.dot(x, x).grad_fn._saved_self", "x"),
            ],
        ),
        Task(
            "first-backward",
            goal="Compute `y = 2 * torch.dot(x, x)` and call `backward()` on it once, "
                 "so that `x.grad` holds the gradient 4x.",
            checks=[grad("x", "4 * x"), calls("backward")],
            hints=[
                "Build y from x first, then ask autograd for the gradient.",
                "A scalar tensor has a method that runs the backward pass.",
                _code("y = 2 * torch.dot(x, x)\ny.backward()"),
            ],
            solution="y = 2 * torch.dot(x, x)\ny.backward()",
            wrong=["y = 2 * torch.dot(x, x)", "x.grad = 4 * x.detach()"],
            mistakes=[
                Mistake(avoids("backward"),
                        "Let autograd do the work: build y, then call y.backward(); it fills x.grad for you."),
            ],
        ),
        Predict(
            "second-call",
            code="y.backward()",
            question="`x.grad` is now [0, 4, 8, 12]. You call `y.backward()` again on the same `y`. "
                     "What happens? (a value for x.grad, or 'error')",
            kind_of_answer="error",
            expect="error",
            explanation="The first backward freed the tensors DotBackward0 had saved (x itself), and the second "
                        "pass needs them. The failed call changed nothing: x.grad is still 4x.",
            facts=[
                Fact("y.backward()", raises="RuntimeError"),
                Fact("x.grad", "4 * x"),
            ],
        ),
        Text(
            "why-freed",
            """\
## Why the second call fails

Saved tensors can be big (think of every activation of a deep network), so autograd frees them
**as soon as a backward pass has used them**. The graph's nodes are still there (`y.grad_fn` still
prints), but DotBackward0 has lost its copy of `x`, and a second pass cannot compute 2x any more.

See it with `%graph y --saved`: the structure is intact, but DotBackward0's saved tensors are now
marked as freed. Or by hand: before backward, `torch.dot(x, x).grad_fn._saved_self` is the tensor x;
after a backward pass, reading it raises the same RuntimeError.

The error message names the way out: `retain_graph=True` asks backward **not** to free what it used.
""",
            examples=["%graph y --saved", "d = torch.dot(x, x)", "d.grad_fn._saved_self"],
            facts=[
                Fact("y.grad_fn is not None", True),
                Fact("w = torch.ones(3, requires_grad=True); d = torch.dot(w, w); d.backward(); d.grad_fn._saved_self",
                     raises="RuntimeError"),
            ],
        ),
        Task(
            "retain",
            setup="x.grad = None",
            goal="(`x.grad` has been cleared for you.) Build `y = 2 * torch.dot(x, x)` again and call "
                 "`y.backward()` twice in a row **without an error**, keeping the graph alive for the second "
                 "call. Then look at `x.grad`.",
            checks=[
                calls("backward"),
                custom("used retain_graph", _used_retain_graph,
                       "keep the graph alive with retain_graph=True on the first backward call"),
                backward_calls("y", 2, retain_first=True),
                grad("x", "8 * x"),
            ],
            hints=[
                "The error message itself names the keyword argument you need.",
                "Pass retain_graph=True to the FIRST call: it is that call which would free the saved tensors.",
                _code("y = 2 * torch.dot(x, x)\ny.backward(retain_graph=True)\ny.backward()"),
            ],
            solution="y = 2 * torch.dot(x, x)\ny.backward(retain_graph=True)\ny.backward()",
            wrong=[
                "y = 2 * torch.dot(x, x)\ny.backward()\ny.backward()",
                "y = 2 * torch.dot(x, x)\ny.backward()\ny.backward(retain_graph=True)",
                "y = 2 * torch.dot(x, x)\ny.backward(retain_graph=True)",
                "y = 2 * torch.dot(x, x)\ny.backward()\ny = 2 * torch.dot(x, x)\ny.backward(retain_graph=True)",
            ],
            mistakes=[
                Mistake(raised("RuntimeError", "second time"),
                        "The first call already freed the saved tensors. retain_graph=True has to go on the "
                        "call that would free them: the first one. Rebuild y and try again."),
                Mistake(all_of(grad("x", "4 * x"), custom("used retain_graph", _used_retain_graph)),
                        "One backward so far (x.grad is 4x), and the graph is still alive. Now call "
                        "y.backward() a second time."),
                Mistake(grad("x", "4 * x"),
                        "One backward so far (x.grad is 4x), but that call freed y's graph: a second "
                        "y.backward() would raise. Rebuild y and pass retain_graph=True to the first call."),
            ],
        ),
        Predict(
            "third-call",
            code="y.backward()",
            question="It worked, and x.grad is 8x: the two gradients were **added**, as always. "
                     "What does a third `y.backward()` do now? (a value for x.grad, or 'error')",
            kind_of_answer="error",
            expect="error",
            explanation="The same error again: retain_graph=True only applies to the call it is passed to. "
                        "The second call had no retain_graph, so it freed the saved tensors.",
            facts=[Fact("x.grad", "8 * x")],
        ),
        Text(
            "sum-trap",
            """\
## The trap: some graphs never complain

Whether a second backward fails depends on which tensors the nodes saved. Some operations save
**no tensors at all**:

- `x.sum()`: the gradient of a sum is all ones, whatever x holds; SumBackward0 only keeps x's
  *shape*.
- `x + 1`: the gradient is the identity; nothing to keep.

For such a graph there is nothing to free, so a second `backward()` runs without any error, and
`x.grad` silently becomes **twice** the gradient. So if you try exercise 2 with `y = x.sum()` you
may conclude "nothing happens": pick the example with care.
""",
            facts=[
                Fact("type(x.sum().grad_fn).__name__", "'SumBackward0'"),
                Fact("[n for n in dir(x.sum().grad_fn) if n.startswith('_saved')]", ["_saved_self_sym_sizes"]),
                Fact("x.sum().grad_fn._saved_self_sym_sizes", (4,)),
                Fact("[n for n in dir((x + 1).grad_fn) if n.startswith('_saved')]", ["_saved_alpha"]),
                Fact("w = torch.ones(3, requires_grad=True); s = w.sum(); s.backward(); s.backward(); w.grad",
                     [2.0, 2.0, 2.0]),
                Fact("w = torch.ones(3, requires_grad=True); s = (w + 1).sum(); s.backward(); s.backward(); w.grad",
                     [2.0, 2.0, 2.0]),
            ],
        ),
        Task(
            "silent-double",
            setup="x.grad = None",
            goal="(`x.grad` has been cleared.) Set `y = x.sum()` and call `y.backward()` twice, with **no** "
                 "retain_graph. Confirm there is no error, and look at `x.grad`.",
            checks=[
                calls("backward"),
                custom("no retain_graph", _no_retain_graph,
                       "do it without retain_graph: the point is that this graph needs none"),
                true("type(y.grad_fn).__name__ == 'SumBackward0'", "y should be x.sum()"),
                backward_calls("y", 2),
                no_error(),
                grad("x", [2.0, 2.0, 2.0, 2.0]),
            ],
            hints=[
                "Same as before, but y is now the plain sum of x.",
                "y = x.sum(), then two backward calls.",
                _code("y = x.sum()\ny.backward()\ny.backward()"),
            ],
            solution="y = x.sum()\ny.backward()\ny.backward()",
            wrong=[
                "y = x.sum()\ny.backward()",
                "y = x.sum()\ny.backward(retain_graph=True)\ny.backward()",
                "y = 2 * torch.dot(x, x)\ny.backward()\ny.backward()",
                "y = x.sum()\ny.backward()\ny = x.sum()\ny.backward()",
            ],
            mistakes=[
                Mistake(grad("x", [1.0, 1.0, 1.0, 1.0]),
                        "That is one backward: x.grad is all ones, which is right. Now call y.backward() "
                        "a second time and watch x.grad."),
                Mistake(raised("RuntimeError", "second time"),
                        "That graph saved tensors, so it raised. Use y = x.sum(), which saves none."),
            ],
        ),
        Quiz(
            "why-silent",
            question="Why did the second `backward()` on `y = x.sum()` run without an error?",
            choices=[
                Choice("SumBackward0 saved no tensors (its gradient is all ones whatever x is), so nothing "
                       "was freed and the second pass could run.", correct=True,
                       why="Right. The freeing happens for every graph; a sum simply had nothing to lose. "
                           "The price is silent: x.grad doubled to [2, 2, 2, 2]."),
                Choice("PyTorch keeps the graph of a sum alive automatically, as if retain_graph=True.",
                       why="No: there is no special case for sums. Backward frees saved tensors the same way; "
                           "a sum just saved none."),
                Choice("x.sum() is not recorded by autograd.",
                       why="It is: y.grad_fn is SumBackward0, and the first backward filled x.grad with ones."),
                Choice("The second call did nothing.",
                       why="It did run: x.grad went from [1, 1, 1, 1] to [2, 2, 2, 2]. Gradients accumulate."),
            ],
            facts=[Fact("x.grad", [2.0, 2.0, 2.0, 2.0])],
        ),
        Quiz(
            "when-retain",
            question="When do you really need `retain_graph=True`?",
            choices=[
                Choice("In every training loop, because backward runs once per iteration.",
                       why="No: each iteration builds a new graph with its own forward pass, so nothing is "
                           "reused and nothing needs retaining."),
                Choice("When you want to backward twice through the same part of a graph, e.g. two losses "
                       "that share a computation and are differentiated one after the other.", correct=True,
                       why="Yes. (Often you can avoid it: add the losses and call backward once.)"),
                Choice("To stop gradients from accumulating in .grad.",
                       why="No: retain_graph has nothing to do with accumulation; x.grad went to 8x with it. "
                           "Clear .grad (x.grad = None or x.grad.zero_()) for that."),
                Choice("To get the .grad of a non-leaf tensor such as y.",
                       why="That is y.retain_grad(), a different method with a confusingly similar name."),
            ],
        ),
        Text(
            "loop-trigger",
            """\
## Where learners really meet this error

Nobody calls `y.backward()` twice on purpose. The usual trigger is a piece of the graph that was
built **once, outside a loop**, and then used by a backward in every pass:

```python
u = x * x                  # built once: MulBackward0 saves x
for step in range(3):
    loss = u.sum()         # a new sum each pass ... on top of the OLD u
    loss.backward()        # pass 1 works, pass 2 raises
```

The first pass frees what `u`'s node saved; the second pass needs it again. The fix is not
`retain_graph=True` but moving the forward computation **into** the loop, so that every pass builds
a fresh graph, and clearing `x.grad` at the start of each pass so the passes do not add up.
""",
            facts=[
                Fact("sorted(n for n in dir((x * x).grad_fn) if n.startswith('_saved'))", ["_saved_other", "_saved_self"]),
                Fact("w = torch.ones(3, requires_grad=True)\nu = w * w\nfor step in range(3):\n"
                     "    loss = u.sum()\n    loss.backward()", raises="RuntimeError"),
            ],
        ),
        Task(
            "fix-loop",
            setup="x.grad = None",
            goal="Write a `for` loop of 3 passes. In each pass compute `u = x * x` and `loss = u.sum()`, then "
                 "call `loss.backward()`. After the loop `x.grad` must hold the gradient of ONE pass (2x), with "
                 "no error and no retain_graph.",
            checks=[
                custom("a loop", _has_loop, "write it as a for loop of 3 passes"),
                no_error("the loop raised an error: build u inside the loop, so each pass has its own graph"),
                custom("no retain_graph", _no_retain_graph,
                       "rebuild the forward pass in each pass instead of keeping an old graph with retain_graph"),
                calls("backward"),
                grad("x", "2 * x"),
            ],
            hints=[
                "Everything that leads from x to loss should be computed inside the loop body.",
                "Start each pass by clearing the gradient: x.grad = None (what optimizer.zero_grad() does).",
                _code("for step in range(3):\n    x.grad = None\n    u = x * x\n    loss = u.sum()\n    loss.backward()"),
            ],
            solution="for step in range(3):\n    x.grad = None\n    u = x * x\n    loss = u.sum()\n    loss.backward()",
            wrong=[
                "u = x * x\nfor step in range(3):\n    loss = u.sum()\n    loss.backward()",
                "for step in range(3):\n    u = x * x\n    loss = u.sum()\n    loss.backward()",
                "u = x * x\nfor step in range(3):\n    x.grad = None\n    loss = u.sum()\n"
                "    loss.backward(retain_graph=True)",
            ],
            mistakes=[
                Mistake(raised("RuntimeError", "second time"),
                        "u = x * x was computed once, before the loop; the first pass freed what it saved. "
                        "Move it inside the loop."),
                Mistake(grad("x", "6 * x"),
                        "No error now, but the three passes added up to 6x. Clear x.grad at the start of "
                        "each pass (x.grad = None)."),
                Mistake(custom("retain_graph used", _used_retain_graph),
                        "retain_graph=True hides the problem and keeps the old graph in memory. Rebuild u "
                        "inside the loop instead."),
            ],
        ),
        Explain(
            "exercise-2",
            topics=["free", "retain", "saved", "error", "raise", "graph", "double", "twice", "accumulat", "sum"],
            question="D2L 2.5, exercise 2: you run backward twice in a row on the same output. What happens, "
                     "and why? Say what changes when the output is `2 * torch.dot(x, x)` versus `x.sum()`.",
            model_answer="""\
With y = 2 * torch.dot(x, x) the second y.backward() raises "Trying to backward through the graph a
second time": to save memory, backward frees the tensors the graph's nodes saved during the forward pass
(DotBackward0 saved x), and the second pass needs them. x.grad is left at 4x by the failed call.
Passing retain_graph=True to the first call keeps them; the second call then succeeds and, because
gradients accumulate, x.grad becomes 4x + 4x = 8x.

With y = x.sum() no error appears, because SumBackward0 needs only x's shape and saved no tensors:
the second pass runs and x.grad silently doubles to [2, 2, 2, 2]. So "no error" does not mean "no
effect". In practice the error comes from part of a graph built once outside a loop; the fix is to
rebuild the forward pass on every pass and clear .grad, not retain_graph.""",
        ),
    ],
)
