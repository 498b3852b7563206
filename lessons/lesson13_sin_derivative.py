"""Lesson 13: sin and its derivative, computed by autograd and plotted (D2L 2.5, exercise 4)."""

from tutor.lesson import *


def _code(source):
    """A hint that is code: a fenced block, so its lines stay lines."""
    return "```python\n" + source + "\n```"


def _find_plot(ctx):
    """The Plot the learner just made: the last input's value, a %plot's output, or a named one."""
    outcome = ctx.outcome
    for candidate in (getattr(outcome, "value", None), getattr(outcome, "command_output", None)):
        if type(candidate).__name__ == "Plot":
            return candidate
    return None


def _plot_of_sin_and_derivative(ctx):
    plot = _find_plot(ctx)
    if plot is None:
        return Result(False, "show a plot: call plot(...) as the last thing you type (or use %plot)")
    curves = [c for c in plot.curves if len(c.x) > 1]
    if len(curves) < 2:
        return Result(False, "the plot needs two curves: sin(x) and its derivative")
    np = ctx.namespace["np"]
    first, second = curves[0], curves[1]
    if not np.allclose(first.y, np.sin(first.x), atol=1e-4):
        return Result(False, "the first curve should be sin(x)")
    if not np.allclose(second.y, np.cos(second.x), atol=1e-4):
        return Result(False, "the second curve should be the derivative of sin (from x.grad)")
    if not (first.label and second.label):
        return Result(False, "name the two curves with legend=[..., ...], like the plots of D2L 2.4")
    return Result(True, "sin(x) and its autograd derivative are plotted")


def _all_arrays(ctx):
    np = ctx.namespace["np"]
    names = ("xs", "ys", "dys")
    missing = [n for n in names if n not in ctx.namespace]
    if missing:
        return Result(False, f"define {', '.join(missing)}")
    bad = [n for n in names if not isinstance(ctx.namespace[n], np.ndarray)]
    if bad:
        return Result(False, f"{', '.join(bad)} should be numpy arrays (use .numpy())")
    return Result(True, "three numpy arrays")


def _numpy_without_detach(ctx):
    typed = "\n".join(ctx.inputs)
    return "x.numpy()" in typed or "y.numpy()" in typed or (
        ctx.outcome is not None and getattr(ctx.outcome.error, "message", "").startswith("Can't call numpy()"))


_SLOW = "slow = torch.stack([torch.autograd.grad(y[i], x, retain_graph=True)[0][i] for i in range(len(x))])"

