"""Lesson: derivatives (D2L 2.4): the limit, finite differences in float32, the rules, exercises 1-5."""

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


lesson = Lesson(
    id="derivatives",
    title="Derivatives: the limit, float32, and the rules",
    section="2.4",
    prerequisites=["norms"],
    minutes=25,
    summary="The derivative as a limit, why finite differences break in float32, notation, rules, exercises 1-5.",
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
                Choice("Rounding: float32 keeps about 7 significant digits, so f(1 + h) − f(1) loses "
                       "most of its digits when h is tiny, and dividing by h blows that error up",
                       correct=True,
                       why="Right. Subtracting two nearly equal numbers cancels their leading digits "
                           "(catastrophic cancellation). Autograd avoids this: it applies the rules exactly, "
                           "with no h at all."),
                Choice("PyTorch computes powers approximately",
                       why="x ** 2 is correctly rounded; the damage comes from subtracting two almost equal "
                           "numbers and dividing by a tiny h."),
                Choice("h must be an integer power of 2",
                       why="Powers of two avoid one small rounding of h itself, but f(1 + h) − f(1) still "
                           "cancels; at h = 2**-30 the float32 answer is still 0."),
            ],
            facts=[
                Fact("(f(torch.tensor(1.0) + 1e-5) - f(torch.tensor(1.0))) / 1e-5", 2.0027),
                Fact("(f(torch.tensor(1.0) + 1e-6) - f(torch.tensor(1.0))) / 1e-6", 1.9073),
                Fact("(f(torch.tensor(1.0) + 1e-8) - f(torch.tensor(1.0))) / 1e-8", 0.0),
                Fact("(f(1 + 1e-8) - f(1)) / 1e-8", 1.99999999),
                Fact("bool(torch.tensor(1.0) + 1e-8 == 1.0)", True),
                Fact("torch.finfo(torch.float32).eps", 1.1920929e-07),
                Fact("(f(torch.tensor(1.0) + 2 ** -30) - f(torch.tensor(1.0))) / 2 ** -30", 0.0),
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
- power: d/dx xⁿ = n·xⁿ⁻¹ (n any real number, for x > 0)
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
            question=(
                "D2L 2.4, exercise 1. From the limit definition, show that the derivative of a constant c is 0, "
                "of xⁿ is n·xⁿ⁻¹ (take n a positive integer), of eˣ is eˣ, and of ln x is 1/x."
            ),
            model_answer=(
                "Constant: (c − c)/h = 0 for every h, so the limit is 0.\n\n"
                "Power: expand (x + h)ⁿ with the binomial theorem: xⁿ + n·xⁿ⁻¹·h + (terms with h², h³, …). "
                "Subtract xⁿ and divide by h: n·xⁿ⁻¹ + (terms with h, h², …) → n·xⁿ⁻¹ as h → 0.\n\n"
                "Exponential: (e^{x+h} − eˣ)/h = eˣ·(eʰ − 1)/h, and (eʰ − 1)/h → 1 (that limit is what makes "
                "e special: eʰ = 1 + h + h²/2 + …). So the derivative is eˣ.\n\n"
                "Logarithm: (ln(x + h) − ln x)/h = (1/h)·ln(1 + h/x). Put t = h/x: this is (1/x)·ln(1 + t)/t, "
                "and ln(1 + t)/t → 1 as t → 0, so the limit is 1/x."
            ),
        ),
        Explain(
            "exercise-2-combination-rules",
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
