"""Lesson: norms (D2L 2.3): L1 (Manhattan distance, outliers), L2, Lp, L-infinity, Frobenius, spectral,
norms along a dim, a 3-axis tensor."""

from tutor.lesson import *

lesson = Lesson(
    id="norms",
    title="Norms: how big is a vector, a matrix, a tensor?",
    section="2.3",
    prerequisites=[],
    minutes=30,
    summary="L1 (the taxi's distance, robust to outliers), L2, Lp, L∞, Frobenius and spectral norms, norms "
            "along a dim, and what torch.linalg does with 3 axes.",
    setup=(
        "u = torch.tensor([3.0, -4.0])\n"
        "A = torch.arange(6.0).reshape(2, 3)\n"
        "X = torch.arange(24.0).reshape(2, 3, 4)"
    ),
    steps=[
        Text(
            "what-is-a-norm",
            """\
# What a norm is (D2L 2.3, norms)

A **norm** turns a vector into one non-negative number: its size. Written ‖x‖.
Any function that deserves the name obeys three rules:

1. **Scaling**: stretching the vector stretches its size, ‖a·x‖ = |a|·‖x‖.
   The sign of `a` does not matter.
2. **Triangle inequality**: ‖x + y‖ ≤ ‖x‖ + ‖y‖. Taking a detour never makes
   the trip shorter.
3. **Positive**: ‖x‖ > 0 whenever x ≠ 0, and only the zero vector has norm 0.

The lesson has made `u = tensor([3., -4.])`, a 2×3 matrix `A` and a 2×3×4 tensor `X`.
PyTorch's tool for vectors is `torch.linalg.vector_norm`. Try the examples: the
first two show the scaling rule (‖u‖ is 5, ‖-2u‖ is 10).
""",
            examples=[
                "torch.linalg.vector_norm(u)",
                "torch.linalg.vector_norm(-2 * u)",
                "v = torch.tensor([1.0, 2.0])",
                "torch.linalg.vector_norm(u + v), torch.linalg.vector_norm(u) + torch.linalg.vector_norm(v)",
            ],
            facts=[
                Fact("torch.linalg.vector_norm(u)", 5.0),
                Fact("torch.linalg.vector_norm(-2 * u)", 10.0),
                Fact("torch.linalg.vector_norm(torch.zeros(3))", 0.0),
                Fact("bool(torch.linalg.vector_norm(u + v) <= torch.linalg.vector_norm(u) + torch.linalg.vector_norm(v))",
                     True),
            ],
        ),
        Text(
            "l2",
            """\
# The L2 norm: ordinary length

The **L2 norm** is the length you know from Pythagoras: square every entry, add them up,
take the square root. For u = (3, -4) that is √(9 + 16) = 5.

    ‖x‖₂ = √(x₁² + x₂² + … + xₙ²)

It is the default: when a book writes ‖x‖ without a subscript it usually means ‖x‖₂,
and `torch.linalg.vector_norm(u)` computes it when you give no `ord`.
Writing the definition out by hand gives the same number: `(u ** 2).sum().sqrt()`.
""",
            examples=["(u ** 2).sum().sqrt()", "torch.linalg.vector_norm(u)"],
            facts=[Fact("(u ** 2).sum().sqrt()", 5.0)],
        ),
        Task(
            "l1",
            goal=(
                "The **L1 norm** adds the absolute values of the entries: ‖x‖₁ = |x₁| + … + |xₙ|.\n\n"
                "Compute the L1 norm of `u` **from this definition** (no norm function) and store it in `l1`."
            ),
            checks=[
                close("l1", 7.0),
                avoids("norm", "vector_norm", "matrix_norm",
                       message="build it from the definition this time: absolute values, then a sum"),
            ],
            hints=[
                "Two steps: make every entry non-negative, then add the entries up.",
                "`u.abs()` gives the absolute values; `.sum()` adds them.",
                "l1 = u.abs().sum()",
            ],
            solution="l1 = u.abs().sum()",
            wrong=["l1 = u.sum()", "l1 = torch.linalg.vector_norm(u, ord=1)", "l1 = (u ** 2).sum().sqrt()"],
            mistakes=[
                Mistake(close("l1", -1.0), "u.sum() adds the signed entries (3 + -4 = -1); a norm never goes "
                                           "negative: take the absolute values first."),
                Mistake(close("l1", 5.0), "5 is the L2 norm of u. The L1 norm adds absolute values without "
                                          "squaring."),
            ],
            facts=[Fact("torch.linalg.vector_norm(u, ord=1)", 7.0)],
        ),
        Predict(
            "linf",
            code="torch.linalg.vector_norm(u, ord=torch.inf)",
            question=(
                "The **L∞ norm** (`ord=torch.inf`) is the largest absolute value among the entries. "
                "What does it give for u = [3., -4.]?"
            ),
            kind_of_answer="value",
            expect="4.0",
            explanation="max(|3|, |-4|) = 4. The sign is dropped before taking the maximum.",
        ),
        Text(
            "manhattan",
            """\
# L1 is the taxi's distance (D2L 2.3)

A norm of a difference, ‖p − q‖, is a **distance** between p and q. Which norm you take
decides what "distance" means:

- ‖p − q‖₂ is the straight line, as the crow flies;
- ‖p − q‖₁ adds the moves along each axis separately. On a street grid, where you can only
  drive along avenues and streets, that is the distance a taxi drives. Hence its nicknames:
  **Manhattan** or taxicab distance.

From the corner (2, 3) to the corner (5, −1) a taxi drives 3 blocks one way and 4 the other,
7 blocks in all, while the crow flies 5.
""",
            examples=["p = torch.tensor([2.0, 3.0])", "q = torch.tensor([5.0, -1.0])",
                      "torch.linalg.vector_norm(p - q, ord=1), torch.linalg.vector_norm(p - q)"],
            facts=[
                Fact("torch.linalg.vector_norm(p - q, ord=1)", 7.0),
                Fact("torch.linalg.vector_norm(p - q)", 5.0),
            ],
        ),
        Task(
            "manhattan-exercise",
            goal=(
                "One of D2L 2.3's exercises asks how far you travel between two points in Manhattan, and whether "
                "you can go diagonally. A taxi goes from the corner `start = (1, 7)` to `end = (4, 3)` "
                "(set up as tensors), along the grid: no diagonals. Store the distance it drives in `drive` "
                "and the straight-line distance in `crow`."
            ),
            setup="start = torch.tensor([1.0, 7.0])\nend = torch.tensor([4.0, 3.0])",
            checks=[
                close("drive", 7.0, message="drive should be the grid distance: the moves along each axis, added"),
                close("crow", 5.0, message="crow should be the straight-line distance, the L2 norm of end - start"),
            ],
            hints=[
                "Both are norms of the difference `end - start`.",
                "The grid distance is the L1 norm (ord=1), the straight line the L2 norm.",
                "drive = torch.linalg.vector_norm(end - start, ord=1)\ncrow = torch.linalg.vector_norm(end - start)",
            ],
            solution="drive = torch.linalg.vector_norm(end - start, ord=1)\ncrow = torch.linalg.vector_norm(end - start)",
            wrong=[
                "drive = torch.linalg.vector_norm(end - start)\ncrow = torch.linalg.vector_norm(end - start)",
                "drive = (end - start).sum()\ncrow = torch.linalg.vector_norm(end - start)",
                "drive = torch.linalg.vector_norm(end - start, ord=1)\ncrow = torch.linalg.vector_norm(end - start, ord=1)",
            ],
            mistakes=[
                Mistake(close("drive", 5.0), "5 blocks would need a diagonal shortcut: that is the straight line. "
                                             "On the grid the moves along each axis add up: the L1 norm."),
                Mistake(close("drive", -1.0), "(end - start).sum() lets a move south cancel a move east. Distances "
                                              "along each axis count whatever their sign: take absolute values."),
                Mistake(close("crow", 7.0), "7 is the taxi's distance; the crow flies straight: the L2 norm."),
            ],
            facts=[
                # the grid distance is never shorter than the straight line (Broadway, Manhattan's one long
                # diagonal, is why real taxis sometimes beat it)
                Fact("bool(torch.linalg.vector_norm(end - start, ord=1) >= torch.linalg.vector_norm(end - start))",
                     True),
            ],
        ),
        Task(
            "outliers",
            goal=(
                "L1 shrugs off outliers, L2 does not. Take the measurements `data = [1., 2., 3., 4., 100.]` "
                "(set up): the 100 is an outlier. Which single number c best summarises them?\n\n"
                "- the c with the smallest total L1 distance Σ|xᵢ − c| is the **median**;\n"
                "- the c with the smallest total squared L2 distance Σ(xᵢ − c)² is the **mean**.\n\n"
                "Store the L1 choice in `c1` and the squared-L2 choice in `c2`, and compare them."
            ),
            setup="data = torch.tensor([1.0, 2.0, 3.0, 4.0, 100.0])",
            checks=[
                close("c1", 3.0, message="c1 should be the value with the smallest total L1 distance: the median"),
                close("c2", 22.0, message="c2 should be the value with the smallest total squared distance: the mean"),
            ],
            hints=[
                "The median is the middle value of the sorted data; the mean is the average.",
                "Tensors have .median() and .mean().",
                "c1 = data.median()\nc2 = data.mean()",
            ],
            solution="c1 = data.median()\nc2 = data.mean()",
            wrong=["c1 = data.mean()\nc2 = data.median()", "c1 = data.mean()\nc2 = data.mean()",
                   "c1 = data.median()\nc2 = data.sum()"],
            mistakes=[
                Mistake(close("c1", 22.0), "The mean (22) is what squared distances pick. Summed absolute distances "
                                           "are smallest at the median."),
                Mistake(close("c2", 3.0), "The median (3) is what L1 picks; squared distances pick the mean."),
            ],
            facts=[
                # a brute-force search over c agrees: L1 picks 3 (the median), squared L2 picks 22 (the mean)
                Fact("cs = torch.linspace(0, 30, 3001); "
                     "cs[(data - cs[:, None]).abs().sum(1).argmin()].item()", 3.0),
                Fact("cs[((data - cs[:, None]) ** 2).sum(1).argmin()].item()", 22.0),
                # without the outlier both agree on 2.5; the outlier moves the mean by 19.5, the median by 0.5
                Fact("data[:4].mean().item(), torch.quantile(data[:4], 0.5).item()", (2.5, 2.5)),
            ],
        ),
        Text(
            "lp",
            """\
# The whole family: Lp norms

L1 and L2 are two members of one family. For any p ≥ 1:

    ‖x‖ₚ = (|x₁|ᵖ + |x₂|ᵖ + … + |xₙ|ᵖ)^(1/p)

p = 1 gives the sum of absolute values, p = 2 the Euclidean length, and as p grows the
biggest entry dominates more and more, which is why the limit p → ∞ is the maximum.
In PyTorch, pass p as `ord`: `torch.linalg.vector_norm(u, ord=3)` is (27 + 64)^(1/3) ≈ 4.498.
""",
            examples=[
                "torch.linalg.vector_norm(u, ord=3)",
                "[torch.linalg.vector_norm(u, ord=p).item() for p in (1, 2, 3, 10, torch.inf)]",
            ],
            facts=[
                Fact("torch.linalg.vector_norm(u, ord=3)", 4.4979),
                Fact("torch.linalg.vector_norm(u, ord=10)", "torch.tensor(4.0).pow(10).add(3.0 ** 10).pow(0.1)"),
            ],
        ),
        Quiz(
            "compare-norms",
            question="For any vector x, how do its L1, L2 and L∞ norms compare?",
            choices=[
                Choice("‖x‖₁ ≤ ‖x‖₂ ≤ ‖x‖∞",
                       why="Backwards: u = [3., -4.] gives L1 = 7, L2 = 5, L∞ = 4."),
                Choice("‖x‖∞ ≤ ‖x‖₂ ≤ ‖x‖₁", correct=True,
                       why="Right. For u: 4 ≤ 5 ≤ 7. The maximum entry is at most the length, and the length "
                           "is at most the sum of absolute values (square both sides: the sum's square has extra "
                           "non-negative cross terms)."),
                Choice("They are all equal, only the formulas differ",
                       why="They agree only for vectors with at most one non-zero entry (the zero vector too); for u "
                           "they are 7, 5 and 4."),
                Choice("It depends on the signs of the entries",
                       why="Every norm takes absolute values first, so signs never change the order."),
            ],
            facts=[
                Fact("torch.linalg.vector_norm(u, ord=torch.inf)", 4.0),
                Fact("torch.linalg.vector_norm(u, ord=1)", 7.0),
                Fact("[torch.linalg.vector_norm(torch.tensor([0.0, -3.0, 0.0]), ord=p).item() "
                     "for p in (1, 2, torch.inf)]", [3.0, 3.0, 3.0]),
                Fact("[torch.linalg.vector_norm(torch.zeros(3), ord=p).item() for p in (1, 2, torch.inf)]",
                     [0.0, 0.0, 0.0]),
            ],
        ),
        Text(
            "frobenius",
            """\
# Matrices: the Frobenius norm

For a matrix the most common size is the **Frobenius norm** ‖X‖_F: treat the matrix as one
long vector of all its entries and take the L2 norm of that.

    ‖X‖_F = √(Σᵢ Σⱼ xᵢⱼ²)

`torch.linalg.matrix_norm(X)` computes it (its default `ord` is `'fro'`). A 4×9 matrix of
ones has 36 entries equal to 1, so its Frobenius norm is √36 = 6.
""",
            examples=["torch.linalg.matrix_norm(torch.ones(4, 9))", "torch.linalg.matrix_norm(A)"],
            facts=[
                Fact("torch.linalg.matrix_norm(torch.ones(4, 9))", 6.0),
                Fact("torch.linalg.matrix_norm(A)", "(A ** 2).sum().sqrt()"),
            ],
        ),
        Task(
            "frobenius-squared",
            goal=(
                "Papers often write **‖X‖²_F**: the Frobenius norm, squared. The square cancels the square root, "
                "so it is simply the sum of the squared entries.\n\n"
                "Store ‖A‖²_F for the 2×3 matrix `A` (entries 0 to 5) in `sq`."
            ),
            checks=[close("sq", 55.0, atol=1e-4)],
            hints=[
                "The little ² outside the norm means: square the whole norm.",
                "Either `torch.linalg.matrix_norm(A) ** 2` or add up the squares of the entries.",
                "sq = (A ** 2).sum()",
            ],
            solution="sq = (A ** 2).sum()",
            wrong=["sq = torch.linalg.matrix_norm(A)", "sq = A.sum() ** 2", "sq = (A ** 2).sum().sqrt()"],
            mistakes=[
                Mistake(close("sq", 7.4162, atol=1e-3),
                        "That is ‖A‖_F itself (√55 ≈ 7.42). The ² asks for its square."),
                Mistake(close("sq", 225.0), "(ΣA)² squares the sum; ‖A‖²_F sums the squares."),
            ],
            facts=[Fact("torch.linalg.matrix_norm(A) ** 2", 55.0)],
        ),
        Text(
            "spectral",
            """\
# Another matrix norm: the spectral norm

A matrix is also a map, v ↦ Av, and one can ask how much it **stretches** a vector at most:

    ‖A‖₂ = the largest value of ‖Av‖₂ / ‖v‖₂ over all v ≠ 0

That is the **spectral norm**, `torch.linalg.matrix_norm(A, ord=2)`; it equals A's largest
singular value (`torch.linalg.svdvals(A)[0]`). It is not the Frobenius norm: Frobenius adds up
every entry's square, the spectral norm only measures the strongest direction. Always
‖A‖₂ ≤ ‖A‖_F, with equality only when A has rank 1 or less (a single direction).

For our A: ‖A‖₂ ≈ 7.348 and ‖A‖_F ≈ 7.416.
""",
            examples=["torch.linalg.matrix_norm(A, ord=2), torch.linalg.matrix_norm(A)",
                      "torch.linalg.svdvals(A)"],
            facts=[
                Fact("torch.linalg.matrix_norm(A, ord=2)", "torch.linalg.svdvals(A)[0]"),
                Fact("torch.linalg.matrix_norm(A, ord=2)", 7.3485),
                Fact("bool(torch.linalg.matrix_norm(A, ord=2) < torch.linalg.matrix_norm(A))", True),
                # no vector is stretched more than the spectral norm, and some come close
                Fact("vs = torch.randn(2000, 3, generator=torch.Generator().manual_seed(0)); "
                     "ratios = torch.linalg.vector_norm(vs @ A.T, dim=1) / torch.linalg.vector_norm(vs, dim=1); "
                     "bool(ratios.max() <= torch.linalg.matrix_norm(A, ord=2) * (1 + 1e-5)) "
                     "and bool(ratios.max() > 0.99 * torch.linalg.matrix_norm(A, ord=2))", True),
                # rank 1: the two norms agree
                Fact("torch.linalg.matrix_norm(torch.ones(4, 9), ord=2)", 6.0),
            ],
        ),
        Predict(
            "spectral-diag",
            code="torch.linalg.matrix_norm(torch.diag(torch.tensor([3.0, 4.0])), ord=2)",
            question=(
                "D = diag(3, 4) stretches the first axis by 3 and the second by 4. Its Frobenius norm is "
                "√(9 + 16) = 5. What is its spectral norm, `torch.linalg.matrix_norm(D, ord=2)`?"
            ),
            kind_of_answer="value",
            expect="4.0",
            explanation="4: the most D stretches any vector is by 4, along the second axis. Frobenius (5) "
                        "mixes both directions into one number, the spectral norm keeps the strongest.",
            facts=[Fact("torch.linalg.matrix_norm(torch.diag(torch.tensor([3.0, 4.0])))", 5.0)],
        ),
        Text(
            "along-a-dim",
            """\
# One norm per row or per column

Pass `dim=` to get many norms at once. As with `sum`, the dim you name is the one that
**disappears**:

- `dim=0` runs down the rows, so you get one norm **per column** (A is 2×3: 3 norms);
- `dim=1` runs along each row, so you get one norm **per row** (2 norms).

`keepdim=True` keeps the reduced axis with length 1, handy for dividing by the norms
(`A / torch.linalg.vector_norm(A, dim=1, keepdim=True)` makes every row length 1).
""",
            examples=[
                "torch.linalg.vector_norm(A, dim=0)",
                "torch.linalg.vector_norm(A, dim=1)",
                "A / torch.linalg.vector_norm(A, dim=1, keepdim=True)",
            ],
            facts=[
                Fact("torch.linalg.vector_norm(A, dim=0)", [3.0, 4.1231, 5.3852]),
                Fact("torch.linalg.vector_norm(A, dim=1)", [2.2361, 7.0711]),
                Fact("torch.linalg.vector_norm(A / torch.linalg.vector_norm(A, dim=1, keepdim=True), dim=1)",
                     [1.0, 1.0]),
            ],
        ),
        Task(
            "row-norms",
            goal="Store the L2 norm of **each row** of `A` in `rows` (a tensor with one number per row).",
            checks=[
                tensor("rows", shape=(2,)),
                close("rows", [2.2361, 7.0711], atol=1e-3),
            ],
            hints=[
                "`torch.linalg.vector_norm` takes a `dim=` argument: the axis that disappears.",
                "A row runs along the columns, so the axis to reduce is dim 1.",
                "rows = torch.linalg.vector_norm(A, dim=1)",
            ],
            solution="rows = torch.linalg.vector_norm(A, dim=1)",
            wrong=["rows = torch.linalg.vector_norm(A, dim=0)", "rows = torch.linalg.vector_norm(A)",
                   "rows = A.abs().sum(dim=1)"],
            mistakes=[
                Mistake(tensor("rows", shape=(3,)),
                        "You got 3 numbers, one per column: dim=0 reduces the rows away. Reduce dim 1 instead."),
                Mistake(tensor("rows", shape=()),
                        "Without dim= you get a single number for the whole matrix."),
                Mistake(close("rows", [3.0, 12.0]), "Those are L1 norms (sums of absolute values); the task "
                                                    "asks for L2."),
            ],
        ),
        Predict(
            "keepdim-shape",
            code="torch.linalg.vector_norm(A, dim=0, keepdim=True).shape",
            question="A is 2×3. What shape does `torch.linalg.vector_norm(A, dim=0, keepdim=True)` have?",
            kind_of_answer="shape",
            expect="(1, 3)",
            explanation="dim 0 is reduced (one norm per column) but kept with length 1, so the result is 1×3 "
                        "and broadcasts against A.",
        ),
        Text(
            "which-function",
            """\
# torch.norm is deprecated: which function to use

The book uses `torch.norm`. It still works, but its documentation marks it **deprecated**:
PyTorch now has three clearer functions in `torch.linalg`:

- `vector_norm(x, ord=2, dim=None)`: treats the input as a vector. With no `dim` it
  flattens **any** shape into one long vector first.
- `matrix_norm(A, ord='fro', dim=(-2, -1))`: a norm of the matrices in the last two axes.
  A 3-axis tensor is read as a **batch** of matrices: one norm per matrix. It refuses a
  1-axis input.
- `norm(x, ord=None, dim=None)`: picks vector or matrix behaviour from the input's shape and
  from `ord`/`dim`. Handy, but its rules have corners (next steps).

Try `torch.linalg.vector_norm?` for the signature.
""",
            examples=[
                "torch.norm(u)",
                "torch.linalg.vector_norm(torch.ones(4, 9))",
                "torch.linalg.matrix_norm(X)",
            ],
            facts=[
                Fact("torch.norm(u)", 5.0),
                Fact("torch.linalg.vector_norm(torch.ones(4, 9))", 6.0),
                Fact("torch.linalg.matrix_norm(X).shape", (2,)),
                Fact("torch.linalg.matrix_norm(torch.ones(3))", raises="RuntimeError"),
                Fact("'deprecated' in torch.norm.__doc__", True),
            ],
        ),
        Quiz(
            "three-axes",
            question=(
                "Exercise 2.3 (norms of tensors with 3+ axes): X has shape (2, 3, 4). "
                "What does `torch.linalg.norm(X)`, with no `ord` and no `dim`, compute?"
            ),
            choices=[
                Choice("One Frobenius norm per 3×4 matrix, a tensor of shape (2,)",
                       why="That is what torch.linalg.matrix_norm(X) returns (a batch of matrices); "
                           "torch.linalg.norm(X) returns a single number."),
                Choice("It raises an error because X is not 1-D or 2-D",
                       why="Only when you also pass ord= without dim= (see the next step). "
                           "With neither, it flattens."),
                Choice("The L2 norm of all 24 entries, as if X were flattened into one vector", correct=True,
                       why="Right: without ord and dim it flattens, so it equals "
                           "torch.linalg.vector_norm(X.flatten()) ≈ 65.76."),
                Choice("The largest singular value of X",
                       why="Singular values belong to matrices (ord=2 on a 2-D input); X has 3 axes."),
            ],
            facts=[
                Fact("torch.linalg.norm(X)", "torch.linalg.vector_norm(X.flatten())"),
                Fact("torch.linalg.norm(X)", 65.7571),
            ],
        ),
        Predict(
            "three-axes-ord",
            code="torch.linalg.norm(X, ord=2)",
            question="Same X, shape (2, 3, 4). Will `torch.linalg.norm(X, ord=2)` give a number or an error?",
            kind_of_answer="error",
            expect="error",
            explanation="With ord= but no dim=, torch.linalg.norm insists on a 1-D or 2-D input and raises "
                        "RuntimeError ('the input must be 1D or 2D. Got 3D.'). Say which axes you mean "
                        "with dim=, or use vector_norm / matrix_norm.",
        ),
        Task(
            "per-matrix",
            goal=(
                "X holds two 3×4 matrices, `X[0]` and `X[1]`. Store the **Frobenius norm of each** in "
                "`per_matrix` (shape (2,)), with one call."
            ),
            checks=[
                tensor("per_matrix", shape=(2,)),
                close("per_matrix", "torch.stack([torch.linalg.matrix_norm(X[0]), torch.linalg.matrix_norm(X[1])])",
                      atol=1e-3),
                calls("matrix_norm", "norm", "vector_norm", message="do it with one of the torch.linalg norm functions"),
            ],
            hints=[
                "One of the three torch.linalg functions treats the last two axes as matrices.",
                "torch.linalg.matrix_norm works on the last two axes and keeps the others as a batch.",
                "per_matrix = torch.linalg.matrix_norm(X)",
            ],
            solution="per_matrix = torch.linalg.matrix_norm(X)",
            wrong=["per_matrix = torch.linalg.norm(X)", "per_matrix = torch.linalg.vector_norm(X, dim=0)",
                   "per_matrix = torch.linalg.norm(X, ord='fro')"],
            mistakes=[
                Mistake(tensor("per_matrix", shape=()),
                        "One number for the whole tensor: torch.linalg.norm(X) flattens all 24 entries. "
                        "Ask for a norm per matrix."),
                Mistake(raised("RuntimeError"),
                        "ord='fro' is a matrix norm: without dim= torch.linalg.norm takes it of a 2-D input only "
                        "(3 axes raise, and so does 1). Add dim=(1, 2), or use matrix_norm."),
            ],
            facts=[
                Fact("torch.linalg.norm(X, dim=(1, 2))", "torch.linalg.matrix_norm(X)"),
                Fact("torch.linalg.norm(X, ord='fro')", raises="RuntimeError"),
                Fact("torch.linalg.norm(torch.ones(3), ord='fro')", raises="RuntimeError"),
                Fact("torch.linalg.norm(torch.ones(4, 9), ord='fro')", 6.0),
            ],
        ),
        Explain(
            "why-norms",
            topics=["square", "root", "sqrt", "√", "gradient", "derivative", "differentiab", "smooth", "zero", "cheap"],
            question=(
                "In your own words: a loss like ‖y_hat - y‖²₂ or a penalty like λ‖w‖²₂ uses a *squared* norm. "
                "Why square it instead of using ‖·‖₂ itself?"
            ),
            model_answer=(
                "The square removes the square root, so ‖v‖²₂ is just Σ vᵢ²: cheaper to compute, and its "
                "gradient is the simple 2v (next lessons). ‖v‖₂ has gradient v/‖v‖₂, which is undefined at "
                "v = 0, exactly where a good fit ends up. Squaring also keeps the ranking of sizes (for "
                "non-negative numbers a < b exactly when a² < b²), so minimising one minimises the other."
            ),
        ),
    ],
)
