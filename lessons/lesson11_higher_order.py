"""Lesson 11: higher-order derivatives (D2L 2.5, exercise 1)."""

from tutor.lesson import *


def _code(source):
    """A hint that is code: a fenced block, so its lines stay lines."""
    return "```python\n" + source + "\n```"


def _both(first, second):
    """A mistake check that needs two things at once (e.g. an answer is there AND autograd was not used)."""
    return custom(f"{first.describe} and {second.describe}", lambda ctx: first(ctx).passed and second(ctx).passed)

_COUNT_NODES = """\
def count_nodes(t):
    seen, todo = set(), [t.grad_fn]
    while todo:
        node = todo.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        todo.extend(f for f, _ in node.next_functions)
    return len(seen)
"""

_HESSIAN_SETUP = """\
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
def f(x):
    return torch.dot(x, x) ** 2
"""

# the Hessian of f(x) = (x.x)^2, worked out by hand: 4 (x.x) I + 8 x x^T
_HESSIAN_BY_HAND = "4 * torch.dot(x, x).detach() * torch.eye(3) + 8 * torch.outer(x, x).detach()"


def _used(word):
    return lambda ctx: any(word in text for text in ctx.inputs)


lesson = Lesson(
    id="higher-order",
    title="Higher-order derivatives and the Hessian",
    section="2.5",
    prerequisites=["backward-twice"],
    minutes=20,
    summary="Differentiate a derivative with torch.autograd.grad(create_graph=True), build a Hessian, "
            "and see why it costs more than a gradient.",
    setup="x = torch.tensor(3.0, requires_grad=True)",
    steps=[
        Text(
            "derivative-as-tensor",
            """\
## A derivative you can differentiate again (D2L 2.5, exercise 1)

The second derivative is the derivative of the derivative. To take it with autograd, the first
derivative must be an ordinary tensor that **is itself part of a graph**.

`y.backward()` is not the best tool for that: it writes into `x.grad` and adds to whatever was
there. `torch.autograd.grad(outputs, inputs)` instead **returns** the gradients and leaves
`.grad` alone. It returns a *tuple*, one gradient per input, even when you pass one input:

    y = x ** 3
    torch.autograd.grad(y, x)      # (tensor(27.),)  -- dy/dx = 3x² at x = 3

Here `x = torch.tensor(3.0, requires_grad=True)`.
""",
            examples=["y = x ** 3", "torch.autograd.grad(y, x)"],
            facts=[
                Fact("type(torch.autograd.grad(x ** 3, x)).__name__", "'tuple'"),
                Fact("torch.autograd.grad(x ** 3, x)[0]", 27.0),
                Fact("y = x ** 3; torch.autograd.grad(y, x); x.grad", None),
            ],
        ),
        Task(
            "first-derivative",
            goal="Set `y = x ** 3` and use `torch.autograd.grad` to put dy/dx at x = 3 into `dy`, "
                 "as a tensor (not a tuple).",
            checks=[
                tensor("dy", shape=(), message="dy should be a single tensor: take element [0] of the tuple "
                                              "torch.autograd.grad returns"),
                close("dy", 27.0),
                calls("grad"),
            ],
            hints=[
                "torch.autograd.grad(y, x) gives the gradient of y with respect to x.",
                "It returns a tuple with one entry per input: take [0], or unpack with `dy, = ...`.",
                _code("y = x ** 3\ndy = torch.autograd.grad(y, x)[0]"),
            ],
            solution="y = x ** 3\ndy = torch.autograd.grad(y, x)[0]",
            wrong=["y = x ** 3\ndy = torch.autograd.grad(y, x)", "dy = 3 * x ** 2"],
            mistakes=[
                Mistake(true("isinstance(dy, tuple)", ""),
                        "torch.autograd.grad returns a tuple (one gradient per input). Take its [0]."),
                Mistake(_both(defined("dy"), avoids("grad")),
                        "That is the formula worked out by hand. Let autograd compute it: `y = x ** 3`, then "
                        "`dy = torch.autograd.grad(y, x)[0]`."),
            ],
        ),
        Predict(
            "grad-of-grad",
            code="torch.autograd.grad(dy, x)",
            question="dy is 27 = 3x². Will `torch.autograd.grad(dy, x)` give the second derivative 6x = 18? "
                     "(a value, or 'error')",
            kind_of_answer="error",
            expect="error",
            explanation="By default the backward pass is not recorded, so dy is a plain number with no graph "
                        "behind it: dy.requires_grad is False and dy.grad_fn is None. There is nothing to "
                        "differentiate.",
            facts=[
                Fact("dy.requires_grad", False),
                Fact("dy.grad_fn", None),
                Fact("torch.autograd.grad(dy, x)", raises="RuntimeError"),
            ],
        ),
        Text(
            "create-graph",
            """\
## create_graph=True records the backward pass

Pass `create_graph=True` and autograd **records the operations it performs while differentiating**,
just as it records your forward pass. The derivative then comes back with a `grad_fn`, and you can
differentiate it again:

    y = x ** 3
    dy = torch.autograd.grad(y, x, create_graph=True)[0]
    dy                              # tensor(27., grad_fn=<MulBackward0>)
    torch.autograd.grad(dy, x)[0]   # tensor(18.) = 6x

Keep in mind from the last lesson that `torch.autograd.grad` also frees the graph it went through:
rebuild `y` before each new derivative.
""",
            examples=["y = x ** 3", "dy = torch.autograd.grad(y, x, create_graph=True)[0]", "dy"],
            facts=[
                Fact("y = x ** 3; dy = torch.autograd.grad(y, x, create_graph=True)[0]; dy.requires_grad", True),
                Fact("y = x ** 3; dy = torch.autograd.grad(y, x, create_graph=True)[0]; type(dy.grad_fn).__name__",
                     "'MulBackward0'"),
                Fact("y = x ** 3; dy = torch.autograd.grad(y, x, create_graph=True)[0]; torch.autograd.grad(dy, x)[0]",
                     18.0),
                Fact("y = x ** 3; torch.autograd.grad(y, x); torch.autograd.grad(y, x)", raises="RuntimeError"),
            ],
        ),
        Task(
            "second-derivative",
            goal="Compute the second derivative of y = x³ at x = 3 with autograd: rebuild `y`, take `dy` with "
                 "`create_graph=True`, then differentiate `dy` again into `d2`.",
            checks=[
                custom("used create_graph", _used("create_graph"),
                       "the first derivative needs create_graph=True, or it cannot be differentiated again"),
                calls("grad", "backward"),
                close("d2", 18.0, message="d2 should be the second derivative 6x = 18"),
            ],
            hints=[
                "Two calls to torch.autograd.grad: one for dy (recording its graph), one for d2.",
                "dy = torch.autograd.grad(y, x, create_graph=True)[0] -- then the same call on dy.",
                _code("y = x ** 3\ndy = torch.autograd.grad(y, x, create_graph=True)[0]\nd2 = torch.autograd.grad(dy, x)[0]"),
            ],
            solution="y = x ** 3\ndy = torch.autograd.grad(y, x, create_graph=True)[0]\n"
                     "d2 = torch.autograd.grad(dy, x)[0]",
            wrong=[
                "y = x ** 3\ndy = torch.autograd.grad(y, x)[0]\nd2 = torch.autograd.grad(dy, x)[0]",
                "d2 = 6 * x",
                "y = x ** 3\ndy = torch.autograd.grad(y, x, create_graph=True)[0]\nd2 = dy",
            ],
            mistakes=[
                Mistake(raised("RuntimeError", "does not require grad"),
                        "dy was computed without create_graph=True, so it has no graph to differentiate. "
                        "Add create_graph=True to the first call."),
                Mistake(raised("RuntimeError", "second time"),
                        "y's graph was already used up by an earlier call: rebuild y = x ** 3 first."),
                Mistake(close("d2", 27.0), "27 is the first derivative 3x²; differentiate dy once more."),
                Mistake(_both(close("d2", 18.0), avoids("grad", "backward")),
                        "6x is right, but worked out by hand: get it from autograd instead."),
            ],
        ),
        Quiz(
            "why-not-backward",
            question="Someone takes the first derivative with `y.backward(create_graph=True)` and then calls "
                     "`x.grad.backward()` to get the second. With x = 3 and y = x³, what is in `x.grad` "
                     "at the end?",
            choices=[
                Choice("18, the second derivative.",
                       why="That would need x.grad to be emptied between the two passes. It is not: backward "
                           "adds into x.grad."),
                Choice("45: the first derivative 27 plus the second derivative 18, added together in x.grad.",
                       correct=True,
                       why="Right: backward accumulates into .grad, so the two orders of derivative get mixed "
                           "up (PyTorch also warns that backward with create_graph=True makes a reference "
                           "cycle). torch.autograd.grad returns each derivative separately instead."),
                Choice("27, because the second backward is ignored.",
                       why="It is not ignored: x.grad had a graph (create_graph=True), and its backward "
                           "added 6x = 18."),
                Choice("An error: x.grad has no graph.",
                       why="With create_graph=True the gradient written into x.grad has a grad_fn, so it "
                           "can be differentiated."),
            ],
            facts=[
                Fact("w = torch.tensor(3.0, requires_grad=True); (w ** 3).backward(create_graph=True); "
                     "w.grad.backward(); w.grad", 45.0),
                # the warning is shown once per process, so look for it in a fresh one
                Fact("import subprocess, sys\n"
                     "'reference cycle' in subprocess.run([sys.executable, '-c', 'import torch; "
                     "(torch.tensor(3.0, requires_grad=True) ** 3).backward(create_graph=True)'], "
                     "capture_output=True, text=True).stderr", True),
            ],
        ),
        Text(
            "hessian",
            """\
## Many inputs: the Hessian

For f: ℝⁿ → ℝ the first derivative is the gradient, n numbers, and **one** backward pass gives them
all. The second derivative is the **Hessian** H, an n × n matrix with H[i, j] = ∂²f/∂xᵢ∂xⱼ.

Row i of H is the gradient of the i-th entry of the gradient. So, with autograd:

1. `g = torch.autograd.grad(f(x), x, create_graph=True)[0]` (one pass, recorded);
2. for each i, `torch.autograd.grad(g[i], x, retain_graph=True)[0]` is row i (one pass per row;
   `retain_graph=True` because every row goes back through the same graph of g).

The next task uses f(x) = (x·x)² at x = [1, 2, 3]. By hand its Hessian is 4(x·x)I + 8xxᵀ.
""",
        ),
        Task(
            "hessian-rows",
            setup=_HESSIAN_SETUP,
            goal="`x = torch.tensor([1., 2., 3.], requires_grad=True)` and `f(x) = torch.dot(x, x) ** 2` are "
                 "defined. Build the Hessian `H` (3 × 3) row by row with `torch.autograd.grad`: first the "
                 "gradient `g` with create_graph=True, then one call per entry g[i]. Stack the rows with "
                 "`torch.stack`.",
            checks=[
                avoids("hessian", "jacobian", message="build it yourself with torch.autograd.grad this time; "
                                                      "the ready-made function comes next"),
                tensor("H", shape=(3, 3)),
                close("H", _HESSIAN_BY_HAND, message="H is not the Hessian 4(x·x)I + 8xxᵀ yet"),
                calls("grad"),
            ],
            hints=[
                "g = torch.autograd.grad(f(x), x, create_graph=True)[0] is the gradient, with a graph.",
                "Row i is torch.autograd.grad(g[i], x, retain_graph=True)[0]; a list comprehension over "
                "range(3) collects the rows.",
                _code("g = torch.autograd.grad(f(x), x, create_graph=True)[0]\n"
                "H = torch.stack([torch.autograd.grad(g[i], x, retain_graph=True)[0] for i in range(3)])"),
            ],
            solution="g = torch.autograd.grad(f(x), x, create_graph=True)[0]\n"
                     "H = torch.stack([torch.autograd.grad(g[i], x, retain_graph=True)[0] for i in range(3)])",
            wrong=[
                "g = torch.autograd.grad(f(x), x, create_graph=True)[0]\n"
                "H = torch.stack([torch.autograd.grad(g[i], x)[0] for i in range(3)])",
                "H = torch.autograd.functional.hessian(f, x)",
                "g = torch.autograd.grad(f(x), x, create_graph=True)[0]\nH = torch.outer(g, g)",
            ],
            mistakes=[
                Mistake(raised("RuntimeError", "second time"),
                        "Row 0 used up the graph of g, and row 1 needs it again: pass retain_graph=True in "
                        "the per-row calls."),
                Mistake(raised("RuntimeError", "does not require grad"),
                        "g has no graph: compute it with create_graph=True."),
            ],
        ),
        Task(
            "hessian-function",
            goal="Now let PyTorch do it: put `torch.autograd.functional.hessian(f, x)` into `H2` and check it "
                 "matches your `H` (for example with `torch.allclose(H, H2)`).",
            checks=[
                calls("hessian"),
                tensor("H2", shape=(3, 3)),
                close("H2", "H"),
            ],
            hints=[
                "hessian takes the FUNCTION f (not f(x)) and the point x.",
                _code("H2 = torch.autograd.functional.hessian(f, x)"),
            ],
            solution="H2 = torch.autograd.functional.hessian(f, x)\ntorch.allclose(H, H2)",
            wrong=[
                "H2 = torch.autograd.functional.hessian(f(x), x)",
                "H2 = torch.autograd.functional.jacobian(f, x)",
                "H2 = H",
            ],
            mistakes=[
                Mistake(raised("TypeError", "not callable"),
                        "hessian wants the function itself, f, so that it can call it: hessian(f, x), not "
                        "hessian(f(x), x)."),
                Mistake(tensor("H2", shape=(3,)),
                        "jacobian of a function with one output is its gradient (3 numbers). The Hessian is "
                        "the jacobian of the gradient: use hessian(f, x)."),
            ],
        ),
        Predict(
            "hessian-size",
            code="torch.autograd.functional.hessian(lambda t: (t ** 3).sum(), torch.ones(1000)).shape",
            question="A model with only 1,000 parameters. What shape is the Hessian of a scalar function of "
                     "them?",
            kind_of_answer="shape",
            expect="(1000, 1000)",
            explanation="A million entries for a thousand inputs: n² grows fast. A network with a million "
                        "parameters would have a Hessian of 10¹² numbers, far too big to store.",
        ),
        Quiz(
            "count-passes",
            question="Building the Hessian of f: ℝⁿ → ℝ row by row as in the task, how many backward passes "
                     "do you run?",
            choices=[
                Choice("1, the same as for the gradient.",
                       why="One pass gives n numbers (the gradient). The Hessian has n² numbers, and one "
                           "backward of a scalar only gives n of them."),
                Choice("2: one for the gradient, one for the Hessian.",
                       why="The second pass would need a scalar to start from; the gradient has n entries, "
                           "so each entry (each row of H) needs its own pass."),
                Choice("n + 1: one for the gradient (recorded with create_graph) and one per row.",
                       correct=True,
                       why="Yes: and each of those n passes goes through the recorded graph of the backward "
                           "pass, which is larger than the forward graph."),
                Choice("n²: one per entry.",
                       why="Each pass gives a whole row (n entries) at once, so n passes suffice."),
            ],
        ),
        Text(
            "bigger-graph",
            """\
## Why each pass is dearer, too

`create_graph=True` records every operation of the backward pass, and keeps it alive together with
the forward graph (its saved tensors included) until you drop `g`. For f(x) = (x·x)² the forward graph
has 3 nodes; the graph behind the gradient `g` has 8, and it holds the forward one inside it. More
nodes means more memory and more work on every later pass through it. Count them yourself:

```python
def count_nodes(t):
    seen, todo = set(), [t.grad_fn]
    while todo:
        node = todo.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        todo.extend(f for f, _ in node.next_functions)
    return len(seen)
```

then compare `count_nodes(f(x))` with `count_nodes(g)`.

`%hessian f x` (or `hessian(f, x)`) builds H this way and reports the count: 1 recorded pass for
the gradient, then 3 more, one per row.

Often you do not need all of H, only H times a vector v (Newton-type methods, curvature along a
direction). That costs **one** extra pass: differentiate the scalar g·v, i.e.
`torch.autograd.grad(torch.dot(g, v), x)[0]`, or call `torch.autograd.functional.hvp(f, x, v)`.
""",
            examples=[_COUNT_NODES + "count_nodes(f(x))", "count_nodes(g)", "%hessian f x"],
            facts=[
                Fact(_COUNT_NODES + "count_nodes(f(x))", 3),
                Fact("hessian(f, x).passes", 4),
                Fact("hessian(f, x).matrix", "H"),
                Fact(_COUNT_NODES + "count_nodes(torch.autograd.grad(f(x), x, create_graph=True)[0])", 8),
                Fact("v = torch.tensor([1., 0., -1.]); torch.autograd.grad(torch.dot(g, v), x, retain_graph=True)[0]",
                     "H @ v"),
                Fact("v = torch.tensor([1., 0., -1.]); torch.autograd.functional.hvp(f, x, v)[1]", "H @ v"),
            ],
        ),
        Explain(
            "exercise-1",
            topics=["hessian", "n²", "n^2", "square", "create_graph", "graph", "row", "pass", "memory", "second"],
            question="D2L 2.5, exercise 1: why is the second derivative much more expensive to compute than "
                     "the first?",
            model_answer="""\
For a scalar f of n inputs, one backward pass gives the whole gradient: n numbers for a small constant
times the cost of the forward pass. The second derivative is the Hessian, n² numbers. A backward pass starts from
one scalar and returns one vector of n numbers, so getting H takes one pass per row: n passes instead
of one (memory to store H grows as n² as well).

Each of those passes is dearer too. To differentiate the gradient, the first backward must be recorded
with create_graph=True, which builds a second, larger graph (the operations of the backward pass) and
keeps it, together with the forward graph and its saved tensors, alive while the rows are computed
(retain_graph=True). So both the work and the memory go up. When only H·v is needed, a single extra
pass on g·v (a Hessian-vector product) avoids building H at all.""",
        ),
    ],
)
