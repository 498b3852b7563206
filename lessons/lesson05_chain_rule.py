"""Lesson: the chain rule (D2L 2.4), scalar and multivariate; exercises 9 and 10, checked with autograd."""

from tutor.lesson import *

COS_2_25 = -0.6281736227227391  # cos(1.5²)


def _not_copied(*names):
    """A check: the learner's answers for `names` are not copies of a `.grad` attribute."""

    def test(ctx):
        for text in ctx.inputs:
            for name in names:
                for line in text.splitlines():
                    left, eq, right = line.partition("=")
                    if eq and left.strip() == name and ".grad" in right:
                        return Result(False, f"build {name} from the chain-rule terms, not by copying .grad: "
                                             "the point is to compare the two")
        return Result(True, "answers written from the chain rule")

    return custom("answers not copied from .grad", test)


lesson = Lesson(
    id="chain-rule",
    title="The chain rule, one variable and many",
    section="2.4",
    prerequisites=["partial-derivatives"],
    minutes=25,
    summary="Differentiating compositions: dy/dx = dy/du·du/dx, ∇ₓy = A∇ᵤy, exercises 9 and 10 checked by autograd.",
    setup="",
    steps=[
        Text(
            "scalar-chain",
            """\
# The chain rule (D2L 2.4)

Deep networks are functions of functions of functions. The chain rule differentiates such
a **composition**. If y = f(u) and u = g(x), then

    dy/dx = dy/du · du/dx

Each link contributes its own local slope, and the slopes multiply.

Example: y = sin(x²). The outer function is sin, the inner one u = x². So
dy/dx = cos(u) · 2x = cos(x²) · 2x. Forgetting the inner factor 2x is the classic slip.
""",
        ),
        Task(
            "scalar-chain-check",
            goal=(
                "At x = 1.5, compute dy/dx of **y = sin(x²)** in two ways:\n\n"
                "1. By the chain rule, as a number or tensor in `by_hand` (you may use torch.cos here).\n"
                "2. By autograd: `x = torch.tensor(1.5, requires_grad=True)`, `y = torch.sin(x ** 2)`, "
                "`y.backward()`.\n\nThe two must agree."
            ),
            checks=[
                close("by_hand", 3 * COS_2_25, atol=1e-4),
                grad("x", 3 * COS_2_25, atol=1e-4),
                calls("backward", "grad"),
            ],
            hints=[
                "Outer: sin, whose derivative is cos. Inner: u = x², whose derivative is 2x.",
                "by_hand = torch.cos(torch.tensor(1.5) ** 2) * 2 * 1.5",
                "by_hand = torch.cos(torch.tensor(1.5) ** 2) * 2 * 1.5\n"
                "x = torch.tensor(1.5, requires_grad=True)\ny = torch.sin(x ** 2)\ny.backward()",
            ],
            solution=(
                "by_hand = torch.cos(torch.tensor(1.5) ** 2) * 2 * 1.5\n"
                "x = torch.tensor(1.5, requires_grad=True)\ny = torch.sin(x ** 2)\ny.backward()"
            ),
            wrong=[
                "by_hand = torch.cos(torch.tensor(1.5) ** 2)\n"
                "x = torch.tensor(1.5, requires_grad=True)\ny = torch.sin(x ** 2)\ny.backward()",
                "by_hand = torch.cos(torch.tensor(1.5) ** 2) * 2 * 1.5",
                "by_hand = torch.cos(torch.tensor(2 * 1.5))\n"
                "x = torch.tensor(1.5, requires_grad=True)\ny = torch.sin(x ** 2)\ny.backward()",
            ],
            mistakes=[
                Mistake(close("by_hand", COS_2_25, atol=1e-4),
                        "That is only the outer slope cos(x²). Multiply by the inner slope d(x²)/dx = 2x."),
                Mistake(close("by_hand", -0.9899924966, atol=1e-4),
                        "cos(2x) differentiates the wrong thing: the outer derivative is evaluated at the inner "
                        "value u = x², then multiplied by 2x."),
            ],
        ),
        Predict(
            "three-links",
            code="x = torch.tensor(1.0, requires_grad=True)\ny = (2 * x + 1) ** 3\ny.backward()\nx.grad",
            question="y = (2x + 1)³. What is x.grad at x = 1 after y.backward()?",
            kind_of_answer="value",
            expect="54.0",
            explanation="Outer: 3u² with u = 2x + 1 = 3, so 27. Inner: du/dx = 2. Product: 54.",
        ),
        Text(
            "multivariate",
            """\
# Many variables: sums of paths

Now let y depend on u₁, …, u_m, and each uⱼ depend on x₁, …, xₙ. Wiggling xᵢ moves
every uⱼ, and each of those moves y. Add up all the paths:

    ∂y/∂xᵢ = ∂y/∂u₁·∂u₁/∂xᵢ + ∂y/∂u₂·∂u₂/∂xᵢ + … + ∂y/∂u_m·∂u_m/∂xᵢ

In matrix form, with the book's layout (previous lesson), this is

    ∇ₓy = A ∇ᵤy

where A = ∇ₓu is the n × m matrix with entry (i, j) = ∂uⱼ/∂xᵢ (one row per x) and
∇ᵤy is the m-vector of ∂y/∂uⱼ. In PyTorch's layout A is the *transpose* of the Jacobian J
of u: ∇ₓy = Jᵀ∇ᵤy, which is what backward computes (a vector-Jacobian product, D2L 2.5.2).
""",
            examples=[
                "W = torch.tensor([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])",
                "x0 = torch.tensor([1.0, -1.0, 2.0])",
                "torch.autograd.functional.jacobian(lambda x: W @ x, x0)",
            ],
            facts=[Fact("torch.autograd.functional.jacobian(lambda x: W @ x, x0)", "W")],
        ),
        Quiz(
            "what-is-a",
            question=(
                "u = Wx with W of shape 2 × 3, and y = ‖u‖². In ∇ₓy = A ∇ᵤy (book's layout), what is A, "
                "and what shape does it have?"
            ),
            choices=[
                Choice("A = W, of shape 2 × 3",
                       why="W is PyTorch's Jacobian of u (one row per u). W times ∇ᵤy (2 entries) does not "
                           "even fit: the shapes force the transpose."),
                Choice("A = 2u, of shape 2",
                       why="2u is ∇ᵤy, the other factor."),
                Choice("A = ∇ₓu = Wᵀ, of shape 3 × 2", correct=True,
                       why="Right: one row per input x (3), one column per intermediate u (2). ∇ᵤy = 2u has "
                           "2 entries, and Wᵀ(2u) has 3: the shape of x, as a gradient must."),
                Choice("A = WᵀW, of shape 3 × 3",
                       why="WᵀW appears after you multiply out (∇ₓy = 2WᵀWx), but A is only the derivative "
                           "of u with respect to x."),
            ],
        ),
        Task(
            "multivariate-check",
            goal=(
                "Check ∇ₓy = A∇ᵤy on that example. `W` (2 × 3) and `x = tensor([1., -1., 2.], requires_grad=True)` "
                "are set up.\n\n"
                "1. `u = W @ x`, `y = (u ** 2).sum()`, `y.backward()`.\n"
                "2. Store the chain rule's product A∇ᵤy (A = Wᵀ, ∇ᵤy = 2u) in `formula`; it must equal x.grad."
            ),
            setup=(
                "W = torch.tensor([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])\n"
                "x = torch.tensor([1.0, -1.0, 2.0], requires_grad=True)"
            ),
            checks=[
                grad("x", [-2.0, -18.0, 42.0]),
                calls("backward", "grad"),
                tensor("formula", shape=(3,), message="formula should have the shape of x: 3 entries"),
                close("formula", "x.grad"),
            ],
            hints=[
                "u has 2 entries; ∇ᵤ of (u ** 2).sum() is 2u.",
                "A = ∇ₓu = W.T (3 × 2); multiply it by the 2-vector 2u. Use u.detach(), u's values without the "
                "autograd record (D2L 2.5.3), so that formula is a plain tensor.",
                "u = W @ x\ny = (u ** 2).sum()\ny.backward()\nformula = W.T @ (2 * u.detach())",
            ],
            solution="u = W @ x\ny = (u ** 2).sum()\ny.backward()\nformula = W.T @ (2 * u.detach())",
            wrong=[
                "u = W @ x\ny = (u ** 2).sum()\ny.backward()\nformula = 2 * u.detach()",
                "u = W @ x\ny = (u ** 2).sum()\ny.backward()\nformula = W.T @ u.detach()",
                "u = W @ x\ny = (u ** 2).sum()\nformula = W.T @ (2 * u.detach())",
            ],
            mistakes=[
                Mistake(tensor("formula", shape=(2,)),
                        "That has 2 entries, one per u: it is ∇ᵤy. Multiply by A = Wᵀ to carry it back to x."),
                Mistake(close("formula", [-1.0, -9.0, 21.0]),
                        "Half the answer: ∇ᵤ of Σuⱼ² is 2u, not u."),
            ],
        ),
        Explain(
            "exercise-9",
            topics=["∂", "partial", "chain", "path", "sum", "du/d", "d/d"],
            question=(
                "D2L 2.4, exercise 9. u = f(x, y, z), where x = x(a, b), y = y(a, b) and z = z(a, b). "
                "Write the chain rule for ∂u/∂a and ∂u/∂b."
            ),
            model_answer=(
                "u depends on a through three paths (via x, via y, via z), so sum one product per path:\n\n"
                "∂u/∂a = ∂u/∂x·∂x/∂a + ∂u/∂y·∂y/∂a + ∂u/∂z·∂z/∂a\n\n"
                "∂u/∂b = ∂u/∂x·∂x/∂b + ∂u/∂y·∂y/∂b + ∂u/∂z·∂z/∂b\n\n"
                "In matrix form: [∂u/∂a, ∂u/∂b]ᵀ = A·[∂u/∂x, ∂u/∂y, ∂u/∂z]ᵀ with A the 2 × 3 matrix whose "
                "rows are (∂x/∂a, ∂y/∂a, ∂z/∂a) and (∂x/∂b, ∂y/∂b, ∂z/∂b): the ∇ₓy = A∇ᵤy rule with "
                "(a, b) as inputs and (x, y, z) in the middle."
            ),
        ),
        Task(
            "exercise-9-check",
            goal=(
                "Make exercise 9 concrete, with `a = 1.0` and `b = 2.0` set up as tensors that require gradients:\n\n"
                "    x = a * b      y = a + b      z = b ** 2 - a      u = x * y + z ** 2\n\n"
                "1. Compute u and call `u.backward()`: autograd fills a.grad and b.grad.\n"
                "2. From your chain-rule formulas, write `du_da` and `du_db` yourself (numbers or expressions "
                "in a, b, x, y, z; don't copy .grad). They must match."
            ),
            setup="a = torch.tensor(1.0, requires_grad=True)\nb = torch.tensor(2.0, requires_grad=True)",
            checks=[
                grad("a", 2.0),
                grad("b", 29.0),
                calls("backward", "grad"),
                close("du_da", "a.grad"),
                close("du_db", "b.grad"),
                _not_copied("du_da", "du_db"),
            ],
            hints=[
                "Partials of u = xy + z²: ∂u/∂x = y, ∂u/∂y = x, ∂u/∂z = 2z. "
                "Then ∂x/∂a = b, ∂y/∂a = 1, ∂z/∂a = −1 (and for b: a, 1, 2b).",
                "du_da = y·b + x·1 + 2z·(−1). At a = 1, b = 2: x = 2, y = 3, z = 3.",
                "x = a * b\ny = a + b\nz = b ** 2 - a\nu = x * y + z ** 2\nu.backward()\n"
                "du_da = y * b + x * 1 + 2 * z * (-1)\ndu_db = y * a + x * 1 + 2 * z * (2 * b)",
            ],
            solution=(
                "x = a * b\ny = a + b\nz = b ** 2 - a\nu = x * y + z ** 2\nu.backward()\n"
                "du_da = y * b + x * 1 + 2 * z * (-1)\ndu_db = y * a + x * 1 + 2 * z * (2 * b)"
            ),
            wrong=[
                "x = a * b\ny = a + b\nz = b ** 2 - a\nu = x * y + z ** 2\nu.backward()\n"
                "du_da = y * b\ndu_db = y * a",
                "x = a * b\ny = a + b\nz = b ** 2 - a\nu = x * y + z ** 2\nu.backward()\n"
                "du_da = y * b + x + 2 * z\ndu_db = y * a + x + 2 * z * 2 * b",
                "x = a * b\ny = a + b\nz = b ** 2 - a\nu = x * y + z ** 2\nu.backward()\n"
                "du_da = a.grad\ndu_db = b.grad",
            ],
            mistakes=[
                Mistake(close("du_da", 6.0),
                        "Only the path through x. u reaches a through y and z as well: add one product per path."),
                Mistake(grad("a", 4.0),
                        "a.grad is twice the answer: backward ran twice and gradients add up. Clear them with "
                        "a.grad.zero_() and b.grad.zero_(), rebuild u, then call u.backward() once."),
                Mistake(close("du_da", 14.0),
                        "Check ∂z/∂a: z = b² − a, so ∂z/∂a = −1, and that path enters with a minus sign."),
            ],
        ),
        Explain(
            "exercise-10",
            topics=["inverse", "f⁻¹", "1/f", "1 / f", "reciprocal", "chain", "f'", "f′", "slope"],
            question=(
                "D2L 2.4, exercise 10. f is invertible and differentiable, with inverse f⁻¹. "
                "What is the derivative of f⁻¹ at y? Derive it with the chain rule."
            ),
            model_answer=(
                "Start from f(f⁻¹(y)) = y for every y and differentiate both sides in y. The chain rule on the "
                "left gives f′(f⁻¹(y)) · (f⁻¹)′(y) = 1, so\n\n"
                "(f⁻¹)′(y) = 1 / f′(f⁻¹(y)), wherever f′(f⁻¹(y)) ≠ 0.\n\n"
                "Note where f′ is evaluated: at the point x = f⁻¹(y) that f maps to y, not at y. Example: "
                "f = exp, f⁻¹ = ln: (ln)′(y) = 1/exp(ln y) = 1/y. Geometrically the graph of f⁻¹ is the graph "
                "of f mirrored in the line y = x, which turns a slope s into 1/s."
            ),
        ),
        Task(
            "exercise-10-check",
            goal=(
                "Check the formula with f = exp (so f⁻¹ = log) at `y0 = torch.tensor(5.0)` (set up).\n\n"
                "1. Find the point x0 = f⁻¹(y0) and make it a tensor that requires gradients: "
                "`x0 = torch.log(y0).requires_grad_()`.\n"
                "2. Let autograd compute f′(x0): `torch.exp(x0).backward()`, then x0.grad holds it.\n"
                "3. Store 1 / f′(f⁻¹(y0)) in `inv_slope`. It should match the slope of log at 5."
            ),
            setup="y0 = torch.tensor(5.0)",
            checks=[
                grad("x0", 5.0, message="x0.grad should be f′(x0) = exp(log 5) = 5: call torch.exp(x0).backward() "
                                        "with `x0 = torch.log(y0).requires_grad_()`"),
                calls("backward", "grad"),
                close("inv_slope", 0.2),
            ],
            hints=[
                "f′ = exp, and it must be evaluated at f⁻¹(y0) = log 5, not at 5.",
                "After torch.exp(x0).backward(), x0.grad is f′(x0); the formula takes its reciprocal.",
                "x0 = torch.log(y0).requires_grad_()\ntorch.exp(x0).backward()\ninv_slope = 1 / x0.grad",
            ],
            solution="x0 = torch.log(y0).requires_grad_()\ntorch.exp(x0).backward()\ninv_slope = 1 / x0.grad",
            wrong=[
                "x0 = y0.clone().requires_grad_()\ntorch.exp(x0).backward()\ninv_slope = 1 / x0.grad",
                "x0 = torch.log(y0).requires_grad_()\ntorch.exp(x0).backward()\ninv_slope = x0.grad",
            ],
            mistakes=[
                Mistake(close("inv_slope", 0.006737947),
                        "That evaluates f′ at y0 itself. The formula needs f′ at f⁻¹(y0) = log 5."),
                Mistake(close("inv_slope", 5.0),
                        "That is f′(f⁻¹(y0)); the inverse's slope is its reciprocal."),
            ],
            facts=[
                Fact("(lambda t: (torch.log(t).backward(), t.grad)[1])(y0.clone().requires_grad_())", 0.2),
                Fact("inv_slope", "1 / y0"),
            ],
        ),
        Text(
            "backward-is-the-chain-rule",
            """\
# backward() is the chain rule, run from the end

When you compute with tensors that require gradients, PyTorch records each operation as a
node (`y.grad_fn`, linked by `next_functions`). `y.backward()` starts at y with slope 1 and
walks the graph **backwards**, multiplying by each node's local derivative and adding up
where paths meet: exactly the sum over paths of exercise 9.

Look at the graph of the last u from exercise 9: `u.grad_fn` is the final `+`
(AddBackward0), and its `next_functions` lead to the product x·y and the square z².
`%graph u` draws the whole graph, and `%trace u` walks the backward pass through it node by node.
Working the chain rule from the input end instead is **forward mode**; exercises 7 and 8 of
D2L 2.5 (lesson backprop-by-hand) compare the two.
""",
            examples=[
                "a = torch.tensor(1.0, requires_grad=True)",
                "b = torch.tensor(2.0, requires_grad=True)",
                "u = (a * b) * (a + b) + (b ** 2 - a) ** 2",
                "u.grad_fn",
                "u.grad_fn.next_functions",
                "%graph u",
                "%trace u",
            ],
            facts=[
                Fact("type(u.grad_fn).__name__", "'AddBackward0'"),
                Fact("sorted(type(f).__name__ for f, _ in u.grad_fn.next_functions)",
                     "['MulBackward0', 'PowBackward0']"),
            ],
        ),
        Quiz(
            "why-backwards",
            question=(
                "A network's loss is one number computed from a million parameters. Why does training use the "
                "backward direction (reverse mode) to get the gradient?"
            ),
            choices=[
                Choice("Forward mode gives wrong answers for deep networks",
                       why="Both modes compute the same exact derivatives; they differ in cost."),
                Choice("One backward pass gives the partial derivative for every parameter at once; forward "
                       "mode gives one input direction per pass, so it would need a million passes",
                       correct=True,
                       why="Right. Reverse mode costs about one extra pass per *output*, forward mode one per "
                           "*input*. One output, many inputs: go backwards. The price is memory: the "
                           "intermediate values must be kept until the backward pass uses them."),
                Choice("The chain rule only works from the output to the input",
                       why="Multiplication of the local derivatives can be grouped either way; only the cost "
                           "differs."),
                Choice("Reverse mode needs no memory",
                       why="The opposite: it must store intermediate values from the forward pass."),
            ],
        ),
    ],
)
