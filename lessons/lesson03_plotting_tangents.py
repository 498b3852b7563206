"""Lesson: plotting a function with its tangent line (D2L 2.4, the plot helper and exercise 6)."""

from tutor.lesson import *


def _find_plots(ctx):
    """Plots the learner made in this step: the last value shown, then any plot stored in a name."""
    found = []
    value = getattr(ctx.outcome, "value", None)
    if hasattr(value, "curves"):
        found.append(value)
    for name, value in ctx.namespace.items():
        if hasattr(value, "curves") and hasattr(value, "xlim") and not name.startswith("__") and value not in found:
            found.append(value)
    return found


def _matches(curve, target) -> bool:
    import numpy as np

    xs, ys = np.asarray(curve.x, dtype=np.float64), np.asarray(curve.y, dtype=np.float64)
    if len(xs) < 5:
        return False
    return bool(np.allclose(ys, target(xs), rtol=1e-3, atol=1e-3))


def plot_shows(*targets, missing=""):
    """A check: a plot was drawn with one curve matching each (description, function of x)."""

    def test(ctx):
        plots = _find_plots(ctx)
        if not plots:
            return Result(False, "draw it with plot(...): no plot was made in this step yet")
        for p in plots:
            lacking = [what for what, fn in targets if not any(_matches(c, fn) for c in p.curves)]
            if not lacking:
                return Result(True, "the plot shows " + " and ".join(what for what, _ in targets))
        return Result(False, missing or f"the plot should show {lacking[0]}")

    return custom("plot shows " + ", ".join(what for what, _ in targets), test)


def _f(x):
    return 3 * x ** 2 - 4 * x


def _g(x):
    return x ** 3 - 1 / x


