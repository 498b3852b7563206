"""Lesson 7: backward on non-scalar outputs (D2L 2.5.2), the whole Jacobian, and exercise 3 of D2L 2.5."""

import ast

from tutor.lesson import *

# The control-flow function of D2L 2.5.4, in our own words (the same code as in lesson control-flow).
F_SOURCE = '''\
def f(a):
    """Double a until its norm reaches 1000, then keep it or scale it by 100 by the sign of its sum."""
    b = 2 * a
    while b.norm() < 1000:
        b = 2 * b
    return b if b.sum() > 0 else 100 * b
'''

CUMSUM_JACOBIAN = "torch.autograd.functional.jacobian(lambda t: torch.cumsum(t * t, 0), x.detach())"


def _backward_with_seed(ctx):
    """Some backward(...) call in this step passes a seed (positional or gradient=)."""
    for tree in ctx.trees():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "backward"
                    and (node.args or any(k.arg == "gradient" for k in node.keywords))):
                return True
    return False


def _jacobian_rows_accumulated(ctx):
    import torch

    J = ctx.namespace.get("J")
    true_j = ctx.eval(CUMSUM_JACOBIAN)
    return isinstance(J, torch.Tensor) and J.shape == (4, 4) and torch.allclose(J, true_j.cumsum(0))


def _jacobian_rows_all_equal(ctx):
    import torch

    J = ctx.namespace.get("J")
    return (isinstance(J, torch.Tensor) and J.shape == (4, 4) and bool(J.abs().sum() > 0)
            and bool((J == J[-1]).all()))


def _j2_is_diagonal(ctx):
    import torch

    J2 = ctx.namespace.get("J2")
    if not isinstance(J2, torch.Tensor) or J2.shape != (4, 4):
        return False
    return bool((J2 == torch.diag(torch.diagonal(J2))).all())


