"""Lesson 6: autograd basics (D2L 2.5.1): requires_grad, backward, .grad, accumulation."""

from tutor.lesson import *


import ast


def _y_is_python_number(ctx):
    return isinstance(ctx.namespace.get("y"), (int, float))


def _backward_not_called(ctx):
    """The learner wrote `y.backward` (an attribute) without calling it."""
    for tree in ctx.trees():
        called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "backward" and id(node) not in called:
                return True
    return False


def _only_reads_the_flag(ctx) -> bool:
    """The last input is `x.requires_grad` (reading the flag) while x still records nothing."""
    text = ctx.inputs[-1].strip() if ctx.inputs else ""
    return text in ("x.requires_grad", "x.requires_grad;") and not ctx.namespace["x"].requires_grad


lesson = Lesson(
    id="autograd-basics",
    title="Autograd basics: requires_grad, backward, .grad",
    section="2.5.1",
    prerequisites=["derivatives"],
    minutes=20,
    summary="Attach gradients to x, record y = 2xᵀx, call backward, read x.grad, and tame accumulation.",
    setup="x = torch.arange(4.0)",
    steps=[
        Text(
            "recipe",
            """\
## Automatic differentiation (D2L 2.5.1)

In the calculus lessons you worked gradients out by hand. PyTorch can do that work for you:
while your code runs it **records** every operation on the tensors you marked, and afterwards it
walks that record backwards, applying the chain rule at each step (backpropagation).

The recipe has four moves:

1. mark the input: say that you will want gradients with respect to `x`;
2. compute a **scalar** `y` from `x` as usual (this is recorded);
3. call `y.backward()`;
4. read the gradient dy/dx from `x.grad`.

The setup gave you the book's input, `x = torch.arange(4.0)`, the vector [0, 1, 2, 3].
Out of the box a tensor records nothing: `x.requires_grad` is `False`.
""",
            examples=["x", "x.requires_grad"],
            facts=[
                Fact("x", [0.0, 1.0, 2.0, 3.0]),
                Fact("x.requires_grad", False),
            ],
        ),
        Quiz(
            "why-four-point-oh",
            question="The book writes `torch.arange(4.0)`, not `torch.arange(4)`. Why does the `.0` matter "
                     "here?",
            choices=[
                Choice("`torch.arange(4)` stops at 3 while `torch.arange(4.0)` includes 4.",
                       why="Both stop before 4: they hold the same four numbers 0, 1, 2, 3. Only the dtype "
                           "differs (int64 vs float32)."),
                Choice("`torch.arange(4)` makes an int64 tensor, and integer tensors cannot require "
                       "gradients.", correct=True,
                       why="Right. Derivatives need values that can change continuously, so only floating "
                           "point (and complex) tensors can require gradients. `torch.arange(4).requires_grad_()` "
                           "raises 'only Tensors of floating point dtype can require gradients'; "
                           "`torch.arange(4, requires_grad=True)` words it more fully: 'Only Tensors of "
                           "floating point and complex dtype can require gradients'."),
                Choice("It only changes how the tensor prints; autograd treats both the same.",
                       why="The dtype matters to autograd: `torch.arange(4).requires_grad_()` raises a "
                           "RuntimeError, because integer tensors cannot require gradients."),
                Choice("`torch.arange(4.0)` is faster to differentiate.",
                       why="Speed has nothing to do with it: an integer tensor cannot be differentiated at all."),
            ],
            facts=[
                Fact("torch.arange(4).dtype", "torch.int64"),
                Fact("torch.arange(4.0).dtype", "torch.float32"),
                Fact("torch.arange(4).tolist() == torch.arange(4.0).tolist()", True),
                Fact("torch.arange(4).requires_grad_()", raises="RuntimeError"),
                Fact("torch.arange(4, requires_grad=True)", raises="RuntimeError"),
                Fact("torch.zeros(2, dtype=torch.complex64).requires_grad_().requires_grad", True),
            ],
        ),
        Task(
            "attach",
            goal="Tell PyTorch that you will want gradients with respect to `x` (the setup made "
                 "`x = torch.arange(4.0)`). Afterwards `x.requires_grad` should be True.",
            checks=[
                tensor("x", shape=(4,), dtype="float32", requires_grad=True),
                close("x", [0.0, 1.0, 2.0, 3.0]),
            ],
            hints=[
                "Tensors have a method that switches gradient recording on, in place.",
                "In-place methods end with an underscore: `requires_grad_`.",
                "x.requires_grad_(True)",
            ],
            solution="x.requires_grad_(True)",
            wrong=[
                "x.requires_grad",
                "x = torch.arange(4)\nx.requires_grad_(True)",
                "x = torch.arange(4.0)",
            ],
            mistakes=[
                Mistake(tensor("x", dtype="int64"),
                        "x holds integers now (torch.arange(4) is int64), and integer tensors cannot require "
                        "gradients. Make it with torch.arange(4.0) instead."),
                Mistake(custom("typed x.requires_grad on its own", _only_reads_the_flag),
                        "x.requires_grad only READS the flag. To switch it on, call x.requires_grad_(True) "
                        "(note the underscore), or rebuild x with torch.arange(4.0, requires_grad=True)."),
            ],
        ),
        Predict(
            "grad-starts-none",
            code="x.grad",
            question="`x` now requires gradients, but nothing has been computed yet. "
                     "What does `x.grad` give?",
            kind_of_answer="value",
            expect="None",
            explanation="x.grad is None: PyTorch allocates the gradient only when a backward pass first "
                        "writes into it. (It is not a tensor of zeros.)",
            facts=[Fact("x.grad is None", True)],
        ),
        Task(
            "record",
            goal="Compute the book's function y = 2·xᵀx, that is `y = 2 * torch.dot(x, x)`. "
                 "It should be the scalar tensor 28, and it should remember how it was made.",
            checks=[
                close("y", 28.0),
                tensor("y", shape=(), requires_grad=True),
                custom("y has a grad_fn", lambda ctx: getattr(ctx.namespace.get("y"), "grad_fn", None) is not None,
                       "y has no grad_fn: build it from x after x.requires_grad_(True)"),
            ],
            hints=[
                "xᵀx is the dot product of x with itself.",
                "torch.dot(x, x) is 0 + 1 + 4 + 9 = 14; then double it.",
                "y = 2 * torch.dot(x, x)",
            ],
            solution="y = 2 * torch.dot(x, x)",
            wrong=[
                "y = 2 * x * x",
                "y = 2 * torch.dot(x, x).item()",
            ],
            mistakes=[
                Mistake(tensor("y", shape=(4,)),
                        "2 * x * x multiplies element by element and gives a vector. The book's y is the "
                        "scalar 2·xᵀx: use `y = 2 * torch.dot(x, x)`."),
                Mistake(custom("y is a Python number", _y_is_python_number),
                        ".item() turns the result into a plain Python number, which has no history, so "
                        "autograd cannot differentiate it. Keep y a tensor."),
            ],
        ),
        Text(
            "grad-fn",
            """\
## What got recorded

Print `y` and you see `tensor(28., grad_fn=<MulBackward0>)`. The `grad_fn` is the recorded
history: `MulBackward0` is the node for the last operation (the multiplication by 2), and it
knows how to pass gradients back to its inputs.

Follow the links with `y.grad_fn.next_functions`: the first entry is `DotBackward0`, the node of
`torch.dot(x, x)`. The second is `None`, because the constant 2 needs no gradient.

`x` is a **leaf**: you made it yourself, it has no `grad_fn`, and it is where gradients are
stored. `y` is not a leaf.

`%graph y` draws this graph, and `%trace y` walks the backward pass through it node by node,
without touching `x.grad`.
""",
            examples=["y", "y.grad_fn", "y.grad_fn.next_functions", "x.is_leaf, y.is_leaf", "%graph y",
                      "%trace y"],
            facts=[
                Fact("repr(y)", "'tensor(28., grad_fn=<MulBackward0>)'"),
                Fact("type(y.grad_fn).__name__", "'MulBackward0'"),
                Fact("type(y.grad_fn.next_functions[0][0]).__name__", "'DotBackward0'"),
                Fact("y.grad_fn.next_functions[1][0] is None", True),
                Fact("x.is_leaf", True),
                Fact("x.grad_fn is None", True),
                Fact("y.is_leaf", False),
            ],
        ),
        Task(
            "backward",
            goal="Run the backward pass from `y`, so that `x.grad` holds dy/dx.",
            checks=[grad("x", [0.0, 4.0, 8.0, 12.0]), calls("backward")],
            hints=[
                "The method to call lives on y, the scalar you want to differentiate.",
                "It is a method call, so it needs parentheses.",
                "y.backward()",
            ],
            solution="y.backward()",
            wrong=["y.backward", "x.grad"],
            mistakes=[
                Mistake(custom("names backward without calling it", _backward_not_called),
                        "y.backward without parentheses only names the method; add () to call it."),
                Mistake(avoids("backward"),
                        "Nothing has filled x.grad yet: call y.backward() to run the backward pass."),
            ],
        ),
        Predict(
            "four-x",
            code="x.grad == 4 * x",
            question="By hand, the gradient of y = 2·xᵀx is 4x. What does `x.grad == 4 * x` print? "
                     "(write the list of booleans)",
            kind_of_answer="value",
            expect="[True, True, True, True]",
            explanation="x.grad is [0, 4, 8, 12], which is exactly 4x, so every entry compares equal. "
                        "(With less friendly numbers, compare with torch.allclose: rounding can make == "
                        "fail on a correct gradient.)",
            facts=[Fact("x.grad", [0.0, 4.0, 8.0, 12.0]), Fact("torch.allclose(x.grad, 4 * x)", True)],
        ),
        Text(
            "accumulate",
            """\
## Gradients add up

A backward pass does not *overwrite* `x.grad`: it **adds** the new gradient to whatever is already
there. This is deliberate. When a parameter feeds several losses, or when you split a big batch
into pieces, the gradient of the total is the sum of the pieces' gradients (the sum rule), and
accumulation gives you exactly that.

The price: if you re-run a cell that computes `y` and calls `y.backward()`, the old gradient is
still in `x.grad`, and the new one lands on top of it. You will see this happen next.
""",
        ),
        Predict(
            "rerun",
            code="y = 2 * torch.dot(x, x)\ny.backward()\nx.grad",
            question="You run the cell again: rebuild `y = 2 * torch.dot(x, x)` and call `y.backward()`, "
                     "without touching `x.grad` in between. What is `x.grad` now?",
            kind_of_answer="value",
            expect="[0., 8., 16., 24.]",
            explanation="The second gradient, 4x = [0, 4, 8, 12], was added to the first one: x.grad is "
                        "now 8x.",
            facts=[Fact("x.grad", "8 * x")],
        ),
        Quiz(
            "forum-false",
            question="A reader on the book's forum re-ran the cells and got `x.grad == 4 * x` → "
                     "`tensor([True, False, False, False])`. What went on?",
            choices=[
                Choice("The gradient accumulated: x.grad is now 8x, and only the first entry, 0, still "
                       "matches 4x.", correct=True,
                       why="Right. Two backward passes added 4x twice. 8·0 = 4·0, so entry 0 still compares "
                           "equal; the others are twice too big."),
                Choice("Floating-point rounding made three of the entries slightly off.",
                       why="Rounding can break ==, but not here: the entries are 8, 16 and 24 where 4, 8 and "
                           "12 were expected, which is a factor of 2, not a rounding error."),
                Choice("backward() silently failed for entries 1 to 3.",
                       why="backward() computed every entry; it added them to the gradient already stored."),
                Choice("== on tensors only compares the first element correctly.",
                       why="== compares every element; entries 1 to 3 really differ (8x against 4x)."),
            ],
            facts=[
                Fact("(x.grad == 4 * x).tolist()", [True, False, False, False]),
                Fact("torch.equal(x.grad, 8 * x)", True),
            ],
        ),
        Task(
            "zero-then-sum",
            goal="Clear the stale gradient, then compute the gradient of a new function, `y = x.sum()`, "
                 "so that `x.grad` holds only d(x.sum())/dx.",
            checks=[grad("x", [1.0, 1.0, 1.0, 1.0]), calls("backward")],
            hints=[
                "x.grad still holds 8x. Reset it first, then build y and run backward.",
                "x.grad is a tensor; its in-place method zero_() fills it with zeros.",
                "x.grad.zero_()\ny = x.sum()\ny.backward()",
            ],
            solution="x.grad.zero_()\ny = x.sum()\ny.backward()",
            wrong=[
                "y = x.sum()\ny.backward()",
                "x.grad.zero_()\ny = x.sum()",
                "x.grad.zero_()\ny = x.mean()\ny.backward()",
            ],
            mistakes=[
                Mistake(grad("x", "8 * x + 1"),
                        "x.grad is 8x + 1: the new gradient (all ones) landed on top of the old 8x. Zero "
                        "x.grad first (x.grad.zero_()), then rebuild y and call backward again."),
                Mistake(grad("x", [0.25, 0.25, 0.25, 0.25]),
                        "That is the gradient of the mean (each entry 1/4). This step asks for y = x.sum()."),
            ],
            facts=[Fact("type(y.grad_fn).__name__", "'SumBackward0'")],
        ),
        Quiz(
            "ways-to-reset",
            question="Which of these resets `x.grad` so that the next backward pass starts fresh?",
            choices=[
                Choice("Only `x.grad.zero_()`.",
                       why="`x.grad = None` works too: x.grad goes back to the state it had before any "
                           "backward, and the next backward stores a new gradient."),
                Choice("`x.grad = 0`.",
                       why="x.grad must be a tensor or None: assigning the int 0 raises a TypeError "
                           "('assigned grad expected to be a Tensor or None')."),
                Choice("`x.grad.zero_()` or `x.grad = None`: both work.", correct=True,
                       why="Right. zero_() keeps the gradient tensor and fills it with zeros; setting it to "
                           "None drops it, and the next backward creates a fresh one. (Optimizers' "
                           "zero_grad() does the None version by default.)"),
                Choice("`x.grad.zero_()` works even before the first backward.",
                       why="Before the first backward x.grad is None, and None has no zero_(): that raises "
                           "an AttributeError. Use `x.grad = None`, or check for None first."),
            ],
            facts=[
                Fact("__import__('inspect').signature(torch.optim.Optimizer.zero_grad)"
                     ".parameters['set_to_none'].default", True),
                Fact("x.grad = 0", raises="TypeError"),
                Fact("x.grad = None", None),
                Fact("x.grad.zero_()", raises="AttributeError"),
                Fact("(x * x).sum().backward()", None),
                Fact("x.grad", "2 * x"),
            ],
        ),
        Explain(
            "why-accumulate",
            topics=["sum", "add", "accumulat", "zero", "reset", "clear", "None", "several", "batch", "chunk", "loss"],
            question="In your own words: why does PyTorch add new gradients to `.grad` instead of replacing "
                     "them, and what habit does that ask of you?",
            model_answer="Adding is what the maths wants whenever one tensor receives gradient from several "
                         "places: the gradient of a sum of losses is the sum of their gradients, so a parameter "
                         "used in two losses, or a batch processed in several chunks, gets the right total by "
                         "accumulating. PyTorch cannot know when you start a new computation, so the habit is "
                         "yours: reset the gradient (x.grad.zero_(), x.grad = None, or an optimizer's "
                         "zero_grad()) before each new backward pass whose gradient you want on its own.",
        ),
        Text(
            "recap",
            """\
## Recap

- Integer tensors cannot require gradients (only floating point and complex ones can):
  `torch.arange(4.0)`, not `torch.arange(4)`.
- `x.requires_grad_(True)` starts the recording; `x.grad` is `None` until the first backward.
- Every result remembers its maker in `grad_fn` (`MulBackward0`, `DotBackward0`, `SumBackward0`...).
- `y.backward()` on a scalar `y` fills `x.grad` with dy/dx: for y = 2xᵀx that is 4x.
- Backward passes **add** into `.grad`; reset with `x.grad.zero_()` or `x.grad = None`.

Next: what if `y` is a vector rather than a scalar (D2L 2.5.2)?
""",
        ),
    ],
)
