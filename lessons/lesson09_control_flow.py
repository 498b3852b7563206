"""Lesson 9: gradients through Python control flow (D2L 2.5.4), the a = 0 trap, design your own."""

import ast

from tutor.lesson import *

# The control-flow function of D2L 2.5.4, in our own words (the same code as in lesson non-scalar-backward).
F_SOURCE = '''\
def f(a):
    """Double a until its norm reaches 1000, then keep it or scale it by 100 by the sign of its sum."""
    b = 2 * a
    while b.norm() < 1000:
        b = 2 * b
    return b if b.sum() > 0 else 100 * b
'''


def _function_defs(ctx, name):
    found = []
    for tree in ctx.trees():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.Lambda)) and getattr(node, "name", None) == name:
                found.append(node)
    return found


def _g_branches_on_a_value(ctx):
    """The learner's latest `def g` contains an if / while / conditional expression whose test reads a name."""
    defs = _function_defs(ctx, "g")
    if not defs:
        return False
    for node in ast.walk(defs[-1]):
        if isinstance(node, (ast.If, ast.While, ast.IfExp)):
            if any(isinstance(n, ast.Name) for n in ast.walk(node.test)):
                return True
    return False


def _grad_and_fd_disagree(ctx):
    import torch

    a, fd = ctx.namespace.get("a"), ctx.namespace.get("fd")
    g = getattr(a, "grad", None)
    if g is None or fd is None:
        return False
    try:
        fd = torch.as_tensor(fd, dtype=torch.float64).detach()
        return not torch.allclose(g.detach().to(torch.float64), fd, rtol=1e-2, atol=1e-3)
    except (TypeError, RuntimeError, ValueError):
        return False


def _called_backward(ctx):
    return calls("backward")(ctx).passed


def _grad_is_100_power_of_two(ctx):
    import math

    g = getattr(ctx.namespace.get("a"), "grad", None)
    if g is None or g.numel() != 1:
        return False
    k = float(g) / 100
    return k > 0 and math.log2(k).is_integer()


