"""Lesson: derivatives (D2L 2.4): the limit, finite differences in float32 and the best step h,
differentiability and surrogate losses, the rules (the power rule for every n ≠ 0), exercises 1-5."""

import math
import warnings

from tutor.lesson import *


def _stationary_point(ctx):
    """g'(x0) == 0 by autograd, for a g that is not constant."""
    import torch

    g, x0 = ctx.namespace.get("g"), ctx.namespace.get("x0")
    if not callable(g) or x0 is None:
        return Result(False, "define a function g and a point x0 first")
    try:
        point = float(x0)
    except (TypeError, ValueError, RuntimeError):
        return Result(False, "x0 should be a single number, like 0.0")

    def slope(at):
        t = torch.tensor(at, dtype=torch.float64, requires_grad=True)
        y = g(t)
        if not isinstance(y, torch.Tensor) or y.numel() != 1:
            raise TypeError("g should return one number (a tensor) for a tensor input")
        if not y.requires_grad:
            return 0.0
        (d,) = torch.autograd.grad(y, t, allow_unused=True)
        return 0.0 if d is None else float(d)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            at_x0 = slope(point)
            elsewhere = [slope(point + s) for s in (-1.3, -0.7, 0.45, 1.1)]
    except Exception as exc:  # noqa: BLE001 - the learner's function may fail on a tensor
        return Result(False, f"could not differentiate g with autograd: {type(exc).__name__}: {exc}. "
                             "Build g from torch operations (x ** 2, torch.cos(x), ...).")
    if abs(at_x0) > 1e-6:
        return Result(False, f"autograd says g'({point:g}) = {at_x0:.4g}, not 0: look for the point where "
                             "the tangent is flat")
    if all(abs(s) < 1e-9 for s in elsewhere):
        return Result(False, "g looks constant (its slope is 0 everywhere). That is true but dull: pick a "
                             "function whose slope is zero at one point only, like a parabola at its bottom.")
    return Result(True, f"g'({point:g}) = 0 by autograd, and g is not constant")


def _value_is_zero(ctx):
    """The learner picked a root of g instead of a stationary point."""
    import torch

    g, x0 = ctx.namespace.get("g"), ctx.namespace.get("x0")
    try:
        return abs(float(g(torch.tensor(float(x0), dtype=torch.float64)))) < 1e-9
    except Exception:  # noqa: BLE001 - anything odd is simply not this mistake
        return False


def _errors(ctx):
    errors = ctx.namespace.get("errors")
    try:
        values = [float(e) for e in errors]
    except (TypeError, ValueError, RuntimeError):
        return None
    return values if len(values) == 8 else None


def _errors_listed(ctx):
    return _errors(ctx) is not None


def _best_is_argmin(ctx):
    values, hs = _errors(ctx), ctx.namespace.get("hs")
    best = ctx.namespace.get("best_h")
    if values is None or not isinstance(hs, list) or len(hs) != 8 or best is None:
        return False
    try:
        return float(best) == hs[values.index(min(values))]
    except (TypeError, ValueError, RuntimeError):
        return False


def _errors_are_float32(ctx):
    """In float32 the forward difference at h = 1e-7 is off by more than 0.1; in float64 by 1e-7."""
    values = _errors(ctx)
    return values is not None and abs(values[6]) > 0.1


def _errors_signed(ctx):
    values = _errors(ctx)
    return values is not None and any(v < 0 for v in values)