lesson = Lesson(
    id="sin-derivative",
    title="sin and its derivative by autograd, plotted",
    section="2.5",
    prerequisites=["non-scalar-backward", "backward-twice"],
    minutes=15,
    summary="D2L 2.5 exercise 4: the derivative of sin on a whole grid from one backward pass, "
            "checked against cos without using it, then plotted.",
    steps=[
        Text(
            "the-exercise",
            """\
## sin and its derivative (D2L 2.5, exercise 4)

The exercise: plot f(x) = sin(x) together with its derivative, **computing the derivative with
autograd**, not by writing down cos(x). Of course the answer should look like cos: that is how we
will check it, but you may not use cos to produce it.

The plan:

1. a grid of points x that requires gradients;
2. y = sin(x) at every point;
3. one backward pass that fills `x.grad` with sin'(x) at every point;
4. plot y and x.grad against x.
""",
        ),
        Task(
            "grid",
            goal="Make `x`: 101 evenly spaced points from -5 to 5 (`torch.linspace`), recording gradients.",
            checks=[
                tensor("x", shape=(101,), dtype="float32", requires_grad=True, leaf=True),
                close("x[0]", -5.0),
                close("x[-1]", 5.0),
            ],
            hints=[
                "torch.linspace(start, end, steps) makes evenly spaced points.",
                "It takes requires_grad=True as a keyword, like torch.arange does.",
                _code("x = torch.linspace(-5, 5, 101, requires_grad=True)"),
            ],
            solution="x = torch.linspace(-5, 5, 101, requires_grad=True)",
            wrong=[
                "x = torch.linspace(-5, 5, 101)",
                "x = torch.arange(-5, 6, requires_grad=True)",
                "x = torch.linspace(-5, 5, 101, requires_grad=True) * 1.0",
            ],
            mistakes=[
                Mistake(raised("RuntimeError", "floating point"),
                        "torch.arange with whole numbers makes an integer tensor, and integers cannot require "
                        "gradients. torch.linspace gives floats."),
                Mistake(tensor("x", requires_grad=False),
                        "x does not record gradients yet: pass requires_grad=True (or call x.requires_grad_())."),
                Mistake(tensor("x", leaf=False),
                        "x was computed from another tensor, so it is not a leaf and backward will not fill "
                        "x.grad. Create it directly with requires_grad=True."),
            ],
        ),
        Predict(
            "vector-backward",
            code="y = torch.sin(x)\ny.backward()",
            question="Now `y = torch.sin(x)` (101 values) and `y.backward()`. What happens? "
                     "(a value for x.grad, or 'error')",
            kind_of_answer="error",
            expect="error",
            explanation="backward() with no argument starts the backward pass from dy/dy = 1, which only makes "
                        "sense when y is one number; this y has 101.",
            facts=[
                Fact("y.shape", (101,)),
                Fact("x.grad", None),
            ],
        ),
        Text(
            "sum-trick",
            """\
## One backward pass for all 101 points

Reduce y to one number first: `y.sum().backward()`. Why is that right here?

sin works **elementwise**: y[i] = sin(x[i]) depends on x[i] and on nothing else. So the Jacobian
∂y[i]/∂x[j] is diagonal, with sin'(x[i]) on the diagonal. The gradient of the sum,
∂(Σ y[i])/∂x[j], adds up column j of that Jacobian, and the only non-zero entry in it is sin'(x[j]).
One backward pass gives the derivative at every point. (It is the same as
`y.backward(torch.ones_like(y))`: a vector-Jacobian product with a vector of ones, D2L 2.5.2.)

Careful: this trick is only for elementwise functions. For `torch.cumsum`, where y[i] uses x[0..i],
the gradient of the sum is not a derivative "at each point" at all.
""",
            facts=[
                Fact("torch.autograd.functional.jacobian(torch.sin, torch.tensor([0.0, 1.0, 2.0]))",
                     "torch.diag(torch.cos(torch.tensor([0.0, 1.0, 2.0])))"),
                Fact("t = torch.tensor([0.0, 1.0, 2.0], requires_grad=True); torch.sin(t).sum().backward(); t.grad",
                     "torch.cos(torch.tensor([0.0, 1.0, 2.0]))"),
                Fact("t = torch.tensor([0.0, 1.0, 2.0], requires_grad=True); "
                     "torch.sin(t).backward(torch.ones(3)); t.grad", "torch.cos(torch.tensor([0.0, 1.0, 2.0]))"),
                Fact("t = torch.zeros(4, requires_grad=True); torch.cumsum(t, 0).sum().backward(); t.grad",
                     [4.0, 3.0, 2.0, 1.0]),
            ],
        ),
        Task(
            "derivative",
            goal="Compute sin'(x) at all 101 points with **one** backward pass, so that `x.grad` holds it. "
                 "Do not use cos: it is what we check your answer against.",
            checks=[
                avoids("cos", message="no cos here: let autograd find the derivative of sin"),
                calls("backward", "grad"),
                grad("x", "torch.cos(x)", atol=1e-5,
                     message="x.grad is not sin'(x) yet (it should look like cos(x))"),
            ],
            hints=[
                "y has 101 values; backward() needs one number. Reduce y first.",
                "Summing is safe for an elementwise function like sin: y.sum().backward().",
                _code("y = torch.sin(x)\ny.sum().backward()"),
            ],
            solution="y = torch.sin(x)\ny.sum().backward()",
            wrong=[
                "x.grad = torch.cos(x).detach()",
                "y = torch.sin(x)\ny.backward()",
                "y = torch.sin(x)\ny.sum().backward()\ny = torch.sin(x)\ny.sum().backward()",
                "y = torch.sin(x)\ny.backward(torch.cos(x))",
            ],
            mistakes=[
                Mistake(calls("cos"),
                        "cos is the answer written down by hand; this exercise wants autograd to find it. "
                        "Differentiate y = torch.sin(x) with backward."),
                Mistake(raised("RuntimeError", "scalar outputs"),
                        "y holds 101 values: reduce it to one number with y.sum() before calling backward()."),
                Mistake(grad("x", "2 * torch.cos(x)"),
                        "x.grad is twice the derivative: two backward passes added up. Clear it with "
                        "x.grad = None and run one pass."),
            ],
        ),
        Quiz(
            "why-sum",
            question="Why does `y.sum().backward()` leave sin'(x[i]) in every `x.grad[i]`?",
            choices=[
                Choice("Because y[i] depends only on x[i]: the Jacobian is diagonal, and the gradient of the sum "
                       "picks out its diagonal.", correct=True,
                       why="Yes. Each x[i] only reaches the sum through y[i]."),
                Choice("Because the sum's gradient always equals the elementwise derivative, for any y = g(x).",
                       why="Only when g is elementwise. For cumsum, x[0] reaches every y[i], and its entry in "
                           "the gradient of the sum is 4 for four points, not a derivative at x[0]."),
                Choice("Because backward divides by the number of elements.",
                       why="It does not divide by anything; sum (not mean) gives weights of exactly 1."),
                Choice("Because backward would sum a vector output anyway.",
                       why="It refuses: without an argument, backward on a vector raises 'grad can be "
                           "implicitly created only for scalar outputs'."),
            ],
            facts=[
                Fact("torch.allclose(x.grad, torch.cos(x.detach()))", True),
                Fact("torch.sin(x).backward()", raises="RuntimeError"),
            ],
        ),
        Task(
            "slow-way",
            setup="y = torch.sin(x)",
            goal="(`y = torch.sin(x)` has been rebuilt: the last backward used up its graph.) "
                 "For comparison, the slow way: one backward pass **per point**. Put into `slow` the "
                 "derivative at each point i, taken from `torch.autograd.grad(y[i], x, retain_graph=True)`, "
                 "and stacked (`torch.stack`). It must equal `x.grad`.\n\n"
                 "`torch.autograd.grad(y[i], x)` returns the gradient instead of adding it into x.grad. Like "
                 "backward, it frees the values the graph saved once it has used them; every point goes back "
                 "through the same graph of y, so `retain_graph=True` keeps them for the next call (lesson "
                 "backward-twice, D2L 2.5 exercise 2, shows what happens without it).",
            checks=[
                avoids("cos", message="no cos here either"),
                calls("grad", "backward"),
                tensor("slow", shape=(101,)),
                close("slow", "x.grad"),
            ],
            hints=[
                "torch.autograd.grad(y[i], x, retain_graph=True)[0] is a vector of 101 numbers: which of "
                "them is the derivative at point i?",
                "Entry [i] of it. Collect them with a list comprehension over range(len(x)).",
                _code(_SLOW),
            ],
            solution=_SLOW,
            wrong=[
                _SLOW.replace(", retain_graph=True", ""),
                "slow = torch.stack([torch.autograd.grad(y[i], x, retain_graph=True)[0] for i in range(len(x))])",
                "slow = x.grad.clone()",
            ],
            mistakes=[
                Mistake(raised("RuntimeError", "second time"),
                        "The first pass freed y's graph; every point goes back through it, so pass "
                        "retain_graph=True."),
                Mistake(tensor("slow", shape=(101, 101)),
                        "Each pass returns the whole gradient, 101 numbers, all zero except entry i: keep only "
                        "[i] of it."),
            ],
            facts=[
                Fact("torch.autograd.grad(y[3], x, retain_graph=True)[0].shape", (101,)),
                Fact("int((torch.autograd.grad(y[3], x, retain_graph=True)[0] != 0).sum())", 1),
            ],
        ),
        Text(
            "why-slow",
            """\
## Why the loop is slow

Each `torch.autograd.grad(y[i], x, ...)` is a full backward pass, and it returns a vector of 101
numbers of which exactly one is non-zero: the other 100 are the zeros of the diagonal Jacobian. So the
loop runs 101 passes and throws away 100 × 101 zeros, work that grows with the square of the number of
points, where `y.sum().backward()` did the job in one pass. Learners who follow the exercise
literally ("the derivative at each point") often write this loop. Time both yourself with
`time.perf_counter()` if you like: the gap widens fast as the grid grows.
""",
            facts=[
                Fact("int((torch.autograd.grad(y[50], x, retain_graph=True)[0] == 0).sum())", 100),
            ],
        ),
        Text(
            "numpy-trap",
            """\
## Plotting: tensors that record gradients refuse numpy

Plotting libraries (matplotlib, and numpy itself) turn tensors into arrays with `.numpy()`, and
PyTorch refuses that for a tensor that requires grad:

    RuntimeError: Can't call numpy() on Tensor that requires grad.
    Use tensor.detach().numpy() instead.

`x` and `y` both require grad (y because it was computed from x). `x.detach()` is the fix: the same
numbers (it shares x's memory, nothing is copied), cut off from the graph. `x.grad` needs no detach:
backward does not record a graph for the gradients it writes (unless create_graph=True).
""",
            facts=[
                Fact("x.numpy()", raises="RuntimeError"),
                Fact("y.numpy()", raises="RuntimeError"),
                Fact("np.asarray(x)", raises="RuntimeError"),
                Fact("y.requires_grad", True),
                Fact("x.detach().requires_grad", False),
                Fact("x.detach().data_ptr() == x.data_ptr()", True),
                Fact("x.grad.requires_grad", False),
                Fact("x.grad.numpy().shape", (101,)),
            ],
        ),
        Predict(
            "numpy-sin",
            code="np.sin(x)",
            question="A learner tries numpy's sine on our x: `np.sin(x)`. What happens? (a value, or 'error')",
            kind_of_answer="error",
            expect="error",
            explanation="numpy first converts x to an array with .numpy(), which is refused for a tensor that "
                        "requires grad. And even on x.detach(), np.sin computes outside "
                        "autograd: its result has no graph (requires_grad is False), so nothing could be "
                        "differentiated. Use torch.sin.",
            facts=[Fact("np.sin(x.detach()).requires_grad", False),
                   Fact("np.sin(x.detach())", "torch.sin(x.detach())")],
        ),
        Task(
            "to-numpy",
            goal="Make numpy arrays for a plotting library: `xs` from x, `ys` from y, `dys` from x.grad.\n\n"
                 "Mind that `.numpy()` copies nothing: the array shares the tensor's memory. `x.grad.numpy()` "
                 "would change the moment a later backward adds into x.grad (its values would double), so take "
                 "a snapshot: `x.grad.clone().numpy()`.",
            checks=[
                custom("numpy arrays", _all_arrays),
                close("xs", "x"),
                close("ys", "torch.sin(x)"),
                close("dys", "x.grad"),
            ],
            hints=[
                "x and y require grad: detach them before .numpy(). x.grad does not.",
                _code("xs = x.detach().numpy()\nys = y.detach().numpy()\ndys = x.grad.clone().numpy()"),
            ],
            solution="xs = x.detach().numpy()\nys = y.detach().numpy()\ndys = x.grad.clone().numpy()",
            wrong=[
                "xs = x.numpy()\nys = y.numpy()\ndys = x.grad.numpy()",
                "xs = x.detach()\nys = y.detach()\ndys = x.grad",
            ],
            mistakes=[
                Mistake(custom("numpy() on x or y", _numpy_without_detach),
                        "x and y require grad, so .numpy() refuses them: call .detach() first, "
                        "as in x.detach().numpy()."),
            ],
            facts=[
                # .numpy() shares memory: a later backward changes an array taken without clone()
                Fact("shared = x.grad.numpy(); first = float(shared[0]); "
                     "torch.sin(x).sum().backward(); float(shared[0]) / first", 2.0),
                Fact("float(dys[0]) / first", 1.0),
                Fact("x.grad = None; torch.sin(x).sum().backward()", None),
            ],
        ),
        Task(
            "plot-it",
            goal="Plot sin(x) and its autograd derivative on one figure, with a legend like the plots of D2L 2.4: "
                 "`plot(x.detach(), [y.detach(), x.grad], legend=[...])`, with a legend naming the two curves "
                 "(`%plot torch.sin -5 5` is accepted too). No cos!",
            checks=[
                avoids("cos", message="plot x.grad, not cos: the point is that autograd found it"),
                custom("sin and its derivative plotted", _plot_of_sin_and_derivative),
            ],
            hints=[
                "plot takes the x values, then a list of curves: y (detached) and x.grad.",
                _code("plot(x.detach(), [y.detach(), x.grad], legend=['sin(x)', \"sin'(x) by autograd\"])"),
            ],
            solution="plot(x.detach(), [y.detach(), x.grad], legend=['sin(x)', \"sin'(x) by autograd\"])",
            wrong=[
                "plot(x.detach(), [y.detach(), torch.cos(x.detach())], legend=['sin(x)', 'cos(x)'])",
                "plot(x.detach(), y.detach(), legend=['sin(x)'])",
                "plot(x.detach(), [x.grad, y.detach()], legend=[\"sin'(x)\", 'sin(x)'])",
                "plot(x.detach(), [y.detach(), x.grad])",
            ],
            mistakes=[
                Mistake(calls("cos"),
                        "That plots the formula cos(x). Plot x.grad instead: the derivative autograd computed."),
            ],
        ),
        Quiz(
            "grad-no-detach",
            question="In `plot(x.detach(), [y.detach(), x.grad])`, why does `x.grad` need no `.detach()`?",
            choices=[
                Choice("backward writes x.grad without recording a graph for it, so it does not require grad.",
                       correct=True,
                       why="Right: x.grad.requires_grad is False. Only with create_graph=True (lesson "
                           "'higher-order') would the gradient carry a graph."),
                Choice("Reading x.grad detaches it: every access returns a fresh copy without history.",
                       why="Reading .grad returns the stored tensor itself, no copy and no detaching (with "
                           "create_graph=True it would even carry a graph). It needs no detach because "
                           "backward stored it without one."),
                Choice("x.grad is a numpy array.",
                       why="It is a torch tensor, like x (type(x.grad) is torch.Tensor)."),
                Choice("x.grad is a view of x.",
                       why="It is a separate tensor with its own memory, the same shape as x."),
            ],
            facts=[
                Fact("x.grad.requires_grad", False),
                Fact("type(x.grad).__name__", "'Tensor'"),
                Fact("x.grad.data_ptr() != x.data_ptr()", True),
                Fact("x.grad is x.grad", True),
                Fact("w3 = torch.tensor(3.0, requires_grad=True); (w3 ** 3).backward(create_graph=True); "
                     "w3.grad.requires_grad", True),
            ],
        ),
        Text(
            "more",
            """\
## One command for all of it

`%plot FUNC A B` does what you just did for any function of your namespace: it builds the grid,
takes the derivative with the sum trick and draws both. Try:

    %plot torch.sin -5 5
    %plot torch.sin -5 5 --order 2

`--order 2` adds the second derivative, obtained by differentiating the first one again with
create_graph=True (lesson "higher-order"): for sin it is -sin.
""",
            examples=["%plot torch.sin -5 5", "%plot torch.sin -5 5 --order 2"],
        ),
    ],
)