lesson = Lesson(
    id="control-flow",
    title="Gradients through Python control flow",
    section="2.5.4",
    prerequisites=["autograd-basics", "non-scalar-backward"],
    minutes=20,
    summary="Autograd follows the path your code actually took: a.grad == d / a, the a = 0 trap, "
            "jumps, and your own control-flow example.",
    setup=F_SOURCE,
    steps=[
        Text(
            "define-by-run",
            """\
## Autograd follows the code that ran (D2L 2.5.4)

Autograd does not read your source code. It records the tensor operations **as they execute**.
So a Python `if`, `while` or `for` is no obstacle: the branches not taken are simply never
recorded, and a loop that ran nine times leaves nine operations in the graph. The graph is
built again, possibly different, every time the function runs.

The lesson setup defined our version of the book's example, `f`:

    def f(a):
        b = 2 * a
        while b.norm() < 1000:      # how often? depends on the value of a
            b = 2 * b
        return b if b.sum() > 0 else 100 * b   # which branch? depends on a too

Both the number of loop passes and the branch are decided by the **value** of `a`.
""",
            examples=["f(torch.tensor(1.0))", "f(torch.tensor(-1.0))"],
            facts=[
                Fact("f(torch.tensor(1.0))", 1024.0),
                Fact("f(torch.tensor(-1.0))", -102400.0),
            ],
        ),
        Predict(
            "f-of-one",
            code="a = torch.tensor(1.0, requires_grad=True)\nd = f(a)\nd",
            question="With `a = torch.tensor(1.0, requires_grad=True)` and `d = f(a)`: what is `d`? "
                     "(b starts at 2 and doubles while its norm is below 1000)",
            kind_of_answer="value",
            expect="1024.",
            explanation="b goes 2, 4, 8, ..., 512, 1024 and stops at the first value ≥ 1000. The sum is "
                        "positive, so f returns b: d = 1024 = 2¹⁰·a. The graph holds ten multiplications by "
                        "2: `%trace d` walks through all ten.",
            facts=[
                Fact("type(d.grad_fn).__name__", "'MulBackward0'"),
                # ten multiplications in the recorded graph: 2 * a, then nine doublings in the loop
                Fact("def count_muls(node):\n"
                     "    if node is None:\n"
                     "        return 0\n"
                     "    own = type(node).__name__ == 'MulBackward0'\n"
                     "    return own + sum(count_muls(n) for n, _ in node.next_functions)\n"
                     "count_muls(d.grad_fn)", 10),
            ],
        ),
        Quiz(
            "linear-in-a",
            question="For any fixed path through the loop and the `if`, what kind of function of `a` is "
                     "`f`?",
            choices=[
                Choice("Quadratic, because b keeps being multiplied.",
                       why="b is multiplied by constants (2, 100), never by a again, so the result stays "
                           "proportional to a."),
                Choice("Constant: the loop always stops near 1000, whatever a is.",
                       why="The loop only guarantees a floor: |d| ≥ 1000 always (≥ 100,000 on the else "
                           "branch). Above that nothing caps it: f(1e6) is 2e6, since a big a skips the loop. "
                           "And on each piece d still scales with a: d = k·a."),
                Choice("Linear: d = k·a, where k is 2ⁿ or 100·2ⁿ and only the path decides n and the 100.",
                       correct=True,
                       why="Right. Every recorded operation is a multiplication by a constant (2 or 100). "
                           "The control flow only chooses how many. Overall f is piecewise linear."),
                Choice("Impossible to say: autograd cannot handle loops.",
                       why="It can: the loop passes that ran are recorded like any other operations."),
            ],
            facts=[
                Fact("d / a", 1024.0),
                # |d| has a floor (1000, or 100,000 on the else branch) but no ceiling
                Fact("f(torch.tensor(1e6))", 2e6),
                Fact("min(f(torch.tensor(v)).abs().item() for v in (1e-3, 0.49, 0.5, 0.97, 3.0, 700.0)) >= 1000",
                     True),
                Fact("min(f(torch.tensor(v)).abs().item() for v in (-1e-3, -0.3, -0.97, -700.0)) >= 100000",
                     True),
            ],
        ),
        Task(
            "random-scalar",
            goal="Do the book's experiment: make `a` a **random** scalar (shape `()`) that requires "
                 "gradients, compute `d = f(a)`, and run the backward pass.",
            checks=[
                grad("a", "d / a", message="a.grad does not match d / a yet: compute d = f(a) for your new a, "
                                           "then call d.backward()"),
                tensor("a", shape=(), requires_grad=True),
                calls("randn", "rand"),
                calls("backward"),
            ],
            hints=[
                "torch.randn makes random normal numbers; size=() makes a scalar.",
                "Then d = f(a) and backward on d (a scalar, so no argument needed).",
                "a = torch.randn(size=(), requires_grad=True)\nd = f(a)\nd.backward()",
            ],
            solution="a = torch.randn(size=(), requires_grad=True)\nd = f(a)\nd.backward()",
            wrong=[
                "a = torch.randn(size=(), requires_grad=True)\nd = f(a)",
                "a = torch.randn(size=())\nd = f(a)\nd.backward()",
                "a = torch.randn(size=(), requires_grad=True)\nd.backward()",
            ],
            mistakes=[
                Mistake(tensor("a", requires_grad=False),
                        "a does not require gradients, so nothing was recorded: "
                        "torch.randn(size=(), requires_grad=True)."),
                Mistake(avoids("backward"),
                        "Next: d = f(a) for this a, then d.backward() to fill a.grad."),
            ],
        ),
        Predict(
            "grad-is-ratio",
            code="torch.allclose(a.grad, d / a)",
            question="Whatever random `a` you got: what does `torch.allclose(a.grad, d / a)` give?",
            kind_of_answer="value",
            expect="True",
            explanation="True. On the piece where a lies, d = k·a, so dd/da = k = d / a. That is why the "
                        "book can check a.grad == d / a without knowing how many doublings happened.",
        ),
        Text(
            "why-ratio",
            """\
## Why `a.grad == d / a`, and why compare with allclose

On its piece, f(a) = k·a, so the derivative is k, and k = d / a. Autograd gets k by multiplying
the local derivatives along the recorded path: 2 for each doubling, and 100 if the else branch
ran. It never differentiates the loop condition or the `if` test: they only choose the path.

The book checks `a.grad == d / a` with `==`. Usually that prints `True`, but in the `100 * b`
branch rounding can bite: for `a = torch.tensor(-0.09)`, `a.grad` is exactly 1638400 while
`d / a` comes out as 1638399.875 in float32, and `==` says `False`. Comparing floats computed
along different routes is a job for `torch.allclose`.
""",
            examples=["a.grad, d / a"],
            facts=[
                Fact("a9 = torch.tensor(-0.09, requires_grad=True); d9 = f(a9); d9.backward(); a9.grad",
                     1638400.0),
                Fact("(d9 / a9).item()", 1638399.875),
                Fact("bool(a9.grad == d9 / a9)", False),
                Fact("torch.allclose(a9.grad, d9 / a9)", True),
            ],
        ),
        Task(
            "else-branch",
            goal="Choose your own `a` (a scalar that requires grad) for which `f` takes the **else** "
                 "branch, `100 * b`. Compute `d = f(a)` and `a.grad`. The 100 should show up in the "
                 "gradient.",
            checks=[
                custom("a.grad is 100 times a power of 2", _grad_is_100_power_of_two,
                       "a.grad should be 100·2ⁿ: compute d = f(a) for this a, then call d.backward()"),
                tensor("a", shape=(), requires_grad=True),
                true("bool(a.detach() < 0)", "f takes the else branch only when b.sum() is not positive: "
                                            "choose a negative a"),
                grad("a", "d / a"),
                calls("backward"),
            ],
            hints=[
                "The sign of b is the sign of a. Which sign makes b.sum() > 0 false?",
                "Any negative number will do, e.g. -1.0. Do not use 0 (you will see why next).",
                "a = torch.tensor(-1.0, requires_grad=True)\nd = f(a)\nd.backward()",
            ],
            solution="a = torch.tensor(-1.0, requires_grad=True)\nd = f(a)\nd.backward()",
            wrong=[
                "a = torch.tensor(1.5, requires_grad=True)\nd = f(a)\nd.backward()",
                "a = torch.tensor(-1.5)\nd = f(a)\nd.backward()",
                "a = torch.tensor(-1.5, requires_grad=True)\nd = f(a)",
            ],
            mistakes=[
                Mistake(true("bool(a.detach() > 0)", "no"),
                        "With a positive a, b.sum() > 0 and f returns b itself: choose a negative a."),
                Mistake(tensor("a", requires_grad=False),
                        "a must require gradients: torch.tensor(-1.5, requires_grad=True)."),
            ],
            facts=[Fact("a.grad", 102400.0), Fact("d", -102400.0)],
        ),
        Quiz(
            "a-zero",
            question="Think, do NOT run it: what happens on `f(torch.tensor(0.0))`?",
            choices=[
                Choice("It returns 0 and a.grad is 0.",
                       why="It never gets to return: the loop condition 0 < 1000 stays true forever."),
                Choice("It never returns: b stays 0, its norm stays below 1000, and the while loop spins "
                       "forever.", correct=True,
                       why="Right. Doubling 0 gives 0, so the condition b.norm() < 1000 never turns false. "
                           "The book's random a is never exactly 0 in practice, so its example does not meet "
                           "this case; your own inputs might. (If it happens to you, Ctrl-C stops the input.)"),
                Choice("It raises ZeroDivisionError.",
                       why="Nothing divides in f. The loop only doubles, and 2·0 = 0 forever."),
                Choice("It returns 100·0 = 0 because the sum is not positive.",
                       why="That would be the else branch, but the loop before it never ends."),
            ],
            facts=[
                Fact("(2 * torch.tensor(0.0)).norm()", 0.0),
                Fact("2 * (2 * torch.tensor(0.0))", 0.0),
            ],
        ),
        Explain(
            "guard-zero",
            topics=["guard", "return", "if", "norm", "zero", "0", "cap", "loop", "jump", "derivative", "convention", "undefined", "continu"],
            question="How would you change `f` so that `a = 0` cannot hang it? What should it return there, "
                     "and what is the mathematically honest answer for the derivative of f at 0?",
            model_answer="Guard the loop: return early when b.norm() == 0 (f(0) = 0 is the natural value, "
                         "since 2ⁿ·0 = 0), or cap the number of passes with for _ in range(max_steps). For any "
                         "a ≠ 0 the result has norm at least 1000 (at least 100 000 on the else branch) while "
                         "f(0) = 0, so f jumps at 0 and has no derivative there; whatever gradient your "
                         "guarded version reports at 0 is a convention, not a derivative. Near 0 the slope "
                         "2ⁿ grows without bound because ever more doublings are needed.",
            facts=[
                Fact("f(torch.tensor(1e-6)).norm() >= 1000", True),
                Fact("a6 = torch.tensor(1e-6, requires_grad=True); f(a6).backward(); a6.grad > 1e8", True),
            ],
        ),
        Text(
            "vector-matrix",
            """\
## Vector and matrix `a` (exercise 3 of D2L 2.5)

In the lesson `non-scalar-backward` you ran exercise 3: with a random vector or matrix `a`,
`d.backward()` raises *grad can be implicitly created only for scalar outputs*, and
`d.sum().backward()` works. The same reasoning as above explains the result: f(a) = k·a with
one k for the whole tensor, because the loop and the `if` look at the whole tensor (its norm,
its sum).
""",
            examples=["m = torch.randn(2, 3, requires_grad=True)\nf(m).sum().backward()\nm.grad"],
            facts=[
                Fact("mm = torch.randn(2, 3, requires_grad=True); f(mm).backward()", raises="RuntimeError"),
                Fact("dm = f(mm); dm.sum().backward(); torch.allclose(mm.grad, dm / mm)", True),
            ],
        ),
        Predict(
            "distinct-entries",
            code="a = torch.randn(2, 3, requires_grad=True)\nd = f(a)\nd.sum().backward()\n"
                 "a.grad.unique().numel()",
            question="For a random 2×3 `a`, after `d = f(a)` and `d.sum().backward()`: how many "
                     "**distinct** values does `a.grad` hold?",
            kind_of_answer="value",
            expect="1",
            explanation="One: every entry of a.grad is the same k (a power of 2, or 100 times one), since f "
                        "multiplies the whole tensor by one k.",
        ),
        Text(
            "jumps",
            """\
## Pieces and jumps

f is linear on each piece, but it **jumps** where the number of doublings changes. Take
a = 0.97: 1024·0.97 = 993.28 is still below 1000, so it doubles once more and
f(0.97) ≈ 1986.56. But 1024·0.98 = 1003.52 stops the loop, and f(0.98) ≈ 1003.52.
A bigger input, a much smaller output.

Autograd at a = 0.97 reports 2048, the slope of the piece it is on. It cannot see the jump at
a ≈ 0.9766 a little to the right: the jump is in the loop condition, which is never
differentiated. A finite difference that straddles the jump disagrees wildly.

See it with the tutor's derivative check, which compares autograd with a central finite
difference (float64; lesson derivatives explains why central):
`%check f 0.97` agrees (2048), while `%check f 0.9765625`, right at the jump (1024·0.9765625 is
exactly 1000), shows autograd's 1024 against a central difference of about -5·10⁸.
""",
            examples=["f(torch.tensor(0.97)), f(torch.tensor(0.98))", "%check f 0.97", "%check f 0.9765625"],
            facts=[
                Fact("f(torch.tensor(0.97))", 1986.56),
                Fact("f(torch.tensor(0.98))", 1003.52),
                Fact("f(torch.tensor(0.9765))", 1999.872),
                Fact("f(torch.tensor(0.9766))", 1000.0384),
                Fact("a7 = torch.tensor(0.97, requires_grad=True); f(a7).backward(); a7.grad", 2048.0),
                Fact("((f(torch.tensor(0.98)) - f(torch.tensor(0.97))) / 0.01).item() < -90000", True),
                Fact("check(f, 0.97).passed", True),
                Fact("check(f, 0.97).rows[0].value", 2048.0),
                Fact("check(f, 0.9765625).passed", False),
                Fact("[r.value for r in check(f, 0.9765625).rows if 'difference' in r.method][0]", -5e8,),
                Fact("check(f, 0.9765625).rows[0].value", 1024.0),
            ],
        ),
        Quiz(
            "jump-quiz",
            question="At a = 0.97, `a.grad` is 2048, yet f(0.98) is far below f(0.97). What does that tell "
                     "you about the gradient autograd returns for code with control flow?",
            choices=[
                Choice("Autograd got it wrong; the true derivative at 0.97 is negative.",
                       why="At 0.97 itself f is smooth (linear, slope 2048). The fall happens at the jump "
                           "near 0.9766, where f has no derivative at all."),
                Choice("It is an average slope over the interval the loop covered.",
                       why="Autograd never averages: it multiplies the exact local derivatives of the "
                           "operations that ran."),
                Choice("The gradient is 2048 only because a was a scalar.",
                       why="The same holds for vectors and matrices: one piece, one constant slope."),
                Choice("It is the exact slope of the piece the input lies on; it says nothing about jumps "
                       "between pieces.", correct=True,
                       why="Right. The gradient is local: exact for the path that ran, blind to where a "
                           "different path would start."),
            ],
        ),
        Task(
            "design-your-own",
            goal="Design your own control-flow example. (This exercise is in the Chinese edition of D2L 2.5, "
                 "which follows an older English version; the current English edition does not have it.) "
                 "Define a function `g(a)` "
                 "that uses an `if` or `while` on the **value** of a tensor. Then pick a scalar "
                 "`a` that requires grad, compute `d = g(a)` and `d.backward()`, and store in `fd` a "
                 "central finite difference (g(a + h) - g(a - h)) / (2h) (its error shrinks like h², see lesson "
                 "derivatives). `a.grad` should match `fd` "
                 "within 1%.",
            checks=[
                custom("g branches on a value", _g_branches_on_a_value,
                       "define g(a) with an if, a while or a conditional expression that tests a value, "
                       "e.g. `if a > 1:`"),
                calls("g"),
                tensor("a", shape=(), requires_grad=True),
                calls("backward"),
                defined("fd", message="store your finite-difference estimate in fd"),
                grad("a", "fd", rtol=1e-2, atol=1e-3,
                     message="a.grad and fd disagree by more than 1%: is a within h of the point where "
                             "g switches branch? Then fd straddles two pieces; move a away from it."),
            ],
            hints=[
                "Any branch will do, e.g. `if a > 1:` return a ** 2, otherwise return 3 * a - 2.",
                "Pick a away from the switch point, say a = torch.tensor(2.0, requires_grad=True); h = 1e-3.",
                "def g(a):\n    if a > 1:\n        return a ** 2\n    return 3 * a - 2\n"
                "a = torch.tensor(2.0, requires_grad=True)\nd = g(a)\nd.backward()\nh = 1e-3\n"
                "fd = (g(a + h) - g(a - h)) / (2 * h)",
            ],
            solution="def g(a):\n"
                     "    if a > 1:\n"
                     "        return a ** 2\n"
                     "    return 3 * a - 2\n"
                     "a = torch.tensor(2.0, requires_grad=True)\n"
                     "d = g(a)\n"
                     "d.backward()\n"
                     "h = 1e-3\n"
                     "fd = (g(a + h) - g(a - h)) / (2 * h)",
            wrong=[
                # no control flow at all
                "def g(a):\n"
                "    return a ** 3\n"
                "a = torch.tensor(1.5, requires_grad=True)\n"
                "d = g(a)\n"
                "d.backward()\n"
                "h = 1e-3\n"
                "fd = (g(a + h) - g(a - h)) / (2 * h)",
                # right at the switch point: the finite difference straddles two pieces
                "def g(a):\n"
                "    if a > 1:\n"
                "        return a ** 2\n"
                "    return 3 * a - 2\n"
                "a = torch.tensor(1.0, requires_grad=True)\n"
                "d = g(a)\n"
                "d.backward()\n"
                "h = 1e-3\n"
                "fd = (g(a + h) - g(a - h)) / (2 * h)",
                # no backward pass
                "def g(a):\n"
                "    while a.abs() < 10:\n"
                "        a = 3 * a\n"
                "    return a\n"
                "a = torch.tensor(0.5, requires_grad=True)\n"
                "d = g(a)\n"
                "h = 1e-3\n"
                "fd = (g(a + h) - g(a - h)) / (2 * h)",
            ],
            mistakes=[
                Mistake(custom("g has no branch on a value", lambda ctx: bool(_function_defs(ctx, "g"))
                               and not _g_branches_on_a_value(ctx)),
                        "Your g has no if or while that looks at a value, so it is ordinary smooth code. "
                        "Add a branch, e.g. `if a > 1:`."),
                Mistake(custom("a.grad and fd disagree", _grad_and_fd_disagree),
                        "a.grad and fd disagree. Is a within h of the point where g switches branches? "
                        "There g has a kink or a jump, fd mixes two pieces, and autograd reports the slope "
                        "of just one. Move a away from the switch point."),
                Mistake(custom("fd but no backward", lambda ctx: "fd" in ctx.namespace
                               and not _called_backward(ctx)),
                        "fd is there; now run d.backward() so that a.grad exists to compare with."),
            ],
        ),
        Explain(
            "what-autograd-sees",
            topics=["record", "ran", "run", "execut", "branch", "path", "trace", "graph", "piece", "jump", "kink", "boundar", "condition", "local"],
            question="In your own words: why can autograd differentiate code with `if` and `while`, and "
                     "what does the gradient it returns NOT tell you?",
            model_answer="Autograd records the operations that actually ran for this input, so for that "
                         "input the program is a plain chain of differentiable operations, and the chain rule "
                         "along it gives the exact derivative of the function on the piece where the same "
                         "branches and loop counts are taken. The tests themselves (b.norm() < 1000, "
                         "b.sum() > 0, a > 1) are never differentiated: they are piecewise constant. So the "
                         "gradient tells you nothing about where the path would change: kinks and jumps at "
                         "branch boundaries are invisible (at a boundary you get one side's slope), and a "
                         "point where the code never terminates (a = 0 for f) cannot be differentiated at all.",
        ),
        Text(
            "recap",
            """\
## Recap

- Autograd records what ran; Python `if`/`while` just choose which operations get recorded.
- The book's f is piecewise linear: d = k·a, so `a.grad == d / a` (compare with `allclose`).
- The else branch puts a factor 100 into the gradient.
- `a = 0` never leaves the loop: think before you run code whose loop depends on data.
- Vector or matrix `a` (exercise 3): `d.sum().backward()`, and a.grad is one constant k.
- The gradient is the slope of the current piece; jumps between pieces are invisible to it.
- `%check FUNC POINT` compares autograd with a central finite difference for you (try `%check g 2.0`).
""",
        ),
    ],
)