lesson = Lesson(
    id="derivatives",
    title="Derivatives: the limit, float32, and the rules",
    section="2.4",
    prerequisites=["norms"],
    minutes=40,
    summary="The derivative as a limit, why finite differences break in float32 and which h is best, what "
            "differentiable means (and why accuracy is not), notation, rules, exercises 1-5.",
    setup="",
    steps=[
        Text(
            "limit",
            """\
# The derivative is a limit (D2L 2.4)

How fast does f(x) change when x moves a little? Move x by a small step h and divide
the change in f by h. The **derivative** is what that ratio settles to as h shrinks to 0:

    f'(x) = lim_{h→0} (f(x + h) − f(x)) / h

The book's running example is **f(x) = 3x² − 4x**. At x = 1 the ratio tends to **2**:
that is the slope of the graph of f at x = 1.

In the next step you define f; then `%plot f -1 3 --tangent 1` draws f, its derivative and
the line that touches f at x = 1.
""",
        ),
        Task(
            "define-f",
            goal="Define the book's function as a Python function `f`: **f(x) = 3x² − 4x**. "
                 "Use `def` (or a lambda).",
            checks=[
                close("f(1.0)", -1.0),
                close("f(2.0)", 4.0),
                close("f(torch.tensor([0.0, 3.0]))", [0.0, 15.0]),
            ],
            hints=[
                "`def f(x):` on one line, `return ...` on the next (indented).",
                "In Python, x squared is `x ** 2` (not `x ^ 2`, which is bitwise xor).",
                "def f(x):\n    return 3 * x ** 2 - 4 * x",
            ],
            solution="def f(x):\n    return 3 * x ** 2 - 4 * x",
            wrong=["def f(x):\n    return 3 * x ** 2 - 4", "def f(x):\n    return 3 * x * 2 - 4 * x",
                   "f = 3 * 2 ** 2 - 4 * 2"],
            mistakes=[
                Mistake(close("f(2.0)", 8.0), "f(2) came out as 8: the second term is −4x, not −4."),
                Mistake(close("f(1.0)", 2.0), "Check the first term: 3x² is `3 * x ** 2`; "
                                              "`3 * x * 2` is 6x."),
                Mistake(custom("f is not callable", lambda ctx: not callable(ctx.namespace.get("f"))),
                        "f should be a function of x (use `def f(x):`), not a number."),
            ],
        ),
        Task(
            "difference-quotient",
            goal=(
                "Compute the difference quotient **(f(1 + h) − f(1)) / h** with the plain Python number "
                "`h = 0.001` and store it in `approx`. It should be close to the true slope 2."
            ),
            checks=[defined("h"), close("h", 0.001), close("approx", 2.003, atol=1e-6)],
            hints=[
                "First `h = 0.001`, then plug 1 + h and 1 into f.",
                "Divide the change in f by the step h.",
                "h = 0.001\napprox = (f(1 + h) - f(1)) / h",
            ],
            solution="h = 0.001\napprox = (f(1 + h) - f(1)) / h",
            wrong=["h = 0.001\napprox = f(1 + h) - f(1)", "h = 0.001\napprox = (f(1 + h) - f(1)) / 1",
                   "h = 0.001\napprox = f(1 + h) - f(1) / h"],
            mistakes=[
                Mistake(close("approx", 0.002003, atol=1e-7),
                        "That is the change in f. Divide it by h to get a slope."),
                Mistake(close("approx", 999.002, atol=1e-2),
                        "Brackets: (f(1 + h) - f(1)) / h. Without them Python divides only f(1) by h."),
            ],
            facts=[Fact("(f(1 + 1e-5) - f(1)) / 1e-5", 2.00003)],
        ),
        Predict(
            "float32-tiny-h",
            code="x = torch.tensor(1.0)\n(f(x + 1e-8) - f(x)) / 1e-8",
            question=(
                "Now the same quotient with a **float32 tensor** x = 1 and a tiny step h = 1e-8. "
                "What value do you expect?"
            ),
            kind_of_answer="value",
            expect="0.0",
            explanation=(
                "It gives tensor(0.). In float32, 1 + 1e-8 rounds back to exactly 1.0 (the gap between 1 and "
                "the next float32 number is about 1.2e-7), so f(x + h) − f(x) is exactly 0."
            ),
        ),
        Quiz(
            "float32-precision",
            question=(
                "In float32 the quotient at x = 1 gives 2.0030 at h = 1e-3, **2.0027** at h = 1e-5, "
                "**1.907** at h = 1e-6 and **0.0** at h = 1e-8. Why does it get *worse* as h shrinks?"
            ),
            choices=[
                Choice("The limit of the quotient is not really 2",
                       why="It is: with Python floats (float64) h = 1e-8 still gives 1.99999999. "
                           "The trouble is float32 rounding, not the mathematics."),
                Choice("`x + h` is rounded to the nearest float32 number, and near 1 those are 2⁻²³ ≈ 1.2e-7 "
                       "apart. So the step actually taken, (x + h) − x, is not h: at h = 1e-6 it is "
                       "9.54e-7, and dividing by 1e-6 instead gives about 2 × 0.954 = 1.907. Below "
                       "2⁻²⁴ the step is 0",
                       correct=True,
                       why="Right. Divide by the step actually taken and the same numbers give 2.0. A step "
                           "that is a power of two (down to 2⁻²³) is a float32 number, 1 + h is then exact, "
                           "and the quotient is exactly 2.0. Autograd needs no h at all."),
                Choice("Cancellation: f(1 + h) and f(1) agree in almost all their digits, so their "
                       "difference keeps only rounding noise",
                       why="Not for this f at x = 1: divided by the step actually taken, (x + h) − x, the "
                           "same difference gives 2.0 at h = 1e-5 and at 1e-6. The damage is done before f "
                           "runs, when x + h is rounded. (For other functions, rounding in f's values "
                           "matters too: the next step weighs it.)"),
                Choice("With a power of two as h the problem goes away, however small h is",
                       why="Powers of two help only down to 2⁻²³, the spacing of float32 numbers near 1. "
                           "At h = 2⁻²⁴, 1 + h rounds back to 1 and the quotient is 0."),
            ],
            facts=[
                Fact("(f(torch.tensor(1.0) + 1e-5) - f(torch.tensor(1.0))) / 1e-5", 2.0027),
                Fact("(f(torch.tensor(1.0) + 1e-6) - f(torch.tensor(1.0))) / 1e-6", 1.9073),
                Fact("(f(torch.tensor(1.0) + 1e-8) - f(torch.tensor(1.0))) / 1e-8", 0.0),
                Fact("(f(1 + 1e-8) - f(1)) / 1e-8", 1.99999999),
                Fact("bool(torch.tensor(1.0) + 1e-8 == 1.0)", True),
                Fact("torch.finfo(torch.float32).eps", 1.1920929e-07),
                # the step actually taken at h = 1e-6 is 8 float32 spacings, 0.954 h; it predicts 1.907
                Fact("((torch.tensor(1.0) + 1e-6) - torch.tensor(1.0)).item() / 1e-6", 0.95367431640625),
                Fact("((torch.tensor(1.0) + 1e-6) - torch.tensor(1.0)).item() / 2 ** -23", 8.0),
                # divided by that step, the float32 difference of f is right: the subtraction is not the culprit
                Fact("x1 = torch.tensor(1.0); (f(x1 + 1e-6) - f(x1)) / ((x1 + 1e-6) - x1)", 2.0),
                Fact("(f(x1 + 1e-5) - f(x1)) / ((x1 + 1e-5) - x1)", 2.0),
                # powers of two are exact down to 2**-23, then 1 + h rounds to 1
                Fact("[((f(x1 + 2.0 ** -k) - f(x1)) / 2.0 ** -k).item() for k in (15, 20, 23)]", [2.0, 2.0, 2.0]),
                Fact("(f(x1 + 2.0 ** -24) - f(x1)) / 2.0 ** -24", 0.0),
            ],
        ),
        Text(
            "step-size",
            """\
# How small should h be? Two errors pull both ways

A finite difference makes two kinds of error, and h moves them in opposite directions:

- **Truncation**: (f(x + h) − f(x)) / h is the slope of a chord, not of the tangent. Its error is
  about (h/2)·|f″(x)|: a smaller h helps. (For f = 3x² − 4x it is exactly 3h: 2.003 at h = 1e-3.)
- **Rounding**: a float carries about eps of relative error (float32: eps = 2⁻²³ ≈ 1.2e-7;
  float64: 2.2e-16). x + h and the values of f are each off by roughly eps times their size, and
  dividing by h blows that up to about eps·|f|/h: a smaller h hurts.

Their sum is smallest when the two are about equal, for h near **√eps** (scaled by the size of x
and f): about 3e-4 in float32 and 1.5e-8 in float64. Smaller steps only make it worse; this is
the trade-off behind the numbers of the last quiz.

The **central difference** (f(x + h) − f(x − h)) / (2h) looks at both sides of x. The h-terms of
the two chords cancel, so its truncation error shrinks like h² (about h²·|f‴|/6). The balance then
moves to a larger h near **∛eps**: about 5e-3 in float32 and 6e-6 in float64, with a smaller error
at its best. That is why lesson control-flow and the tutor's `%check` use central differences
(`%check` in float64, with h = 1e-6·max(1, |x|)).
""",
            examples=["torch.finfo(torch.float32).eps ** 0.5, torch.finfo(torch.float32).eps ** (1 / 3)",
                      "torch.finfo(torch.float64).eps ** 0.5, torch.finfo(torch.float64).eps ** (1 / 3)"],
            facts=[
                Fact("torch.finfo(torch.float32).eps ** 0.5", 3.4527e-4),
                Fact("torch.finfo(torch.float32).eps ** (1 / 3)", 4.9216e-3),
                Fact("torch.finfo(torch.float64).eps ** 0.5", 1.4901e-8),
                Fact("torch.finfo(torch.float64).eps ** (1 / 3)", 6.0555e-6),
                # truncation of the forward difference for this f is exactly 3h (float64)
                Fact("(f(1 + 1e-3) - f(1)) / 1e-3 - 2", 3e-3),
                # %check: a float64 central difference with h = 1e-6 * max(1, |x|)
                Fact("__import__('tutor.calculus', fromlist=['FD_STEP']).FD_STEP", 1e-6),
            ],
        ),
        Task(
            "best-step",
            goal=(
                "Find the best step yourself. For f = exp at `x = torch.tensor(1.0)` (float32, set up) the true "
                "slope is e. With `hs = [10.0 ** -k for k in range(1, 9)]` (set up), make `errors`, the list of "
                "|forward difference − e| for each h in hs, in float32 (use `math.e`, `.item()` gives a Python "
                "number). Then store the h with the smallest error in `best_h`."
            ),
            setup="x = torch.tensor(1.0)\nhs = [10.0 ** -k for k in range(1, 9)]",
            checks=[
                custom("errors has one error per h", _errors_listed,
                       "errors should be a list with one error per h in hs (8 numbers)"),
                custom("best_h is the h of the smallest error", _best_is_argmin,
                       "best_h should be the entry of hs where errors is smallest"),
                custom("float32 errors", _errors_are_float32,
                       "these errors look like float64 (tiny at h = 1e-7): this step is about float32, so "
                       "keep x = torch.tensor(1.0)"),
                close("best_h", 1e-3, atol=1e-9, rtol=1e-6,
                      message="best_h should be the h whose forward-difference error is smallest"),
            ],
            hints=[
                "A list comprehension over hs: for each h, (torch.exp(x + h) - torch.exp(x)) / h, minus math.e, "
                "made positive with abs().",
                "errors.index(min(errors)) is the position of the smallest error in the list.",
                "errors = [abs(((torch.exp(x + h) - torch.exp(x)) / h).item() - math.e) for h in hs]\n"
                "best_h = hs[errors.index(min(errors))]",
            ],
            solution=(
                "errors = [abs(((torch.exp(x + h) - torch.exp(x)) / h).item() - math.e) for h in hs]\n"
                "best_h = hs[errors.index(min(errors))]"
            ),
            wrong=[
                "errors = [abs(((torch.exp(x + h) - torch.exp(x)) / h).item() - math.e) for h in hs]\n"
                "best_h = hs[-1]",
                "errors = [abs(((torch.exp(x + h) - torch.exp(x - h)) / (2 * h)).item() - math.e) for h in hs]\n"
                "best_h = hs[errors.index(min(errors))]",
                "x = torch.tensor(1.0, dtype=torch.float64)\n"
                "errors = [abs(((torch.exp(x + h) - torch.exp(x)) / h).item() - math.e) for h in hs]\n"
                "best_h = hs[errors.index(min(errors))]",
                "errors = [((torch.exp(x + h) - torch.exp(x)) / h).item() - math.e for h in hs]\n"
                "best_h = hs[errors.index(min(errors))]",
            ],
            mistakes=[
                Mistake(custom("signed errors", _errors_signed),
                        "Some errors are negative: take abs() of the difference, or min() picks the worst "
                        "underestimate instead of the smallest error."),
                Mistake(all_of(custom("errors listed", _errors_listed),
                               custom("float64 errors", lambda ctx: not _errors_are_float32(ctx))),
                        "These errors are float64 ones (x was made float64?): in float64 the best h is far "
                        "smaller. This step is about float32: x = torch.tensor(1.0)."),
                Mistake(close("best_h", 1e-8, atol=1e-12, rtol=1e-6),
                        "The smallest h is not the best one: in float32 the rounding error grows like eps/h. "
                        "Look at your errors list: where is it smallest?"),
                Mistake(close("best_h", 1e-2, atol=1e-9, rtol=1e-6),
                        "1e-2 is where the central difference does best. This step asks for the forward "
                        "difference (f(x + h) − f(x)) / h."),
            ],
            facts=[
                # float32: forward best near sqrt(eps), central better and at a larger h
                Fact("fwd = [abs(((torch.exp(x + h) - torch.exp(x)) / h).item() - math.e) for h in hs]; "
                     "hs[fwd.index(min(fwd))]", 1e-3),
                Fact("cen = [abs(((torch.exp(x + h) - torch.exp(x - h)) / (2 * h)).item() - math.e) for h in hs]; "
                     "hs[cen.index(min(cen))]", 1e-2),
                Fact("min(cen) < min(fwd) / 10", True),
                # float64 moves both optima to much smaller steps
                Fact("x64 = torch.tensor(1.0, dtype=torch.float64); hs64 = [10.0 ** -k for k in range(1, 13)]; "
                     "f64 = [abs(((torch.exp(x64 + h) - torch.exp(x64)) / h).item() - math.e) for h in hs64]; "
                     "hs64[f64.index(min(f64))]", 1e-8),
            ],
        ),
        Quiz(
            "central-difference",
            question=(
                "The same scan with the central difference (f(x + h) − f(x − h)) / (2h) does best at h = 1e-2, "
                "with an error of 4e-5, where the forward difference did best at 1e-3 with 1.6e-3. Why is its "
                "best h larger, and its best error smaller?"
            ),
            choices=[
                Choice("It evaluates f twice, and the two rounding errors average out",
                       why="Rounding errors do not cancel that way: f(x + h) and f(x − h) are rounded "
                           "independently. The gain is in the truncation error."),
                Choice("Its truncation error shrinks like h² instead of h, so h can stay larger, which keeps "
                       "the rounding error (about eps/h) small too; the balance sits near ∛eps instead of √eps",
                       correct=True,
                       why="Right. The h-terms of the chords to the left and to the right cancel. Autograd "
                           "avoids both errors: it has no h."),
                Choice("PyTorch computes central differences in float64 internally",
                       why="Nothing in the formula changes the dtype: x is float32, so every value is."),
                Choice("A larger h always gives a smaller error",
                       why="Not beyond the balance point: at h = 1e-1 its error (4.5e-3) is 100 times larger "
                           "than at 1e-2, because truncation grows with h."),
            ],
            facts=[
                Fact("errs = [abs(((torch.exp(x + h) - torch.exp(x - h)) / (2 * h)).item() - math.e) for h in hs]; "
                     "errs[1] < 5e-5 and errs[0] > 4e-3", True),
                Fact("fwd = [abs(((torch.exp(x + h) - torch.exp(x)) / h).item() - math.e) for h in hs]; "
                     "round(min(fwd), 4), hs[fwd.index(min(fwd))]", (0.0016, 1e-3)),
                # the truncation error of the central difference falls 100-fold per 10-fold smaller h (float64)
                Fact("x64 = torch.tensor(1.0, dtype=torch.float64); "
                     "c = lambda h: abs(((torch.exp(x64 + h) - torch.exp(x64 - h)) / (2 * h)).item() - math.e); "
                     "round(c(1e-2) / c(1e-3))", 100),
            ],
        ),
        Text(
            "differentiable",
            """\
# Differentiable, and what is not (D2L 2.4.1)

When the limit f′(x) exists, f is **differentiable at x**; when that holds at every point of an
interval, f is differentiable on the interval. "Exists" means one finite number, whichever side
h comes from:

- |x| at 0: from the right the quotient is (h − 0)/h = 1, from the left −1. No single limit, so no
  derivative: a **kink**.
- a step function at its jump: the quotient blows up. No derivative.
- √x at 0: the quotient 1/√h grows without bound. No (finite) derivative.

A differentiable function is also continuous (the product rule's proof uses that).

Training follows derivatives, so what we minimise must be differentiable in the parameters.
**Accuracy** is not: it counts correct answers, so a tiny change of a parameter either changes
nothing (slope 0) or flips an answer (a jump). Where its derivative exists it is 0, and a zero
gradient gives no direction. D2L 2.4.1 names accuracy (and the area under the ROC curve) among
the functions we would like to optimise but cannot differentiate. So we
train on a **surrogate loss**: a differentiable stand-in that falls as the model gets better (the
squared error, the cross-entropy), and we report accuracy on the side.
""",
            examples=[
                "t = torch.tensor(0.0, requires_grad=True)",
                "w = torch.tensor(0.5, requires_grad=True)",
                "xs = torch.tensor([-2.0, -1.0, 1.0, 3.0]); labels = torch.tensor([0.0, 1.0, 1.0, 1.0])",
                "accuracy = ((w * xs > 0).float() == labels).float().mean()",
                "accuracy, accuracy.requires_grad",
                "loss = torch.nn.functional.binary_cross_entropy_with_logits(w * xs, labels)",
                "loss.backward(); w.grad",
            ],
            facts=[
                # |t| has different one-sided slopes at 0
                Fact("(abs(1e-6) - 0) / 1e-6, (abs(-1e-6) - 0) / -1e-6", (1.0, -1.0)),
                # accuracy is piecewise constant in w: the comparison cuts the graph
                Fact("accuracy.requires_grad", False),
                Fact("accuracy", 0.75),
                Fact("[((wv * xs > 0).float() == labels).float().mean().item() for wv in (0.4, 0.5, 0.6)]",
                     [0.75, 0.75, 0.75]),
                # the surrogate has a gradient, and it points the useful way
                Fact("w.grad is not None and bool(w.grad != 0)", True),
            ],
        ),
        Quiz(
            "surrogate",
            question=(
                "A classifier's accuracy is 0.75, and you want gradient descent to raise it. Why do people "
                "minimise a surrogate loss such as the cross-entropy instead of maximising the accuracy itself?"
            ),
            choices=[
                Choice("Accuracy is too expensive to compute in every step",
                       why="Counting correct answers is cheap; the trouble is its derivative."),
                Choice("Accuracy is piecewise constant in the parameters: its derivative is 0 where it exists "
                       "and undefined at the jumps, so its gradient never says which way to move",
                       correct=True,
                       why="Right. A differentiable surrogate that falls as the predictions improve gives a "
                           "useful gradient everywhere; accuracy is still what you report."),
                Choice("PyTorch has no function for accuracy",
                       why="One line computes it; autograd just gets nothing from it: the comparison (w * xs > 0) "
                           "gives a tensor that does not require grad."),
                Choice("A surrogate loss always ends at 100% accuracy",
                       why="It promises no such thing; it is a differentiable stand-in that usually rises and "
                           "falls with accuracy, which is why it is a useful guide."),
            ],
        ),
        Text(
            "notation",
            """\
# Ways to write a derivative

For y = f(x) these all mean the same thing:

    f'(x)    y'    dy/dx    df/dx    d/dx f(x)    Df(x)    Dₓf(x)

`d/dx` and `D` are **operators**: they take a function and give back its derivative.
The value at one point is written f'(1) or dy/dx evaluated at x = 1.
""",
        ),
        Text(
            "rules",
            """\
# The rules (D2L 2.4)

Nobody takes limits every time. A few basic derivatives:

- constant: d/dx C = 0
- power: d/dx xⁿ = n·xⁿ⁻¹ for every real n ≠ 0, not only whole numbers (for n that is not a
  whole number, take x > 0; for negative n, x ≠ 0)
- exponential: d/dx eˣ = eˣ
- logarithm: d/dx ln x = 1/x

and ways to combine them, for differentiable f and g and a constant C:

- constant multiple: (C·f)' = C·f'
- sum: (f + g)' = f' + g'
- product: (f·g)' = f'·g + f·g'
- quotient: (f/g)' = (f'·g − f·g') / g²

For f(x) = 3x² − 4x: power + constant multiple + sum give f'(x) = 6x − 4, so f'(1) = 2.
See it: `%plot f -1 3 --tangent 1` draws f, its derivative (computed by autograd) and the
tangent line at x = 1, y = 2x − 3.
""",
            examples=["%plot f -1 3 --tangent 1"],
        ),
        Task(
            "rule-derivative",
            goal="Using the rules, write the derivative of f as a function `df` (so `df(1.0)` is 2.0).",
            checks=[close("df(1.0)", 2.0), close("df(3.0)", 14.0), close("df(-0.5)", -7.0)],
            hints=[
                "Differentiate each term: 3x² and −4x.",
                "The power rule gives 3·2·x for 3x²; −4x gives −4.",
                "def df(x):\n    return 6 * x - 4",
            ],
            solution="def df(x):\n    return 6 * x - 4",
            wrong=["def df(x):\n    return 6 * x", "def df(x):\n    return 3 * x - 4",
                   "def df(x):\n    return 6 * x ** 2 - 4"],
            mistakes=[
                Mistake(close("df(3.0)", 18.0), "The −4x term has a derivative too: −4."),
                Mistake(close("df(3.0)", 5.0), "Power rule: the exponent 2 comes down as a factor, "
                                               "so 3x² becomes 6x."),
            ],
        ),
        Explain(
            "exercise-1-basic-derivatives",
            topics=["limit", "constant", "power", "binomial", "exponential", "eˣ", "e^", "log", "ln", "derivative"],
            question=(
                "D2L 2.4, exercise 1. From the limit definition, show that the derivative of a constant c is 0, "
                "of xⁿ is n·xⁿ⁻¹ (first for n a positive integer; then say why it holds for every real n ≠ 0), "
                "of eˣ is eˣ, and of ln x is 1/x."
            ),
            model_answer=(
                "Constant: (c − c)/h = 0 for every h, so the limit is 0.\n\n"
                "Power: expand (x + h)ⁿ with the binomial theorem: xⁿ + n·xⁿ⁻¹·h + (terms with h², h³, …). "
                "Subtract xⁿ and divide by h: n·xⁿ⁻¹ + (terms with h, h², …) → n·xⁿ⁻¹ as h → 0. "
                "For any real n ≠ 0 and x > 0, write xⁿ = e^{n·ln x}; with the two results below and the chain "
                "rule its derivative is e^{n·ln x}·n/x = n·xⁿ⁻¹. (Negative whole n also follow from the quotient "
                "rule on 1/x^{|n|}, for any x ≠ 0.)\n\n"
                "Exponential: (e^{x+h} − eˣ)/h = eˣ·(eʰ − 1)/h, and (eʰ − 1)/h → 1 (that limit is what makes "
                "e special: eʰ = 1 + h + h²/2 + …). So the derivative is eˣ.\n\n"
                "Logarithm: (ln(x + h) − ln x)/h = (1/h)·ln(1 + h/x). Put t = h/x: this is (1/x)·ln(1 + t)/t, "
                "and ln(1 + t)/t → 1 as t → 0, so the limit is 1/x."
            ),
        ),
        Explain(
            "exercise-2-combination-rules",
            topics=["sum", "product", "quotient", "limit", "add and subtract", "f'", "f′", "g'", "g′"],
            question=(
                "D2L 2.4, exercise 2. Prove the sum, product and quotient rules from the limit definition."
            ),
            model_answer=(
                "Sum: [(f + g)(x + h) − (f + g)(x)]/h = [f(x + h) − f(x)]/h + [g(x + h) − g(x)]/h → f' + g'.\n\n"
                "Product: add and subtract f(x)·g(x + h) in the numerator:\n\n"
                "[f(x+h)g(x+h) − f(x)g(x+h) + f(x)g(x+h) − f(x)g(x)]/h = "
                "g(x + h)·[f(x+h) − f(x)]/h + f(x)·[g(x+h) − g(x)]/h → g(x)f'(x) + f(x)g'(x), "
                "using g(x + h) → g(x) (g is continuous because it is differentiable).\n\n"
                "Quotient: first 1/g: [1/g(x+h) − 1/g(x)]/h = −[g(x+h) − g(x)]/h · 1/(g(x+h)g(x)) → −g'/g² "
                "(where g(x) ≠ 0). Then f/g = f·(1/g) and the product rule gives "
                "f'/g − f·g'/g² = (f'g − fg')/g²."
            ),
        ),
        Explain(
            "exercise-3-constant-multiple",
            topics=["product rule", "constant", "derivative", "g'", "g′", "zero", "0"],
            question=(
                "D2L 2.4, exercise 3. Show that the constant-multiple rule (C·f)' = C·f' is a special case of "
                "the product rule."
            ),
            model_answer=(
                "Treat C as the function g(x) = C. The product rule gives (g·f)' = g'·f + g·f'. A constant "
                "has derivative 0, so g' = 0 and the first term vanishes: (C·f)' = 0·f + C·f' = C·f'."
            ),
        ),
        Text(
            "autograd-preview",
            """\
# Letting PyTorch differentiate (a preview of D2L 2.5)

PyTorch can apply the rules for you. The recipe, in four lines:

    x = torch.tensor(1.0, requires_grad=True)  # 1. a float tensor that records
    y = f(x)                                   # 2. compute with it
    y.backward()                               # 3. the chain rule, backwards
    x.grad                                     # 4. dy/dx at x = 1: tensor(2.)

No h, no rounding trouble: the answer is the exact derivative (up to float32 rounding of the
result). The autograd lessons explain each line; here we use it to check answers.
""",
            examples=["x = torch.tensor(1.0, requires_grad=True)", "y = f(x)", "y.backward()", "x.grad"],
            facts=[Fact("x.grad", 2.0)],
        ),
        Task(
            "power-rule-any-n",
            goal=(
                "The power rule d/dx xⁿ = n·xⁿ⁻¹ is not only for positive whole n. Check it at x = 4 for "
                "**n = −1** (1/x) and **n = ½** (√x).\n\n"
                "1. With `x = torch.tensor(4.0, requires_grad=True)`, let autograd differentiate `x ** -1` and "
                "`x ** 0.5`: `torch.autograd.grad(y, x)[0]` returns dy/dx for one y without writing into "
                "x.grad. Store the two slopes in `d_inv` and `d_sqrt`.\n"
                "2. Store the rule's values n·xⁿ⁻¹ at x = 4, worked out with plain numbers, in `rule_inv` and "
                "`rule_sqrt`."
            ),
            checks=[
                close("d_inv", -0.0625, message="d_inv should be autograd's slope of x ** -1 at 4"),
                close("d_sqrt", 0.25, message="d_sqrt should be autograd's slope of x ** 0.5 at 4"),
                calls("grad", "backward", message="let autograd compute d_inv and d_sqrt"),
                close("rule_inv", -0.0625, message="rule_inv should be n·xⁿ⁻¹ with n = −1, x = 4"),
                close("rule_sqrt", 0.25, message="rule_sqrt should be n·xⁿ⁻¹ with n = 0.5, x = 4"),
            ],
            hints=[
                "torch.autograd.grad(x ** -1, x)[0] is the slope of 1/x at x.",
                "The rule: n·xⁿ⁻¹ is -1 * 4.0 ** (-1 - 1) for n = −1 and 0.5 * 4.0 ** (0.5 - 1) for n = ½.",
                "x = torch.tensor(4.0, requires_grad=True)\nd_inv = torch.autograd.grad(x ** -1, x)[0]\n"
                "d_sqrt = torch.autograd.grad(x ** 0.5, x)[0]\nrule_inv = -1 * 4.0 ** (-1 - 1)\n"
                "rule_sqrt = 0.5 * 4.0 ** (0.5 - 1)",
            ],
            solution=(
                "x = torch.tensor(4.0, requires_grad=True)\nd_inv = torch.autograd.grad(x ** -1, x)[0]\n"
                "d_sqrt = torch.autograd.grad(x ** 0.5, x)[0]\nrule_inv = -1 * 4.0 ** (-1 - 1)\n"
                "rule_sqrt = 0.5 * 4.0 ** (0.5 - 1)"
            ),
            wrong=[
                "x = torch.tensor(4.0, requires_grad=True)\nd_inv = torch.autograd.grad(x ** -1, x)[0]\n"
                "d_sqrt = torch.autograd.grad(x ** 0.5, x)[0]\nrule_inv = -1 * 4.0 ** -1\n"
                "rule_sqrt = 0.5 * 4.0 ** 0.5",
                "x = torch.tensor(4.0, requires_grad=True)\n(x ** -1).backward()\nd_inv = x.grad\n"
                "(x ** 0.5).backward()\nd_sqrt = x.grad\nrule_inv = -1 * 4.0 ** (-1 - 1)\n"
                "rule_sqrt = 0.5 * 4.0 ** (0.5 - 1)",
                "d_inv = -1 * 4.0 ** (-1 - 1)\nd_sqrt = 0.5 * 4.0 ** (0.5 - 1)\n"
                "rule_inv = -1 * 4.0 ** (-1 - 1)\nrule_sqrt = 0.5 * 4.0 ** (0.5 - 1)",
            ],
            mistakes=[
                Mistake(close("rule_inv", -0.25),
                        "The exponent drops by one: n·xⁿ⁻¹ is −1·4⁻² = −1/16, not −1·4⁻¹."),
                Mistake(close("rule_sqrt", 1.0),
                        "The exponent drops by one: ½·4^(½ − 1) = ½·½ = 0.25, not ½·4^½."),
                Mistake(all_of(close("d_inv", 0.1875), close("d_sqrt", 0.1875)),
                        "d_inv and d_sqrt are both 0.1875: they are the same tensor x.grad, and the second "
                        "backward added into it (−0.0625 + 0.25). Use torch.autograd.grad, which returns each "
                        "slope on its own."),
            ],
            facts=[
                Fact("torch.autograd.grad(x ** -1, x)[0]", -0.0625),
                Fact("torch.autograd.grad(x ** 0.5, x)[0]", 0.25),
                Fact("x.grad", None),
                # any real n != 0, e.g. n = -2.5 and n = pi
                Fact("[torch.autograd.grad(x ** n, x)[0].item() for n in (-2.5, math.pi)]",
                     [-2.5 * 4.0 ** -3.5, math.pi * 4.0 ** (math.pi - 1)]),
            ],
        ),
        Task(
            "exercise-4-x-to-the-x",
            goal=(
                "D2L 2.4, exercise 4: the derivative of **f(x) = xˣ**. Neither the power rule (the exponent "
                "is not a constant) nor the exponential rule (the base is not constant) applies directly.\n\n"
                "1. Let autograd find the derivative at x = 2: make `x = torch.tensor(2.0, requires_grad=True)`, "
                "compute `y = x ** x`, call `y.backward()`.\n"
                "2. Work out the formula by hand (hint: xˣ = e^{x·ln x}) and store its value at x = 2 in "
                "`formula`. It must match `x.grad`."
            ),
            checks=[
                grad("x", 4 * (0.6931471805599453 + 1), atol=1e-4),
                calls("backward", "grad", message="let autograd compute x.grad: call y.backward()"),
                close("formula", 4 * (0.6931471805599453 + 1), atol=1e-4),
                close("formula", "x.grad", atol=1e-4),
            ],
            hints=[
                "Write xˣ = e^{x·ln x} and use the chain rule: the derivative of e^{u} is e^{u}·u'.",
                "u = x·ln x has derivative ln x + 1 (product rule). So (xˣ)' = xˣ·(ln x + 1).",
                "x = torch.tensor(2.0, requires_grad=True)\ny = x ** x\ny.backward()\n"
                "formula = x ** x * (torch.log(x) + 1)",
            ],
            solution=(
                "x = torch.tensor(2.0, requires_grad=True)\ny = x ** x\ny.backward()\n"
                "formula = x ** x * (torch.log(x) + 1)"
            ),
            wrong=[
                "x = torch.tensor(2.0, requires_grad=True)\ny = x ** x\ny.backward()\nformula = x * x ** (x - 1)",
                "x = torch.tensor(2.0, requires_grad=True)\ny = x ** x\ny.backward()\n"
                "formula = x ** x * (torch.log10(x) + 1)",
                "x = torch.tensor(2.0, requires_grad=True)\nformula = x ** x * (torch.log(x) + 1)",
            ],
            mistakes=[
                Mistake(close("formula", 4.0, atol=1e-4),
                        "x·x^(x−1) is the power rule, which needs a constant exponent. Here the exponent moves "
                        "with x: write xˣ = e^{x·ln x} and differentiate that."),
                Mistake(close("formula", 4 * (0.3010299956639812 + 1), atol=1e-4),
                        "torch.log10 is the base-10 logarithm; the calculus rules use the natural log, "
                        "torch.log."),
            ],
            facts=[
                Fact("x.grad", "x.detach() ** x.detach() * (torch.log(x.detach()) + 1)"),
                Fact("torch.log(torch.tensor(math.e))", 1.0),
            ],
        ),
        Quiz(
            "exercise-5-meaning",
            question="D2L 2.4, exercise 5. What does f'(x) = 0 tell you about f at that x?",
            choices=[
                Choice("f(x) = 0 at that point",
                       why="The value and the slope are different things: f(x) = x² + 1 has f'(0) = 0 but "
                           "f(0) = 1."),
                Choice("x is a minimum of f",
                       why="It could be a maximum (−x² at 0) or neither (x³ at 0). f'(x) = 0 is needed for a "
                           "smooth minimum but not enough."),
                Choice("The tangent line is horizontal there: f is momentarily flat. It can be a minimum, "
                       "a maximum, or neither (x³ at 0)", correct=True,
                       why="Right. A zero derivative marks a *stationary point*. It is where minima and "
                           "maxima of a smooth function hide, which is why training looks for small gradients, "
                           "but x³ at 0 is flat without being either."),
                Choice("f is constant",
                       why="Only if f' is 0 *everywhere*. Here it is 0 at one point: x² has f'(0) = 0 but "
                           "changes everywhere else."),
            ],
        ),
        Task(
            "exercise-5-example",
            goal=(
                "Give an example for exercise 5: define a function `g` (built from torch operations) and a point "
                "`x0` (a number) where **g'(x0) = 0**. The check differentiates g at x0 with autograd. "
                "Our f = 3x² − 4x has such a point too, if you want to find it."
            ),
            checks=[custom("g'(x0) = 0 and g is not constant", _stationary_point)],
            hints=[
                "Think of a parabola: where is its tangent flat?",
                "x² is flat at its bottom, x = 0. For 3x² − 4x, solve 6x − 4 = 0.",
                "def g(x):\n    return x ** 2\nx0 = 0.0",
            ],
            solution="def g(x):\n    return x ** 2\nx0 = 0.0",
            wrong=[
                "def g(x):\n    return x ** 2\nx0 = 1.0",
                "def g(x):\n    return 3 * x ** 2 - 4 * x\nx0 = 0.0",
                "def g(x):\n    return 5 + 0 * x\nx0 = 1.0",
                "def g(x):\n    return math.cos(x)\nx0 = 0.0",
            ],
            mistakes=[
                Mistake(custom("g(x0) is 0", _value_is_zero),
                        "At x0 the *value* g(x0) is 0. The exercise asks for a point where the *slope* is 0."),
            ],
            facts=[Fact("df(2 / 3)", 0.0)],
        ),
    ],
)