lesson = Lesson(
    id="non-scalar-backward",
    title="Backward for non-scalar outputs: vector-Jacobian products",
    section="2.5.2",
    prerequisites=["autograd-basics"],
    minutes=20,
    summary="Why backward() wants a scalar, what its gradient argument means (vᵀJ), the sum trick, "
            "whole Jacobians, and exercise 3.",
    setup="x = torch.arange(4.0, requires_grad=True)\n" + F_SOURCE,
    steps=[
        Text(
            "vector-output",
            """\
## When y is a vector (D2L 2.5.2)

So far `y` was a scalar, and `y.backward()` filled `x.grad` with dy/dx, a vector shaped like `x`.

If `y` is itself a vector, the derivative of y with respect to x is a whole matrix, the
**Jacobian** J with J[i, j] = ∂yᵢ/∂xⱼ. That matrix does not fit in `x.grad`, which always has
x's shape. So PyTorch asks you to say which single vector you want out of it.

In deep learning this rarely bites: a loss is a scalar. But it happens as soon as you compute
per-example losses, or want the derivative of an elementwise function at many points at once.

The setup gave you `x = torch.arange(4.0, requires_grad=True)`.
""",
            examples=["x", "x * x"],
            facts=[Fact("x.requires_grad", True), Fact("(x * x).shape", "torch.Size([4])")],
        ),
        Predict(
            "implicit",
            code="y = x * x\ny.backward()",
            question="`y = x * x` is the vector [0, 1, 4, 9]. What does `y.backward()` do? "
                     "(a value for x.grad, or 'error')",
            kind_of_answer="error",
            expect="error",
            explanation="For a scalar, backward starts from the seed 1 (dy/dy). For a vector there are many "
                        "possible seeds, and PyTorch will not guess one for you.",
            facts=[Fact("x.grad is None", True), Fact("y.backward()", raises="RuntimeError")],
        ),
        Text(
            "vjp",
            """\
## The gradient argument: a vector-Jacobian product

`y.backward(gradient=v)` takes a vector `v` shaped like `y` and stores

    x.grad = vᵀ J        (entry j: Σᵢ vᵢ · ∂yᵢ/∂xⱼ)

a **vector-Jacobian product**. Backpropagation never builds J: it pushes v backwards through the
graph node by node, which costs about as much as the forward pass.

Another way to read it: `y.backward(gradient=v)` gives the same gradient as the scalar
`(v * y).sum()` would. With v = all ones that is the gradient of `y.sum()`.

For y = x * x the Jacobian is diagonal, diag(2x), so vᵀJ is just v * 2x.
`torch.autograd.functional.jacobian(lambda t: t * t, x)` shows that matrix.
""",
            examples=["torch.autograd.functional.jacobian(lambda t: t * t, x)"],
            facts=[
                Fact("torch.autograd.functional.jacobian(lambda t: t * t, x)", "torch.diag(2 * x.detach())"),
                Fact("v = torch.tensor([1., 2., 3., 4.]); x.grad = None; (x * x).backward(gradient=v); "
                     "g1 = x.grad.clone(); x.grad = None; (v * (x * x)).sum().backward(); torch.equal(g1, x.grad)",
                     True),
                Fact("g1", "v * 2 * x.detach()"),
            ],
        ),
        Task(
            "ones-seed",
            setup="x.grad = None\ny = x * x",
            goal="(`y = x * x` is set up afresh.) Call `backward` on the vector `y`, passing a vector of "
                 "ones shaped like `y` as the `gradient` argument. `x.grad` should become 2x.",
            checks=[
                grad("x", "2 * x"),
                calls("backward"),
                custom("passes a gradient to backward", _backward_with_seed,
                       "pass the vector v to backward: y.backward(gradient=...)"),
            ],
            hints=[
                "v must have the same shape as y: four entries.",
                "torch.ones(len(y)) or torch.ones_like(y) make that vector.",
                "y.backward(gradient=torch.ones(len(y)))",
            ],
            solution="y.backward(gradient=torch.ones(len(y)))",
            wrong=[
                "y.backward()",
                "y.backward(torch.ones(3))",
                "y.sum().backward()",
            ],
            mistakes=[
                Mistake(raised("RuntimeError", "Mismatch in shape"),
                        "v must have exactly y's shape (4,): torch.ones(len(y)) or torch.ones_like(y)."),
                Mistake(raised("RuntimeError", "implicitly created"),
                        "Without an argument backward() only works for a scalar. Pass "
                        "gradient=torch.ones(len(y))."),
                Mistake(calls("sum"),
                        "That gives the same gradient (it is the next step!), but here pass the vector of "
                        "ones to y.backward(gradient=...) yourself."),
            ],
        ),
        Predict(
            "weighted-seed",
            code="x.grad = None\ny = x * x\ny.backward(gradient=torch.tensor([1.0, 0.0, 0.0, 10.0]))\nx.grad",
            question="Fresh start: `x.grad = None`, `y = x * x`, then "
                     "`y.backward(gradient=torch.tensor([1.0, 0.0, 0.0, 10.0]))`. What is `x.grad`?",
            kind_of_answer="value",
            expect="[0., 0., 0., 60.]",
            explanation="vᵀJ with J = diag(2x) = diag(0, 2, 4, 6) is v * 2x = [1·0, 0·2, 0·4, 10·6]. "
                        "Each vᵢ weights how much output yᵢ counts in the result.",
            facts=[Fact("x.grad", [0.0, 0.0, 0.0, 60.0])],
        ),
        Task(
            "sum-trick",
            setup="x.grad = None\ny = x * x",
            goal="(`x.grad` is cleared and `y = x * x` rebuilt.) Get the same 2x into `x.grad` the short "
                 "way (D2L 2.5.2 notes it is faster): reduce `y` to a scalar by summing, then call backward "
                 "on that.",
            checks=[grad("x", "2 * x"), calls("backward"), calls("sum")],
            hints=[
                "backward() is happy with a scalar. Which reduction turns y into one with all weights 1?",
                "Sum y, then call backward on the result.",
                "y.sum().backward()",
            ],
            solution="y.sum().backward()",
            wrong=["y.mean().backward()", "y.sum()", "y.backward()"],
            mistakes=[
                Mistake(grad("x", "x / 2"),
                        "mean() divides by 4, so each weight is 1/4 and you got x / 2. Use sum()."),
                Mistake(avoids("backward"),
                        "y.sum() is the scalar; now call .backward() on it."),
                Mistake(raised("RuntimeError", "implicitly created"),
                        "y is still a vector. Sum it first: y.sum().backward()."),
            ],
        ),
        Quiz(
            "why-same",
            question="Why do `y.backward(gradient=torch.ones(len(y)))` and `y.sum().backward()` fill "
                     "`x.grad` with the same values?",
            choices=[
                Choice("They agree only because y = x * x is elementwise.",
                       why="They agree for every y: summing is always the same as seeding with ones. "
                           "Elementwise functions are just the case where the result is also the "
                           "derivative at each point."),
                Choice("sum() makes autograd skip the Jacobian, while the gradient argument builds it.",
                       why="Neither builds the Jacobian: both run one backward pass pushing a vector "
                           "through the graph."),
                Choice("The gradient of y.sum() is 1ᵀJ: the vector-Jacobian product with v = all ones.",
                       correct=True,
                       why="Right. d(Σᵢ yᵢ)/dxⱼ = Σᵢ 1·∂yᵢ/∂xⱼ, which is exactly what the ones seed asks "
                           "for. The sum's own backward node simply hands 1 to every yᵢ."),
                Choice("It is a coincidence of these numbers.",
                       why="It is an identity: the sum is the ones-weighted combination of the outputs."),
            ],
            facts=[
                Fact("x.grad", "2 * x"),
                Fact("type(y.sum().grad_fn).__name__", "'SumBackward0'"),
                Fact("(x * x).sum().grad_fn(torch.tensor(1.0))", [1.0, 1.0, 1.0, 1.0]),
            ],
        ),
        Text(
            "whole-jacobian",
            """\
## Getting the whole Jacobian

One backward pass gives **one** vector-Jacobian product. Seed it with the one-hot vector eᵢ
(a 1 at position i, zeros elsewhere) and vᵀJ is **row i** of J. So for an m-dimensional y you
need m backward passes, one per row, clearing `x.grad` in between (gradients accumulate!).

Next you will do this by hand for a function whose Jacobian is not diagonal, the running sums
of squares

    y = torch.cumsum(x * x, 0)      # [x0², x0²+x1², x0²+x1²+x2², ...]

Here yᵢ depends on x0 ... xᵢ, so J is lower triangular with J[i, j] = 2xⱼ for j ≤ i.
`torch.eye(4)[i]` is the one-hot vector eᵢ.
""",
            examples=["torch.cumsum(x * x, 0)", "torch.eye(4)[2]"],
            facts=[
                Fact("torch.cumsum(x * x, 0)", [0.0, 1.0, 5.0, 14.0]),
                Fact(CUMSUM_JACOBIAN, "torch.tril(2 * x.detach().expand(4, 4))"),
                Fact("torch.eye(4)[2]", [0.0, 0.0, 1.0, 0.0]),
            ],
        ),
        Task(
            "jacobian-by-rows",
            setup="x.grad = None",
            goal="Build the 4×4 Jacobian `J` of `y = torch.cumsum(x * x, 0)` row by row: for each i, "
                 "run one backward pass seeded with `torch.eye(4)[i]` and store `x.grad` as row i. "
                 "Use backward, not a ready-made Jacobian function.",
            checks=[
                close("J", CUMSUM_JACOBIAN,
                      message="J is not the Jacobian yet: row i should be the gradient of yᵢ alone, "
                              "[2x₀, ..., 2xᵢ, 0, ...]. Look at J and compare."),
                tensor("J", shape=(4, 4)),
                calls("backward"),
                avoids("jacobian", "jacrev", "jacfwd"),
            ],
            hints=[
                "Start with J = torch.zeros(4, 4) and loop over i in range(4).",
                "Inside the loop: clear x.grad, rebuild y (backward frees the graph), call "
                "y.backward(gradient=torch.eye(4)[i]), then copy x.grad into J[i].",
                "J = torch.zeros(4, 4)\nfor i in range(4):\n    x.grad = None\n    y = torch.cumsum(x * x, 0)\n"
                "    y.backward(gradient=torch.eye(4)[i])\n    J[i] = x.grad",
            ],
            solution="J = torch.zeros(4, 4)\n"
                     "for i in range(4):\n"
                     "    x.grad = None\n"
                     "    y = torch.cumsum(x * x, 0)\n"
                     "    y.backward(gradient=torch.eye(4)[i])\n"
                     "    J[i] = x.grad",
            wrong=[
                "J = torch.zeros(4, 4)\n"
                "for i in range(4):\n"
                "    y = torch.cumsum(x * x, 0)\n"
                "    y.backward(gradient=torch.eye(4)[i])\n"
                "    J[i] = x.grad",
                "rows = []\n"
                "for i in range(4):\n"
                "    if x.grad is not None:\n"
                "        x.grad.zero_()\n"
                "    y = torch.cumsum(x * x, 0)\n"
                "    y.backward(gradient=torch.eye(4)[i])\n"
                "    rows.append(x.grad)\n"
                "J = torch.stack(rows)",
                "J = torch.autograd.functional.jacobian(lambda t: torch.cumsum(t * t, 0), x)",
            ],
            mistakes=[
                Mistake(custom("rows accumulated", _jacobian_rows_accumulated),
                        "Each row of your J is the sum of the rows before it: x.grad kept accumulating. "
                        "Clear it (x.grad = None) at the start of every pass."),
                Mistake(custom("rows all equal", _jacobian_rows_all_equal),
                        "All your rows are the same: you stored the very same x.grad tensor four times, and "
                        "zero_() plus the next backward kept changing it in place. Store a copy: "
                        "x.grad.clone(), or assign into J[i]."),
                Mistake(calls("jacobian", "jacrev", "jacfwd"),
                        "That library call is the next step. Here build J yourself, one backward per row."),
            ],
        ),
        Text(
            "jacobian-tools",
            """\
## Let the library loop for you

Two ready-made tools compute whole Jacobians:

    torch.autograd.functional.jacobian(func, x)
    torch.func.jacrev(func)(x)

Both want a **function** rather than an already computed `y`, because they run the forward pass
themselves. Like your loop, the result has one row per output: J[i, j] = ∂yᵢ/∂xⱼ.

That row-per-output layout is the transpose of the "gradient as a column" convention the
book uses in D2L 2.4: there the gradient of Ax with respect to x is written Aᵀ, while PyTorch's
Jacobian of x ↦ Ax is A itself.

The tutor's `%jacobian FUNC POINT` shows the matrix with its cost; it wants a named function:
`def h(t): return torch.cumsum(t * t, 0)`, then `%jacobian h x`.
""",
            examples=["torch.func.jacrev(lambda t: torch.cumsum(t * t, 0))(x)",
                      "def h(t):\n    return torch.cumsum(t * t, 0)", "%jacobian h x"],
            facts=[
                Fact("torch.func.jacrev(lambda t: torch.cumsum(t * t, 0))(x)", "J"),
                Fact("torch.autograd.functional.jacobian(lambda t: torch.tensor([[1., 2.], [3., 4.], "
                     "[5., 6.]]) @ t, torch.ones(2))", [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]),
            ],
        ),
        Task(
            "jacobian-library",
            goal="Now get the same matrix with one library call and name it `J2`: use "
                 "`torch.func.jacrev` or `torch.autograd.functional.jacobian` on the function "
                 "t ↦ cumsum(t·t).",
            checks=[close("J2", "J"), tensor("J2", shape=(4, 4)), calls("jacrev", "jacobian")],
            hints=[
                "Both tools take a function; a lambda is the quickest way to write one.",
                "lambda t: torch.cumsum(t * t, 0) is the function.",
                "J2 = torch.func.jacrev(lambda t: torch.cumsum(t * t, 0))(x)",
            ],
            solution="J2 = torch.func.jacrev(lambda t: torch.cumsum(t * t, 0))(x)",
            wrong=[
                "J2 = J",
                "J2 = torch.func.jacrev(lambda t: t * t)(x)",
                "J2 = torch.autograd.functional.jacobian(torch.cumsum(x * x, 0), x)",
            ],
            mistakes=[
                Mistake(avoids("jacrev", "jacobian"),
                        "Copying J does not count: call torch.func.jacrev or "
                        "torch.autograd.functional.jacobian."),
                Mistake(custom("J2 is diagonal", _j2_is_diagonal),
                        "Your J2 is diagonal: that is the Jacobian of t * t alone. Apply the running sum "
                        "too: lambda t: torch.cumsum(t * t, 0)."),
                Mistake(raised("TypeError"),
                        "The tools need a function, not the tensor y: pass lambda t: torch.cumsum(t * t, 0)."),
            ],
        ),
        Quiz(
            "jacobian-cost",
            question="f maps n inputs to m outputs. Building its Jacobian row by row with backward, as you "
                     "did, takes how many backward passes?",
            choices=[
                Choice("n: one per input.",
                       why="One per input is the count for forward mode, which produces one column Jv per "
                           "pass. Backward produces rows."),
                Choice("m: one per output, each seeded with a one-hot vector.", correct=True,
                       why="Right. Each pass gives one row vᵀJ = row i. That is why reverse mode shines when "
                           "there are few outputs (m = 1 for a loss: one pass for the whole gradient)."),
                Choice("1: backward computes the whole Jacobian at once.",
                       why="One backward pass gives one vector-Jacobian product, a single row when v is "
                           "one-hot, never the whole matrix."),
                Choice("m · n: one per entry.",
                       why="Each pass delivers a whole row of n entries at once, so m passes suffice."),
            ],
            facts=[
                # one backward pass with a one-hot seed gives a row; one forward-mode pass gives a column
                Fact("x.grad = None; torch.cumsum(x * x, 0).backward(gradient=torch.eye(4)[2]); x.grad",
                     "J[2]"),
                Fact("torch.func.jvp(lambda t: torch.cumsum(t * t, 0), (x.detach(),), (torch.eye(4)[2],))[1]",
                     "J[:, 2]"),
            ],
        ),
        Text(
            "exercise-3",
            """\
## Exercise 3 of D2L 2.5: control flow with a vector `a`

D2L 2.5.4 differentiates a function with Python control flow in it. The lesson setup defined
our version of it as `f` (the lesson `control-flow` looks at it closely):

    def f(a):
        b = 2 * a
        while b.norm() < 1000:
            b = 2 * b
        return b if b.sum() > 0 else 100 * b

The book calls it with a random **scalar** `a`. Exercise 3 asks: what if `a` is a random vector
or matrix? `f` still runs (norm and sum work for any shape), and `d = f(a)` has a's shape.
""",
            examples=["f(torch.tensor([0.5, -1.0, 2.0]))"],
            facts=[
                Fact("f(torch.tensor([0.5, -1.0, 2.0]))", [256.0, -512.0, 1024.0]),
                Fact("f(torch.tensor([[0.5, -1.0], [2.0, 3.0]])).shape", "torch.Size([2, 2])"),
            ],
        ),
        Predict(
            "vector-a",
            code="a = torch.randn(3, requires_grad=True)\nd = f(a)\nd.backward()",
            question="`a = torch.randn(3, requires_grad=True)`, `d = f(a)`, then `d.backward()`, exactly as "
                     "the book does it for a scalar. What happens? (a value for a.grad, or 'error')",
            kind_of_answer="error",
            expect="error",
            explanation="The same error as with y = x * x: d has three entries, so backward needs a seed "
                        "vector, or a scalar made from d.",
            facts=[Fact("d.shape", "torch.Size([3])"), Fact("a.grad is None", True)],
        ),
        Task(
            "vector-a-grad",
            setup="a = torch.randn(3, requires_grad=True)\nd = f(a)",
            goal="(A fresh random vector `a` and `d = f(a)` are set up.) Make the backward pass work "
                 "with one of this lesson's two ways, so that `a.grad` is filled.",
            checks=[grad("a", "d / a"), tensor("a", shape=(3,), requires_grad=True), calls("backward")],
            hints=[
                "backward wants a scalar, or a seed vector shaped like d.",
                "The sum trick works here too.",
                "d.sum().backward()",
            ],
            solution="d.sum().backward()",
            wrong=["d.backward()", "d.mean().backward()", "d[0].backward()"],
            mistakes=[
                Mistake(raised("RuntimeError", "implicitly created"),
                        "d is a vector: use d.sum().backward(), or d.backward(gradient=torch.ones_like(d))."),
                Mistake(grad("a", "d / a / 3"),
                        "mean() weights each entry by 1/3; use sum() so that every weight is 1."),
            ],
        ),
        Task(
            "matrix-a-grad",
            goal="Same with a **matrix**: make `a` a random 2×3 tensor that requires gradients, set "
                 "`d = f(a)`, and fill `a.grad`.",
            checks=[grad("a", "d / a"), tensor("a", shape=(2, 3), requires_grad=True), calls("backward")],
            hints=[
                "torch.randn(2, 3, requires_grad=True) makes the matrix.",
                "d is 2×3 as well; reduce it to a scalar before backward.",
                "a = torch.randn(2, 3, requires_grad=True)\nd = f(a)\nd.sum().backward()",
            ],
            solution="a = torch.randn(2, 3, requires_grad=True)\nd = f(a)\nd.sum().backward()",
            wrong=[
                "a = torch.randn(2, 3, requires_grad=True)\nd = f(a)\nd.backward()",
                "a = torch.randn(2, 3)\nd = f(a)",
            ],
            mistakes=[
                Mistake(raised("RuntimeError", "implicitly created"),
                        "d is a 2×3 matrix, not a scalar: call d.sum().backward()."),
                Mistake(tensor("a", requires_grad=False),
                        "a must require gradients: torch.randn(2, 3, requires_grad=True)."),
            ],
        ),
        Quiz(
            "constant-grad",
            question="Look at `a.grad` and at `d / a`: every entry of `a.grad` is the same number, and it "
                     "equals `d / a`. Why?",
            choices=[
                Choice("autograd averages the gradient over the entries of a.",
                       why="autograd never averages: each entry's derivative is computed separately. They "
                           "are equal here because f multiplies every entry by the same k."),
                Choice("Because a is random, the entries of a.grad are random too, and equal by chance.",
                       why="They are equal for every a, random or not, because f(a) = k·a with one k for "
                           "the whole tensor."),
                Choice("The while loop makes autograd stop tracking a, so a.grad is a default value.",
                       why="The loop is recorded like any other code: each pass adds a multiplication by "
                           "2 to the graph."),
                Choice("f(a) = k·a for one scalar k (a power of 2, times 100 if the sum is negative), chosen "
                       "by the loop and the if; so d.sum() = k·Σa and its gradient is k everywhere.",
                       correct=True,
                       why="Right. The loop and the branch only decide k, and autograd differentiates the "
                           "operations that actually ran: multiplications by constants. k = d / a in every "
                           "entry."),
            ],
            facts=[
                Fact("a.grad.unique().numel()", 1),
                Fact("torch.allclose(a.grad, d / a)", True),
                Fact("a.grad.shape", "torch.Size([2, 3])"),
            ],
        ),
        Text(
            "recap",
            """\
## Recap

- `backward()` without arguments needs a scalar; on a vector it raises
  *grad can be implicitly created only for scalar outputs*.
- `y.backward(gradient=v)` computes vᵀJ, a vector-Jacobian product, in one backward pass.
- `y.sum().backward()` is the same as v = ones, and the usual idiom.
- The full Jacobian: one backward per output with one-hot seeds, or
  `torch.func.jacrev(f)(x)` / `torch.autograd.functional.jacobian(f, x)`.
- Exercise 3: for a vector or matrix `a`, `d.sum().backward()` works and `a.grad` is the
  constant `d / a`.

Next: cutting the graph on purpose with `detach()` (D2L 2.5.3).
""",
        ),
    ],
)