lesson = Lesson(
    id="plotting-tangents",
    title="Plotting a function and its tangent line",
    section="2.4",
    prerequisites=["derivatives"],
    minutes=20,
    summary="The book's plot helper, tangent lines, exercise 6 (x³ − 1/x at x = 1) and the pole at 0.",
    setup=(
        "def f(x):\n    return 3 * x ** 2 - 4 * x\n"
        "x = torch.arange(0, 3, 0.1)"
    ),
    steps=[
        Text(
            "book-plot",
            """\
# The book's plot helper (D2L 2.4)

D2L 2.4 builds a small `plot` function on top of matplotlib so that one line draws
several curves. The tutor has the same function, `plot`, drawing in the terminal:

    plot(X, Y, xlabel, ylabel, legend=[...], xlim=..., ylim=..., fmts=...)

X holds the x values, Y a list of curves (one x grid is reused for every curve).
The lesson has defined the book's `f(x) = 3x² − 4x` and a grid `x = torch.arange(0, 3, 0.1)`
(30 points from 0 to 2.9). Try the example below; `plot?` shows all the arguments.

**Outside Jupyter the book's helper shows nothing.** It draws on matplotlib's axes but never
calls `show()`: in a notebook, the inline backend (`%matplotlib inline`) displays a cell's
figures when the cell ends. Run the same code as a script (`python tangent.py`) and the figure
is built and thrown away at exit, with no error. Add `d2l.plt.show()` (or `plt.show()`) after
the call, or save it with `plt.savefig('tangent.png')`. The tutor's `plot` needs neither: it
draws in the terminal as soon as it is called.
""",
            examples=["plot(x, f(x), 'x', 'f(x)')"],
            facts=[Fact("x.shape", (30,)), Fact("len(plot(x, f(x)).curves)", 1),
                   Fact("type(plot(x, f(x))).__name__", "'Plot'")],
        ),
        Quiz(
            "plot-outside-jupyter",
            question=(
                "You copy the book's plotting code (D2L 2.4) into `tangent.py` and run `python tangent.py`. "
                "It finishes without an error, and no plot appears. Why?"
            ),
            choices=[
                Choice("matplotlib cannot draw PyTorch tensors",
                       why="It draws tensors that do not require grad; one that does raises an error, which "
                           "is not what happened here."),
                Choice("The helper never calls show(): Jupyter displays a cell's figures by itself, a script "
                       "does not. Call plt.show() (d2l.plt.show()) at the end, or save the figure with "
                       "plt.savefig", correct=True,
                       why="Right. The figure was drawn and discarded when the script ended. (The tutor's "
                           "own plot draws in the terminal at once.)"),
                Choice("The script needs `%matplotlib inline` as its first line",
                       why="%matplotlib is an IPython magic: in a .py file it is a syntax error, not a fix. "
                           "It only tells a notebook how to show figures."),
                Choice("use_svg_display() wrote the figure to an SVG file instead",
                       why="It only sets the format in which a notebook shows figures inline; it writes no "
                           "file."),
            ],
        ),
        Quiz(
            "tangent-formula",
            question=(
                "The **tangent line** of f at x₀ touches the graph at (x₀, f(x₀)) with the same slope f′(x₀). "
                "Which equation describes it?"
            ),
            choices=[
                Choice("y = f′(x₀)·x",
                       why="That line has the right slope but passes through the origin, not through "
                           "(x₀, f(x₀))."),
                Choice("y = f(x₀) + f′(x₀)·(x − x₀)", correct=True,
                       why="Right: a line through the point (x₀, f(x₀)) with slope f′(x₀). For f at x₀ = 1: "
                           "f(1) = −1, f′(1) = 2, so y = −1 + 2(x − 1) = 2x − 3."),
                Choice("y = f(x₀) + f′(x)·(x − x₀)",
                       why="The slope must be a number, f′ evaluated at x₀; with f′(x) it is a curve, not a line."),
                Choice("y = f′(x₀) + f(x₀)·(x − x₀)",
                       why="Value and slope are swapped: the slope multiplies (x − x₀)."),
            ],
            facts=[Fact("f(torch.tensor(1.0))", -1.0)],
        ),
        Task(
            "plot-f-and-tangent",
            goal=(
                "Draw f together with its tangent line at x = 1, **y = 2x − 3**, in one call to `plot`, over the "
                "grid `x`. Give the axes labels and a legend, as the book does."
            ),
            checks=[
                calls("plot"),
                plot_shows(("f(x) = 3x² − 4x", _f), ("the tangent 2x − 3", lambda t: 2 * t - 3)),
            ],
            hints=[
                "Y can be a list of curves: `[first, second]`, both computed on the same x.",
                "The two curves are f(x) and 2 * x - 3.",
                "plot(x, [f(x), 2 * x - 3], 'x', 'f(x)', legend=['f(x)', 'Tangent line (x=1)'])",
            ],
            solution="plot(x, [f(x), 2 * x - 3], 'x', 'f(x)', legend=['f(x)', 'Tangent line (x=1)'])",
            wrong=[
                "plot(x, f(x), 'x', 'f(x)')",
                "plot(x, [f(x), 2 * x + 3], 'x', 'f(x)', legend=['f(x)', 'Tangent line (x=1)'])",
                "plot(x, [f(x), 2 * x], 'x', 'f(x)', legend=['f(x)', 'Tangent line (x=1)'])",
            ],
            mistakes=[
                Mistake(plot_shows(("the line 2x", lambda t: 2 * t)),
                        "2x has the right slope but goes through (0, 0). The tangent must pass through (1, f(1)) "
                        "= (1, −1): y = 2x − 3."),
                Mistake(plot_shows(("the line 2x + 3", lambda t: 2 * t + 3)),
                        "Check the intercept: at x = 1 the tangent must equal f(1) = −1, and 2·1 + 3 is 5."),
            ],
        ),
        Text(
            "exercise-6",
            """\
# Exercise 6: x³ − 1/x and its tangent at x = 1

D2L 2.4, exercise 6 asks for the same picture for a new function:

    g(x) = x³ − 1/x

(we call it g so that f stays the book's example). Two things to find first: the slope
g′(1), which autograd can give you, and the point (1, g(1)) the tangent passes through.
And one thing to watch: 1/x at x = 0.
""",
        ),
        Task(
            "define-g",
            goal="Define `g(x) = x³ − 1/x` as a Python function `g`, so that it works on tensors.",
            checks=[
                close("g(torch.tensor(2.0))", 7.5),
                close("g(torch.tensor([0.5, 1.0]))", [-1.875, 0.0]),
            ],
            hints=[
                "Powers are `**` in Python.",
                "x³ is `x ** 3`, and 1/x is `1 / x`.",
                "def g(x):\n    return x ** 3 - 1 / x",
            ],
            solution="def g(x):\n    return x ** 3 - 1 / x",
            wrong=[
                "def g(x):\n    return (x ** 3 - 1) / x",
                "def g(x):\n    return x ** 3 - x",
                "def g(x):\n    return x * 3 - 1 / x",
            ],
            mistakes=[
                Mistake(close("g(torch.tensor(2.0))", 3.5),
                        "(x³ − 1)/x divides both terms by x. Only the 1 is divided: x ** 3 - 1 / x."),
                Mistake(close("g(torch.tensor(2.0))", 5.5),
                        "x * 3 is 3x. Cubing is x ** 3."),
            ],
        ),
        Task(
            "slope-at-1",
            goal=(
                "Find the tangent's slope g′(1) with autograd: make `x0 = torch.tensor(1.0, requires_grad=True)`, "
                "call backward on g(x0), and store the slope in `slope`."
            ),
            checks=[
                grad("x0", 4.0),
                calls("backward", "grad"),
                close("slope", 4.0),
            ],
            hints=[
                "g(x0) is a scalar, so g(x0).backward() works directly.",
                "After backward, x0.grad holds g′(1).",
                "x0 = torch.tensor(1.0, requires_grad=True)\ng(x0).backward()\nslope = x0.grad",
            ],
            solution="x0 = torch.tensor(1.0, requires_grad=True)\ng(x0).backward()\nslope = x0.grad",
            wrong=[
                "slope = 3 * 1 ** 2",
                "x0 = torch.tensor(1, requires_grad=True)",
                "x0 = torch.tensor(1.0, requires_grad=True)\nslope = g(x0)",
            ],
            mistakes=[
                Mistake(close("slope", 3.0),
                        "3 is the slope of x³ alone. −1/x has slope +1/x², which adds 1 at x = 1. "
                        "Let autograd do it: g(x0).backward()."),
                Mistake(raised("RuntimeError", "floating point"),
                        "torch.tensor(1) is an integer tensor, which cannot require gradients: write 1.0."),
                Mistake(close("slope", 0.0),
                        "g(x0) is the value g(1) = 0, not the slope. Call g(x0).backward() and read x0.grad."),
            ],
            facts=[Fact("slope", "3 * 1.0 ** 2 + 1 / 1.0 ** 2")],
        ),
        Quiz(
            "tangent-of-g",
            question="g(1) = 1 − 1 = 0 and g′(1) = 4. Which line is the tangent of g at x = 1?",
            choices=[
                Choice("y = 4x",
                       why="Slope right, but at x = 1 it gives 4, not g(1) = 0."),
                Choice("y = 3x − 3",
                       why="Slope 3 comes from x³ alone; the −1/x term adds 1 to the slope at x = 1."),
                Choice("y = 4x + 4",
                       why="At x = 1 this gives 8; the tangent must pass through (1, 0)."),
                Choice("y = 4x − 4", correct=True,
                       why="Right: y = g(1) + g′(1)(x − 1) = 0 + 4(x − 1) = 4x − 4."),
            ],
            facts=[Fact("g(torch.tensor(1.0))", 0.0)],
        ),
        Predict(
            "pole-at-zero",
            code="g(torch.tensor(0.0))",
            question=(
                "The grid x starts at 0, where 1/x divides by zero. In plain Python `1 / 0` raises "
                "ZeroDivisionError. What does `g(torch.tensor(0.0))` give? Answer error, nan, inf or -inf."
            ),
            kind_of_answer="text",
            expect="-inf",
            explanation=(
                "tensor(-inf). Float tensors follow IEEE arithmetic: 1/0 is inf instead of an error, so g(0) = "
                "0 − inf = −inf. Nothing stops you; the infinite point just cannot be drawn. The tutor's plot "
                "leaves it out and says so in a note; start the grid at 0.1 to avoid it."
            ),
            facts=[Fact("1 / 0", raises="ZeroDivisionError"), Fact("g(torch.tensor(0.0))", "-torch.inf")],
        ),
        Task(
            "plot-exercise-6",
            goal=(
                "Exercise 6: plot g together with its tangent line at x = 1 with the `plot` helper. "
                "Use a grid that steers clear of the pole, for example `torch.arange(0.1, 3, 0.1)`."
            ),
            checks=[
                calls("plot"),
                plot_shows(("g(x) = x³ − 1/x", _g), ("the tangent 4x − 4", lambda t: 4 * t - 4)),
            ],
            hints=[
                "Same pattern as for f: plot(x, [curve, tangent], ...).",
                "The curves are g(x) and 4 * x - 4, on x = torch.arange(0.1, 3, 0.1).",
                "x = torch.arange(0.1, 3, 0.1)\n"
                "plot(x, [g(x), 4 * x - 4], 'x', 'g(x)', legend=['g(x)', 'Tangent line (x=1)'])",
            ],
            solution=(
                "x = torch.arange(0.1, 3, 0.1)\n"
                "plot(x, [g(x), 4 * x - 4], 'x', 'g(x)', legend=['g(x)', 'Tangent line (x=1)'])"
            ),
            wrong=[
                "x = torch.arange(0.1, 3, 0.1)\nplot(x, [g(x), 3 * x - 3], 'x', 'g(x)')",
                "x = torch.arange(0.1, 3, 0.1)\nplot(x, [g(x), 4 * x], 'x', 'g(x)')",
                "x = torch.arange(0.1, 3, 0.1)\nplot(x, g(x), 'x', 'g(x)')",
            ],
            mistakes=[
                Mistake(plot_shows(("the line 3x − 3", lambda t: 3 * t - 3)),
                        "3x − 3 uses the slope of x³ alone; g′(1) = 4 (you found it with autograd)."),
                Mistake(plot_shows(("the line 4x", lambda t: 4 * t)),
                        "4x misses the point: the tangent passes through (1, g(1)) = (1, 0), so it is 4x − 4."),
            ],
            facts=[Fact("bool((x > 0).all())", True)],
        ),
        Text(
            "percent-plot",
            """\
# %plot: function, derivative and tangent in one command

The tutor's `%plot FUNC A B` draws a function on [A, B] together with its derivative,
computed by autograd (never by a formula), and `--tangent X0` adds the tangent line and
prints its equation. On exercise 6, `%plot g 0.2 2 --tangent 1` reports the tangent
y = 4x − 4. Now include the pole: `%plot g -2 2 --tangent 1`.
Near 0 the values explode, so the y-axis is cut and a note says how far the values reach.
`--order 2` adds the second derivative.
""",
            examples=["%plot g 0.2 2 --tangent 1", "%plot g -2 2 --tangent 1", "%plot g 0.2 2 --order 2"],
        ),
        Task(
            "derivative-curve",
            goal=(
                "Plot f and its derivative f′ on one picture, with f′ computed **by autograd** rather than from "
                "the formula 6x − 4. Make a grid that requires gradients, `xs = torch.arange(0.0, 3.0, 0.1, "
                "requires_grad=True)`; one `f(xs).sum().backward()` then puts f′ at every point into `xs.grad`. "
                "Why: f acts elementwise, so xs[i] enters the sum only through its own term f(xs[i]), and the "
                "sum's derivative in xs[i] is f′(xs[i]). (Lesson non-scalar-backward, D2L 2.5.2, has the full "
                "story of this sum trick.)"
            ),
            checks=[
                calls("backward", "grad"),
                grad("xs", "6 * xs.detach() - 4", atol=1e-4),
                calls("plot"),
                plot_shows(("f", _f), ("f′ = 6x − 4 from autograd", lambda t: 6 * t - 4)),
            ],
            hints=[
                "Three steps: the grid, f(xs).sum().backward(), then plot the two curves.",
                "Curves for plot: f(xs) and xs.grad. Plotting detaches tensors for you (with NumPy or "
                "matplotlib you would call .detach() first).",
                "xs = torch.arange(0.0, 3.0, 0.1, requires_grad=True)\nf(xs).sum().backward()\n"
                "plot(xs, [f(xs), xs.grad], 'x', 'f(x)', legend=['f(x)', \"f'(x)\"])",
            ],
            solution=(
                "xs = torch.arange(0.0, 3.0, 0.1, requires_grad=True)\nf(xs).sum().backward()\n"
                "plot(xs, [f(xs), xs.grad], 'x', 'f(x)', legend=['f(x)', \"f'(x)\"])"
            ),
            wrong=[
                "xs = torch.arange(0.0, 3.0, 0.1)\nplot(xs, [f(xs), 6 * xs - 4], 'x', 'f(x)')",
                "xs = torch.arange(0.0, 3.0, 0.1, requires_grad=True)\nf(xs).sum().backward()\n"
                "plot(xs, f(xs), 'x', 'f(x)')",
            ],
            mistakes=[
                Mistake(custom("no backward", lambda ctx: not any("backward" in t or "grad(" in t
                                                                   for t in ctx.inputs)),
                        "6x − 4 is the formula. This step wants the curve autograd computes: "
                        "f(xs).sum().backward(), then plot xs.grad."),
            ],
            facts=[
                Fact("torch.ones(2, requires_grad=True).numpy()", raises="RuntimeError"),
                Fact("xs.grad.shape", "xs.shape"),
            ],
        ),
        Quiz(
            "zoom-in",
            question="Zoom in very close to x = 1 on the plot of g and its tangent. What do you see?",
            choices=[
                Choice("The tangent crosses the curve at a sharp angle",
                       why="That would be a secant line through two points; the tangent has the curve's own "
                           "slope at the touching point."),
                Choice("They stay a fixed distance apart",
                       why="They touch at (1, 0), so the gap goes to 0, and faster than h."),
                Choice("The curve and the tangent become indistinguishable: the tangent is the best straight-"
                       "line approximation of g near x = 1", correct=True,
                       why="Right: g(1 + h) − (tangent at 1 + h) shrinks faster than h (here about 2h²), "
                           "which is what having derivative 4 at 1 means."),
                Choice("The curve becomes a vertical line",
                       why="g′(1) = 4 is finite; only near the pole at 0 does g shoot off."),
            ],
            facts=[
                Fact("(g(torch.tensor(1.01, dtype=torch.float64)) - (4 * 1.01 - 4)) / 0.01", 0.0202),
                Fact("(g(torch.tensor(1.001, dtype=torch.float64)) - (4 * 1.001 - 4)) / 0.001", 0.0020),
            ],
        ),
    ],
)
