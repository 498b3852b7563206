"""Lesson: partial derivatives and gradients (D2L 2.4): exercises 7 and 8, the gradient identities,
and the layout convention (the book's gradients vs PyTorch's jacobian)."""

from tutor.lesson import *

E2 = 7.38905609893065  # e², for exercise 7 at x = (1, 2)

lesson = Lesson(
    id="partial-derivatives",
    title="Partial derivatives, gradients, and the layout of a Jacobian",
    section="2.4",
    prerequisites=["derivatives"],
    minutes=25,
    summary="Gradients by hand and by autograd (exercises 7, 8), ‖x‖ at 0, the identities, book vs torch layout.",
    setup="",
    steps=[
        Text(
            "partials",
            """\
# Partial derivatives and the gradient (D2L 2.4)

When f takes several inputs x₁, …, xₙ, ask one input at a time: hold all the others fixed
and differentiate in that one. That is the **partial derivative** ∂f/∂xᵢ.

Collect all n of them in a vector and you have the **gradient**:

    ∇ₓf(x) = [∂f/∂x₁, ∂f/∂x₂, …, ∂f/∂xₙ]ᵀ

It points in the direction in which f grows fastest, and it has the same shape as x.
PyTorch mirrors that: after `y.backward()`, `x.grad` has the shape of `x`, and `x.grad[i]`
is ∂y/∂xᵢ.
""",
            examples=[
                "x = torch.tensor([1.0, 2.0], requires_grad=True)",
                "y = x[0] * x[1] ** 2",
                "y.backward()",
                "x.grad",
            ],
            facts=[Fact("x.grad", [4.0, 4.0]), Fact("x.grad.shape", "x.shape")],
        ),
        Task(
            "exercise-7-by-hand",
            goal=(
                "D2L 2.4, exercise 7: find the gradient of **f(x) = 3x₁² + 5e^{x₂}** by hand.\n\n"
                "Write it as a function `grad_f(x)` that takes a tensor x of two numbers (x[0] is x₁, x[1] is x₂) "
                "and returns the gradient as a tensor of two numbers."
            ),
            checks=[
                tensor("grad_f(torch.tensor([1.0, 2.0]))", shape=(2,),
                       message="grad_f should return a tensor with two entries: one partial derivative per input"),
                close("grad_f(torch.tensor([1.0, 2.0]))", [6.0, 5 * E2], atol=1e-4),
                close("grad_f(torch.tensor([-0.5, 0.0]))", [-3.0, 5.0], atol=1e-5),
            ],
            hints=[
                "Take ∂f/∂x₁ treating x₂ as a constant, then ∂f/∂x₂ treating x₁ as a constant.",
                "∂f/∂x₁ = 6x₁ and ∂f/∂x₂ = 5e^{x₂}. Put the two into one tensor with torch.stack([...]).",
                "def grad_f(x):\n    return torch.stack([6 * x[0], 5 * torch.exp(x[1])])",
            ],
            solution="def grad_f(x):\n    return torch.stack([6 * x[0], 5 * torch.exp(x[1])])",
            wrong=[
                "def grad_f(x):\n    return 6 * x[0] + 5 * torch.exp(x[1])",
                "def grad_f(x):\n    return torch.stack([6 * x[0], torch.exp(x[1])])",
                "def grad_f(x):\n    return torch.stack([3 * x[0], 5 * torch.exp(x[1])])",
            ],
            mistakes=[
                Mistake(tensor("grad_f(torch.tensor([1.0, 2.0]))", shape=()),
                        "That is one number. The gradient has one entry per input: [∂f/∂x₁, ∂f/∂x₂]."),
                Mistake(close("grad_f(torch.tensor([1.0, 2.0]))", [6.0, E2], atol=1e-4),
                        "The constant factor 5 stays: ∂(5e^{x₂})/∂x₂ = 5e^{x₂}."),
                Mistake(close("grad_f(torch.tensor([1.0, 2.0]))", [3.0, 5 * E2], atol=1e-4),
                        "Power rule on 3x₁²: the 2 comes down, giving 6x₁."),
            ],
        ),
        Task(
            "exercise-7-autograd",
            goal=(
                "Now let autograd check your answer at x = (1, 2): make "
                "`x = torch.tensor([1.0, 2.0], requires_grad=True)`, compute `y = 3 * x[0] ** 2 + 5 * torch.exp(x[1])` "
                "and call `y.backward()`. `x.grad` must agree with `grad_f`."
            ),
            checks=[
                grad("x", [6.0, 5 * E2], atol=1e-4),
                close("x.grad", "grad_f(x.detach())", atol=1e-4),
                calls("backward", "grad"),
            ],
            hints=[
                "Three lines: the tensor, the function value, backward().",
                "The tensor must be floating point (1.0, not 1) to require gradients.",
                "x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = 3 * x[0] ** 2 + 5 * torch.exp(x[1])\n"
                "y.backward()",
            ],
            solution=(
                "x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = 3 * x[0] ** 2 + 5 * torch.exp(x[1])\n"
                "y.backward()"
            ),
            wrong=[
                "x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = 3 * x[0] ** 2 + 5 * torch.exp(x[1])",
                "x = torch.tensor([1, 2], requires_grad=True)",
                "x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = 3 * x[0] ** 2 + torch.exp(x[1])\n"
                "y.backward()",
            ],
            mistakes=[
                Mistake(raised("RuntimeError", "floating point"),
                        "torch.tensor([1, 2]) holds integers, which cannot require gradients: write 1.0 and 2.0."),
                Mistake(custom("no backward yet", lambda ctx: not any("backward" in t for t in ctx.inputs)),
                        "Building y records the graph; y.backward() is what fills x.grad."),
            ],
            facts=[Fact("x.grad", "grad_f(x.detach())")],
        ),
        Task(
            "exercise-8-norm",
            goal=(
                "D2L 2.4, exercise 8: the gradient of **f(x) = ‖x‖₂**.\n\n"
                "Work it out by hand: ‖x‖₂ = (x₁² + … + xₙ²)^{1/2}; differentiate in xᵢ with the chain rule. "
                "Then at x = (3, −4): make `x = torch.tensor([3.0, -4.0], requires_grad=True)`, let autograd "
                "differentiate `torch.linalg.vector_norm(x)`, and store your formula's value (a tensor) in "
                "`formula`."
            ),
            checks=[
                grad("x", [0.6, -0.8]),
                calls("backward", "grad"),
                close("formula", [0.6, -0.8], atol=1e-5),
            ],
            hints=[
                "∂/∂xᵢ of (Σ x²)^{1/2} is ½·(Σ x²)^{−1/2}·2xᵢ.",
                "That simplifies to xᵢ/‖x‖₂: the gradient is x divided by its own length, a unit vector. "
                "Compute formula from x.detach() (x's values without the autograd record, D2L 2.5.3).",
                "x = torch.tensor([3.0, -4.0], requires_grad=True)\ny = torch.linalg.vector_norm(x)\ny.backward()\n"
                "formula = x.detach() / torch.linalg.vector_norm(x.detach())",
            ],
            solution=(
                "x = torch.tensor([3.0, -4.0], requires_grad=True)\ny = torch.linalg.vector_norm(x)\ny.backward()\n"
                "formula = x.detach() / torch.linalg.vector_norm(x.detach())"
            ),
            wrong=[
                "x = torch.tensor([3.0, -4.0], requires_grad=True)\ny = (x ** 2).sum()\ny.backward()\n"
                "formula = 2 * x.detach()",
                "x = torch.tensor([3.0, -4.0], requires_grad=True)\ny = torch.linalg.vector_norm(x)\ny.backward()\n"
                "formula = x.detach() / (x.detach() ** 2).sum()",
            ],
            mistakes=[
                Mistake(grad("x", [6.0, -8.0]),
                        "(x ** 2).sum() is ‖x‖², the squared norm, whose gradient is 2x. The exercise asks for "
                        "‖x‖ itself: torch.linalg.vector_norm(x)."),
                Mistake(close("formula", [0.12, -0.16], atol=1e-5),
                        "Divide by ‖x‖ = 5, not by ‖x‖² = 25."),
            ],
        ),
        Predict(
            "norm-gradient-at-zero",
            code="z = torch.zeros(3, requires_grad=True)\ntorch.linalg.vector_norm(z).backward()\nz.grad",
            question=(
                "The formula x/‖x‖₂ divides 0 by 0 at x = 0. What does PyTorch put in z.grad for "
                "z = torch.zeros(3)? (a value, or 'error')"
            ),
            kind_of_answer="value",
            expect="torch.zeros(3)",
            explanation=(
                "PyTorch returns zeros: tensor([0., 0., 0.]). The norm's backward has a special case for x = 0 "
                "and picks 0, a safe choice (next step)."
            ),
        ),
        Quiz(
            "norm-at-zero-meaning",
            question="Mathematically, what is the gradient of ‖x‖₂ at x = 0?",
            choices=[
                Choice("The zero vector, because x/‖x‖ is 0/0 = 0",
                       why="0/0 is undefined, not 0. PyTorch returns zeros as a convention."),
                Choice("It does not exist: the graph of ‖x‖ is a cone with its tip at 0. Many planes touch "
                       "the tip without cutting the cone, but none is tangent to it. PyTorch's 0 is a "
                       "convention, not the derivative", correct=True,
                       why="Right. Along any direction v the norm grows like |t|·‖v‖, with a kink at t = 0 "
                           "(like |t| in one dimension), so no single linear function matches it. Every g with "
                           "‖g‖ ≤ 1 gives a plane g·x that touches the tip and stays below the cone: each such "
                           "g is a *subgradient*. 0 is the flat one among them; it keeps training from "
                           "producing nan."),
                Choice("nan in mathematics and in PyTorch",
                       why="PyTorch's vector_norm gives zeros; nan comes from writing the norm by hand, "
                           "as the next step shows."),
                Choice("A vector of infinities, since ‖x‖ has slope 1 in every direction",
                       why="Slope 1 in every direction at once is exactly why no gradient fits: a gradient "
                           "g gives slope g·v in direction v, which cannot be 1 for both v and −v."),
            ],
            facts=[
                Fact("z.grad", [0.0, 0.0, 0.0]),
                # many planes touch the tip from below: g·x <= ‖x‖ for every g with ‖g‖ <= 1
                Fact("pts = torch.randn(2000, 3, generator=torch.Generator().manual_seed(0)); "
                     "all(bool((pts @ g <= torch.linalg.vector_norm(pts, dim=1) + 1e-6).all()) for g in "
                     "(torch.zeros(3), torch.tensor([0.6, 0.0, -0.8]), torch.tensor([0.0, 0.5, 0.5])))", True),
                # but none is tangent: slope 1 in direction v and 1 in direction -v, no linear g does both
                Fact("v = torch.tensor([1.0, 0.0, 0.0]); "
                     "[(torch.linalg.vector_norm(t * v) / abs(t)).item() for t in (1e-3, -1e-3)]", [1.0, 1.0]),
            ],
        ),
        Predict(
            "hand-made-norm-at-zero",
            code="w = torch.zeros(3, requires_grad=True)\n(w ** 2).sum().sqrt().backward()\nw.grad",
            question=(
                "Now the same norm written by hand, `(w ** 2).sum().sqrt()`, at w = 0. Will w.grad hold "
                "zeros, nan, or will it raise an error? (answer: zeros, nan or error)"
            ),
            kind_of_answer="text",
            expect="nan",
            explanation=(
                "tensor([nan, nan, nan]). The chain rule multiplies sqrt's slope at 0, which is infinite, by "
                "the slope of the sum of squares, 2w = 0, and inf·0 is nan. Library norms avoid this; "
                "hand-written ones often add a tiny epsilon inside the sqrt."
            ),
            facts=[Fact("bool(w.grad.isnan().all())", True)],
        ),
        Text(
            "identities",
            """\
# Gradient identities worth knowing (D2L 2.4)

For a matrix A and a vector x (shapes that fit), the book lists:

    ∇ₓ Ax      = Aᵀ
    ∇ₓ xᵀA     = A
    ∇ₓ xᵀAx    = (A + Aᵀ) x
    ∇ₓ ‖x‖²    = ∇ₓ xᵀx = 2x
    ∇_X ‖X‖²_F = 2X

The last three have a **scalar** on the left, so each gradient has the shape of x (or X),
and autograd can check them with one `backward()`. The first two differentiate a **vector**
with respect to a vector: the answer is a matrix, and which way round it is written is a
convention (the end of this lesson).
""",
        ),
        Predict(
            "norm-squared-gradient",
            code="x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\n(x ** 2).sum().backward()\nx.grad",
            question="x = [1., 2., 3.] and y = ‖x‖² = (x ** 2).sum(). After y.backward(), what is x.grad?",
            kind_of_answer="value",
            expect="[2.0, 4.0, 6.0]",
            explanation="∇ₓ‖x‖² = 2x. Compare exercise 8: the square removes the 1/‖x‖ and the trouble at 0.",
        ),
        Task(
            "quadratic-form",
            goal=(
                "Check **∇ₓ xᵀAx = (A + Aᵀ)x** with autograd. `A` (not symmetric) and "
                "`x = tensor([1., -1.], requires_grad=True)` are set up for you.\n\n"
                "Compute `y = x @ A @ x`, call `y.backward()`, and store the identity's right-hand side, "
                "computed with A and x, in `formula`."
            ),
            setup="A = torch.tensor([[1.0, 2.0], [0.0, 3.0]])\nx = torch.tensor([1.0, -1.0], requires_grad=True)",
            checks=[
                grad("x", [0.0, -4.0]),
                calls("backward", "grad"),
                close("formula", [0.0, -4.0]),
            ],
            hints=[
                "For 1-D tensors, x @ A @ x is the scalar xᵀAx.",
                "The right-hand side is (A + A.T) @ x. Write x.detach() there: the same values without the "
                "autograd record (lesson detaching, D2L 2.5.3), so formula is a plain tensor.",
                "y = x @ A @ x\ny.backward()\nformula = (A + A.T) @ x.detach()",
            ],
            solution="y = x @ A @ x\ny.backward()\nformula = (A + A.T) @ x.detach()",
            wrong=[
                "y = x @ A @ x\ny.backward()\nformula = 2 * A @ x.detach()",
                "y = x @ A @ x\nformula = (A + A.T) @ x.detach()",
            ],
            mistakes=[
                Mistake(close("formula", [-2.0, -6.0]),
                        "2Ax is right only for a symmetric A. In general both A and Aᵀ appear: (A + Aᵀ)x."),
            ],
            facts=[Fact("x.grad", "(A + A.T) @ x.detach()")],
        ),
        Task(
            "frobenius-gradient",
            goal=(
                "Check **∇_X ‖X‖²_F = 2X**. `X = torch.arange(6.0).reshape(2, 3)` already requires gradients. "
                "Compute y = ‖X‖²_F with `torch.linalg.matrix_norm` and call `y.backward()`."
            ),
            setup="X = torch.arange(6.0).reshape(2, 3).requires_grad_()",
            checks=[grad("X", "2 * X.detach()"), calls("backward", "grad")],
            hints=[
                "matrix_norm gives ‖X‖_F; the identity needs its square.",
                "Square the norm with ** 2 before calling backward().",
                "y = torch.linalg.matrix_norm(X) ** 2\ny.backward()",
            ],
            solution="y = torch.linalg.matrix_norm(X) ** 2\ny.backward()",
            wrong=["y = torch.linalg.matrix_norm(X)\ny.backward()", "y = (X ** 2).sum()"],
            mistakes=[
                Mistake(grad("X", "X.detach() / torch.linalg.matrix_norm(X.detach())"),
                        "That is the gradient of ‖X‖_F, X/‖X‖_F. Square the norm to get ‖X‖²_F."),
            ],
            facts=[Fact("X.grad", "2 * X.detach()")],
        ),
        Text(
            "layout",
            """\
# Two ways to lay out a vector derivative

Take u = Ax with A of shape m × n (here 2 × 3): n inputs, m outputs. The derivative holds
m·n numbers ∂uⱼ/∂xᵢ, but in which order?

- **The book (denominator layout)**: one row per *input*, one column per *output*: an
  n × m matrix whose column j is the gradient of uⱼ. That is why it writes ∇ₓAx = **Aᵀ**.
- **PyTorch's `torch.autograd.functional.jacobian` and `torch.func.jacrev` (numerator
  layout, the usual "Jacobian")**: one row per *output*: m × n, row j is the gradient of uⱼ.
  For x ↦ Ax it returns **A**.

The two are transposes of each other. Neither is a mistake, but mixing them up is behind
many "the book is wrong" reports.
""",
            examples=[
                "A = torch.tensor([[1.0, 2.0, 0.0], [-1.0, 3.0, 1.0]])",
                "x = torch.tensor([1.0, 2.0, 3.0])",
                "torch.autograd.functional.jacobian(lambda x: A @ x, x)",
            ],
            facts=[
                Fact("torch.autograd.functional.jacobian(lambda x: A @ x, x)", "A"),
                Fact("torch.func.jacrev(lambda x: A @ x)(x)", "A"),
            ],
        ),
        Task(
            "one-output-gradient",
            goal=(
                "Get one column of the book's ∇ₓAx by hand: with `A` (2 × 3) and "
                "`x = tensor([1., 2., 3.], requires_grad=True)` set up, compute `u = A @ x` and call backward "
                "on its **first entry** u₀ only. x.grad is then the gradient of u₀."
            ),
            setup=(
                "A = torch.tensor([[1.0, 2.0, 0.0], [-1.0, 3.0, 1.0]])\n"
                "x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)"
            ),
            checks=[grad("x", "A[0]"), calls("backward", "grad")],
            hints=[
                "backward() needs a scalar; u has two entries.",
                "Index the first entry: u[0] is a scalar that still records its graph.",
                "u = A @ x\nu[0].backward()",
            ],
            solution="u = A @ x\nu[0].backward()",
            wrong=["u = A @ x\nu.backward()", "u = A @ x\nu.sum().backward()"],
            mistakes=[
                Mistake(raised("RuntimeError", "scalar outputs"),
                        "u has 2 entries, and backward() without an argument needs a single number. "
                        "Call it on u[0]."),
                Mistake(grad("x", "A.sum(0)"),
                        "u.sum() adds both outputs, so x.grad is the sum of their gradients. Take u[0] alone."),
            ],
            facts=[Fact("x.grad", "A.T[:, 0]")],
        ),
        Task(
            "jacobian-of-ax",
            goal=(
                "Now the whole matrix at once. Store `torch.autograd.functional.jacobian(lambda x: A @ x, x)` "
                "in `J`, and the book's ∇ₓAx (the other layout) in `book`."
            ),
            setup=(
                "A = torch.tensor([[1.0, 2.0, 0.0], [-1.0, 3.0, 1.0]])\n"
                "x = torch.tensor([1.0, 2.0, 3.0])"
            ),
            checks=[
                tensor("J", shape=(2, 3)),
                close("J", "A"),
                calls("jacobian", "jacrev", message="compute J with torch.autograd.functional.jacobian"),
                tensor("book", shape=(3, 2), message="book should be n × m = 3 × 2: one row per input"),
                close("book", "A.T"),
            ],
            hints=[
                "J has one row per output (2) and one column per input (3).",
                "The book's layout is the transpose: `J.T`.",
                "J = torch.autograd.functional.jacobian(lambda x: A @ x, x)\nbook = J.T",
            ],
            solution="J = torch.autograd.functional.jacobian(lambda x: A @ x, x)\nbook = J.T",
            wrong=[
                "J = torch.autograd.functional.jacobian(lambda x: A @ x, x)\nbook = J",
                "J = A\nbook = A.T",
            ],
            mistakes=[
                Mistake(tensor("book", shape=(2, 3)),
                        "That is PyTorch's layout (one row per output). The book's ∇ₓAx has one row per input: "
                        "transpose it."),
            ],
        ),
        Quiz(
            "who-is-right",
            question=(
                "A learner computes jacobian(lambda x: A @ x, x), gets A, and reports that the book's "
                "∇ₓAx = Aᵀ is a typo. What do you tell them?"
            ),
            choices=[
                Choice("The book has a typo: it should say ∇ₓAx = A",
                       why="Not a typo: in the book's convention column j is the gradient of uⱼ, and the "
                           "gradient of uⱼ = (Ax)ⱼ is row j of A, i.e. column j of Aᵀ."),
                Choice("PyTorch has a bug: jacobian should return Aᵀ",
                       why="PyTorch follows the usual definition of the Jacobian, one row per output."),
                Choice("They only disagree when A is not square",
                       why="They disagree for any non-symmetric A; a square A still gives A vs Aᵀ. "
                           "Non-square A just makes the difference visible in the shape."),
                Choice("Both are right: the book stacks gradients as columns (denominator layout), "
                       "PyTorch's jacobian as rows (numerator layout); the results are transposes",
                       correct=True,
                       why="Right. Check the shape: for a 2 × 3 A the book's ∇ₓAx is 3 × 2, jacobian gives 2 × 3."),
            ],
        ),
        Predict(
            "jacobian-of-xta",
            code=(
                "B = torch.tensor([[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]])\n"
                "x = torch.tensor([1.0, 2.0, 3.0])\n"
                "torch.autograd.functional.jacobian(lambda x: x @ B, x).shape"
            ),
            question=(
                "The identity ∇ₓ xᵀB = B, with B of shape 3 × 2 and x of length 3. What shape does PyTorch's "
                "jacobian of x ↦ x @ B have?"
            ),
            kind_of_answer="shape",
            expect="(2, 3)",
            explanation=(
                "2 outputs × 3 inputs: PyTorch returns Bᵀ. The book's layout (3 inputs × 2 outputs) is its "
                "transpose, B, as the identity says."
            ),
            facts=[Fact("torch.autograd.functional.jacobian(lambda x: x @ B, x)", "B.T")],
        ),
    ],
)
