"""The hint catalog: one entry per autograd mistake, in the tutor's own words.

The ids are those of ../shared/autograd-mistakes.md (stable, kebab-case). Each entry has a one-line
title, the D2L section to reread, a general explanation (shown in full by %explain) and a minimal
example that does it right and runs as is (pasteable into the shell). A rule in `rules.py` turns an
entry into a Hint tied to the learner's own names.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    section: str
    about: str  # the general explanation
    example: str  # a minimal runnable example of the right way
    raises: str | None = None  # exception type name the example raises on purpose (none do)


IDS: tuple[str, ...] = (
    "double-backward",
    "non-scalar-backward",
    "backward-no-grad-fn",
    "int-requires-grad",
    "grad-none-before-backward",
    "nonleaf-grad-access",
    "grad-accumulation",
    "inplace-on-leaf",
    "inplace-saved-tensor",
    "numpy-on-requires-grad",
    "plot-requires-grad-tensor",
    "math-module-on-tensor",
    "sympy-on-tensor",
    "float-equality-check",
    "dot-matmul-shapes",
    "mixed-dtype-op",
    "grad-of-grad-no-create-graph",
    "requires-grad-too-late",
    "item-breaks-graph",
    "grad-zero-none",
    "detach-semantics",
    "infinite-loop-control-flow",
    "no-grad-then-backward",
    "inference-mode-backward",
    "backward-gradient-dtype",
    "backward-gradient-shape",
    "requires-grad-flag-nonleaf",
    "nonleaf-by-construction",
    "tensor-copy-construct",
    "manual-update-nonleaf",
    "allow-unused",
    "grad-returns-tuple",
    "bool-ambiguous-control-flow",
    "where-nan-gradient",
    "format-tensor",
    "attribute-called",
    "inplace-via-data",
    "update-rebinds-name",
    "helper-returns-none",
)

_ENTRIES = [
    Entry(
        "double-backward",
        "a second backward() through a graph that was already used",
        "2.5.1",
        "A backward pass frees the intermediate values the graph kept for it (x in x * x, the output of "
        "exp, ...), so walking the same graph again finds them gone. Ops that keep nothing (x + 1, "
        "sum) do not complain: a second pass then silently adds the gradient twice. Build the forward "
        "computation again before each backward, or pass retain_graph=True to every backward but the "
        "last (and remember that gradients add up).",
        "x = torch.tensor(2.0, requires_grad=True)\n"
        "for step in range(2):\n"
        "    x.grad = None\n"
        "    y = x * x          # a fresh graph every time\n"
        "    y.backward()\n"
        "    print(step, x.grad)",
    ),
    Entry(
        "non-scalar-backward",
        "backward() needs a single number",
        "2.5.2",
        "Called without an argument, backward() starts from d(out)/d(out) = 1, which only makes sense "
        "for an output with one element. For a vector output, autograd computes a vector-Jacobian "
        "product: either reduce to a number first (out.sum().backward(), the usual choice for an "
        "elementwise function) or pass gradient= a tensor of the output's shape (torch.ones_like(out) "
        "gives the same result as summing).",
        "x = torch.arange(3.0, requires_grad=True)\n"
        "y = x * x               # a vector: shape (3,)\n"
        "y.sum().backward()      # same as y.backward(torch.ones_like(y))\n"
        "print(x.grad)           # 2x",
    ),
    Entry(
        "backward-no-grad-fn",
        "nothing in this result is connected to a tensor that requires grad",
        "2.5.1",
        "Autograd records an operation only when one of its inputs requires grad at that moment. A "
        "result with grad_fn None has no graph behind it, so backward() has nothing to walk. The usual "
        "causes, most likely first: the input was created without requires_grad=True; requires_grad "
        "was switched on after the result was computed; the result was computed under torch.no_grad() "
        "or torch.inference_mode(); the chain was cut by .item(), float(), math.* or torch.tensor(...); "
        "or the result comes from an op with no gradient (argmax, comparisons, integer casts).",
        "x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)   # ask first ...\n"
        "y = (x ** 2).sum()                                      # ... then compute\n"
        "print(y.grad_fn)\n"
        "y.backward()\n"
        "print(x.grad)",
    ),
    Entry(
        "int-requires-grad",
        "integer tensors cannot require gradients",
        "2.5.1",
        "Derivatives need continuous values, so only floating point (and complex) tensors can require "
        "grad. torch.arange(4) and torch.tensor([1, 2, 3]) are int64 because their arguments are Python "
        "ints. Write a float (torch.arange(4.0)), pass dtype=torch.float32, or call .float() before "
        "requires_grad_().",
        "x = torch.arange(4.0, requires_grad=True)   # 4.0, not 4: float32\n"
        "print(x.dtype)\n"
        "(x ** 2).sum().backward()\n"
        "print(x.grad)",
    ),
    Entry(
        "grad-none-before-backward",
        ".grad is None until a backward pass reaches the tensor",
        "2.5.1",
        "requires_grad_() only asks autograd to track a tensor; it does not create a gradient. x.grad "
        "stays None until a backward() whose graph contains x has run, and it stays None if the output "
        "you differentiated does not depend on x at all. Run backward first, and check "
        "`x.grad is not None` before using it as a tensor.",
        "x = torch.ones(3, requires_grad=True)\n"
        "print(x.grad)             # None: nothing has reached x yet\n"
        "(x * 2).sum().backward()\n"
        "print(x.grad)             # now a tensor",
    ),
    Entry(
        "nonleaf-grad-access",
        "only leaf tensors keep their .grad",
        "2.5.1",
        "A leaf is a tensor you created yourself with requires_grad=True; anything computed from it is a "
        "non-leaf with a grad_fn. Backward passes through non-leaves but does not store their gradients "
        "(to save memory), so their .grad is None. Usually the leaf's .grad is the one you want. If you "
        "really need an intermediate gradient, call .retain_grad() on it before backward, or use "
        "torch.autograd.grad(out, intermediate).",
        "x = torch.tensor([1.0, 2.0], requires_grad=True)\n"
        "y = x * 3\n"
        "y.retain_grad()               # before backward\n"
        "(y ** 2).sum().backward()\n"
        "print(x.grad, y.grad, y.is_leaf)",
    ),
    Entry(
        "grad-accumulation",
        "backward() adds to .grad instead of replacing it",
        "2.5.1",
        "Every backward pass adds its result into the .grad of each leaf it reaches. That is on purpose "
        "(it sums gradients over several losses), but a second backward without a reset gives twice "
        "the gradient, a third three times, and so on. Reset between passes with x.grad = None or "
        "x.grad.zero_() (when it is not None); optimizers do it with zero_grad().",
        "x = torch.tensor(3.0, requires_grad=True)\n"
        "for step in range(3):\n"
        "    x.grad = None           # reset before each backward\n"
        "    (x ** 2).backward()\n"
        "    print(step, x.grad)     # 6 every time",
    ),
    Entry(
        "inplace-on-leaf",
        "a leaf that requires grad cannot be changed in place",
        "2.5.1",
        "The leaf is what autograd computes gradients for, so PyTorch refuses +=, -=, x[i] = ..., "
        ".zero_() and the other in-place ops on it while grad mode is on. To compute a new value, write "
        "it out of place (y = x + 1). To update a parameter (a gradient step), do it inside "
        "`with torch.no_grad():`, where nothing is recorded.",
        "x = torch.ones(3, requires_grad=True)\n"
        "(x ** 2).sum().backward()\n"
        "with torch.no_grad():       # an update, not part of the graph\n"
        "    x -= 0.1 * x.grad\n"
        "y = x + 1                   # a new value: out of place\n"
        "print(x, x.is_leaf, y)",
    ),
    Entry(
        "inplace-saved-tensor",
        "a tensor saved for backward was changed in place",
        "2.5.1",
        "Many derivatives need values from the forward pass: exp and sigmoid keep their output, a "
        "product keeps both factors. Autograd checks a version counter on each saved tensor; an "
        "in-place op (+=, mul_, t[i] = ...) bumps it, and backward refuses the changed value. The "
        "message names the op that made the tensor (\"output 0 of Exp\"). Write the change out of "
        "place (y = y + 1) or clone() before modifying. A detach()ed tensor shares memory with the "
        "original, so changing it in place counts too.",
        "x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\n"
        "y = x.exp()\n"
        "y = y + 1            # a new tensor; the saved one is untouched\n"
        "y.sum().backward()\n"
        "print(x.grad)        # e^x",
    ),
    Entry(
        "numpy-on-requires-grad",
        "NumPy cannot hold a tensor that is part of a graph",
        "2.5.3",
        "A NumPy array has no autograd history, so PyTorch refuses .numpy() on a tensor that requires "
        "grad. NumPy functions (np.sin, np.exp, np.asarray) and tensor * ndarray go through .numpy() "
        "too. Inside the function you differentiate, use the torch functions (torch.sin, torch.exp); "
        "leave autograd with .detach().numpy() or .tolist() only to print or plot.",
        "x = torch.linspace(0, 1, 5, requires_grad=True)\n"
        "y = torch.sin(x)                # torch, so autograd can follow\n"
        "y.sum().backward()\n"
        "print(y.detach().numpy())       # leave the graph only for display\n"
        "print(x.grad)",
    ),
    Entry(
        "plot-requires-grad-tensor",
        "detach tensors before plotting them",
        "2.5.3",
        "Plotting libraries turn their inputs into NumPy arrays or Python floats. With a tensor that "
        "requires grad, matplotlib fails with the numpy() error, and other libraries convert element "
        "by element with a warning. The plot only needs the numbers: pass x.detach() (or "
        ".detach().numpy(), .tolist()). A gradient such as x.grad can be plotted as it is.",
        "x = torch.linspace(0, 3, 5, requires_grad=True)\n"
        "y = x ** 2\n"
        "y.sum().backward()\n"
        "xs, ys = x.detach().tolist(), y.detach().tolist()   # numbers for the plot\n"
        "print(xs, ys, x.grad.tolist())",
    ),
    Entry(
        "math-module-on-tensor",
        "math.* works on Python floats and drops the graph",
        "2.5.1",
        "math.sin, math.exp, math.log, ... first turn a one-element tensor into a Python float, which "
        "has no autograd history: the result cannot be backpropagated, and inside a larger torch "
        "expression that term silently counts as a constant, so the derivative comes out wrong. With "
        "several elements the conversion fails. Use torch.sin, torch.exp, torch.log; math.pi and "
        "math.e are fine as constants.",
        "x = torch.tensor(1.0, requires_grad=True)\n"
        "y = x ** 2 + torch.sin(x)     # torch.sin, not math.sin\n"
        "y.backward()\n"
        "print(x.grad, 2 + math.cos(1.0))",
    ),
    Entry(
        "sympy-on-tensor",
        "SymPy functions do not work on tensors",
        "2.4",
        "SymPy turns a tensor into its own Float, so the autograd graph is gone; a function made with "
        "sympy.lambdify uses NumPy by default, which refuses tensors that require grad. Use SymPy for "
        "the symbolic side, then lambdify with \"torch\" as the module to get a function autograd can "
        "follow, and compare the numbers.",
        "import sympy\n"
        "s = sympy.Symbol('s')\n"
        "expr = sympy.sin(s) ** 2\n"
        "f = sympy.lambdify(s, expr, 'torch')          # generated code calls torch.sin\n"
        "x = torch.tensor(1.0, requires_grad=True)\n"
        "f(x).backward()\n"
        "df = sympy.lambdify(s, sympy.diff(expr, s), 'math')\n"
        "print(x.grad, df(1.0))",
    ),
    Entry(
        "float-equality-check",
        "compare floating point results with a tolerance, not ==",
        "2.5.1",
        "Autograd and a hand-written formula compute the same derivative through different float32 "
        "operations, so they may differ in the last bit: == says False although the values agree to "
        "about 7 digits. Compare with torch.allclose(a, b) (or torch.testing.assert_close(a, b), which "
        "reports the largest difference).",
        "x = torch.linspace(0.1, 10, 100, requires_grad=True)\n"
        "y = torch.log10(x ** 2) * torch.sin(x) + 1 / x\n"
        "y.sum().backward()\n"
        "with torch.no_grad():\n"
        "    hand = 2 / (x * math.log(10)) * torch.sin(x) + torch.log10(x ** 2) * torch.cos(x) - 1 / x ** 2\n"
        "print(torch.allclose(x.grad, hand), (x.grad - hand).abs().max())",
    ),
    Entry(
        "dot-matmul-shapes",
        "shapes that do not fit torch.dot or @",
        "2.3",
        "torch.dot is only the inner product of two 1-D vectors of the same length (unlike np.dot). For "
        "a matrix product, @ needs the inner sizes to agree: (2, 3) @ (3, 2) works, (2, 3) @ (2, 3) "
        "does not. Print the .shape of both sides, then use (A * B).sum() for an elementwise inner "
        "product, A @ B.T for a matrix product, or torch.mv for matrix times vector.",
        "A = torch.ones(2, 3, requires_grad=True)\n"
        "s = (A * A).sum()                       # elementwise inner product\n"
        "G = A @ A.T                             # (2, 3) @ (3, 2)\n"
        "v = torch.dot(A.flatten(), A.flatten())\n"
        "print(s, G.shape, v)",
    ),
    Entry(
        "mixed-dtype-op",
        "both sides of dot/matmul must have the same dtype",
        "2.3",
        "Elementwise ops (+, *) promote types quietly, but dot, mv, mm and @ insist on one dtype. Two "
        "common sources of a mismatch: torch.arange(3) is int64 because 3 is an int, and arrays from "
        "NumPy are float64 while tensors default to float32. Make the dtypes agree: torch.arange(3.0), "
        ".float(), or dtype=torch.float32.",
        "w = torch.ones(3, requires_grad=True)           # float32\n"
        "d = torch.dot(torch.arange(3.0), w)              # arange(3.0) is float32 too\n"
        "A = torch.from_numpy(np.ones((2, 3))).float()    # float64 -> float32\n"
        "(d + (A @ w).sum()).backward()\n"
        "print(w.grad)",
    ),
    Entry(
        "grad-of-grad-no-create-graph",
        "a second derivative needs create_graph=True",
        "2.5",
        "By default the gradient that torch.autograd.grad returns (or backward stores in .grad) is a "
        "plain tensor with no graph, so differentiating it again fails. Pass create_graph=True to the "
        "first call to record the gradient computation itself. Prefer torch.autograd.grad for this: "
        "backward(create_graph=True) followed by x.grad.backward() adds the second derivative into "
        "x.grad instead of giving it to you.",
        "x = torch.tensor(2.0, requires_grad=True)\n"
        "y = x ** 3\n"
        "(dy,) = torch.autograd.grad(y, x, create_graph=True)   # 3x^2, with a graph\n"
        "(d2y,) = torch.autograd.grad(dy, x)                    # 6x\n"
        "print(dy, d2y)",
    ),
    Entry(
        "requires-grad-too-late",
        "requires_grad was switched on after the result was computed",
        "2.5.1",
        "The graph is recorded while each line runs, and only for inputs that require grad at that "
        "moment. Turning requires_grad on afterwards does not attach results that already exist: they "
        "still have grad_fn None. Mark the input first, then compute (again) everything that "
        "depends on it.",
        "x = torch.tensor(2.0)\n"
        "x.requires_grad_(True)   # first mark the input ...\n"
        "y = x ** 2               # ... then compute\n"
        "y.backward()\n"
        "print(x.grad)",
    ),
    Entry(
        "item-breaks-graph",
        ".item(), float() and torch.tensor(...) leave autograd",
        "2.5.3",
        ".item(), float(), int() and .tolist() give Python numbers, and torch.tensor(...) builds a brand "
        "new tensor from data: none of them keeps the history. If the whole result went through one of "
        "them, backward fails; if only part did, that part counts as a constant and the gradient is "
        "silently wrong. Stay in tensor operations, build vectors with torch.stack or torch.cat, and "
        "use .item() only for printing.",
        "x = torch.tensor(2.0, requires_grad=True)\n"
        "def f(t):\n"
        "    return t ** 2                     # tensor ops only\n"
        "v = torch.stack([x ** 2, x ** 3])     # not torch.tensor([...])\n"
        "(f(x) + v.sum()).backward()\n"
        "print(x.grad)                         # 2x + 2x + 3x^2 = 20",
    ),
    Entry(
        "grad-zero-none",
        "x.grad.zero_() before any backward: .grad is still None",
        "2.5.1",
        ".grad is None until the first backward pass reaches the tensor, so zeroing it at the top of "
        "the first loop step fails on None. Reset with x.grad = None (always safe), guard with "
        "`if x.grad is not None`, or zero after the step instead of before.",
        "x = torch.tensor(1.0, requires_grad=True)\n"
        "for step in range(2):\n"
        "    x.grad = None        # safe even before the first backward\n"
        "    (3 * x).backward()\n"
        "    print(step, x.grad)",
    ),
    Entry(
        "detach-semantics",
        "detach() makes a constant: no gradient flows through it",
        "2.5.3",
        "u = y.detach() has y's values but no history, so autograd treats u as a constant: for "
        "z = u * x the gradient is u, not the derivative of x*x*x. That is what detach is for (stopping "
        "the gradient on purpose). It does not copy, either: u shares memory with y, so changing u in "
        "place changes y and breaks a later backward through y; use y.detach().clone() for a copy.",
        "x = torch.arange(4.0, requires_grad=True)\n"
        "y = x * x\n"
        "u = y.detach()\n"
        "(u * x).sum().backward()\n"
        "print(x.grad)          # u = x^2: u is a constant\n"
        "x.grad = None\n"
        "(y * x).sum().backward()\n"
        "print(x.grad)          # 3x^2: the full derivative",
    ),
    Entry(
        "infinite-loop-control-flow",
        "a loop on a tensor condition that never ends",
        "2.5.4",
        "Python runs if/while on the actual values, and autograd records whatever ran. In D2L's "
        "control-flow function, b = 2a is doubled while b.norm() < 1000: with a = 0 the norm stays 0 "
        "forever. The book uses a random a. Bound loops that depend on data (a maximum number of steps) "
        "and fail clearly when the bound is hit.",
        "def f(a, max_steps=100):\n"
        "    b = a * 2\n"
        "    for _ in range(max_steps):\n"
        "        if b.norm() >= 1000:\n"
        "            break\n"
        "        b = b * 2\n"
        "    else:\n"
        "        raise ValueError('b never reached norm 1000: is a zero?')\n"
        "    return b if b.sum() > 0 else 100 * b\n"
        "a = torch.randn(size=(), requires_grad=True)\n"
        "d = f(a)\n"
        "d.backward()\n"
        "print(torch.allclose(a.grad, d / a))",
    ),
    Entry(
        "no-grad-then-backward",
        "the result was computed under torch.no_grad()",
        "2.5.3",
        "Inside `with torch.no_grad():` nothing is recorded, so a result computed there has no grad_fn "
        "and cannot be backpropagated. Compute what you want to differentiate outside the block; "
        "keep no_grad for parameter updates, evaluation and plotting. (Calling backward inside no_grad "
        "on a graph recorded earlier is fine.)",
        "x = torch.tensor([1.0, 2.0], requires_grad=True)\n"
        "y = (x ** 2).sum()          # recorded: grad mode is on\n"
        "y.backward()\n"
        "with torch.no_grad():       # an update, not recorded\n"
        "    x -= 0.1 * x.grad\n"
        "print(x.grad, x)",
    ),
    Entry(
        "inference-mode-backward",
        "tensors from torch.inference_mode() cannot join a graph",
        "2.5.3",
        "inference_mode is a stricter no_grad: what is computed inside is never recorded, cannot be "
        "saved for a later backward, and cannot be switched to requires_grad afterwards. Compute what "
        "you differentiate outside the block; clone() an inference tensor outside the block to get a "
        "normal one, or use torch.no_grad() instead.",
        "x = torch.tensor([1.0, 2.0], requires_grad=True)\n"
        "with torch.inference_mode():\n"
        "    t = torch.ones(2)\n"
        "y = (x * t.clone()).sum()   # clone() outside: a normal tensor\n"
        "y.backward()\n"
        "print(x.grad)",
    ),
    Entry(
        "backward-gradient-dtype",
        "the gradient= seed has another dtype than the output",
        "2.5.2",
        "The gradient passed to backward is converted to the output's dtype without a word, so a "
        "float64 seed for a float32 output buys no precision (and a complex seed for a real output is "
        "an error). torch.ones_like(y) has y's shape and dtype; for float64 accuracy, compute in "
        "float64 from the start.",
        "x = torch.ones(3, requires_grad=True)\n"
        "y = x * 2\n"
        "y.backward(torch.ones_like(y))    # same shape and dtype as y\n"
        "print(x.grad, x.grad.dtype)",
    ),
    Entry(
        "backward-gradient-shape",
        "the gradient= seed must have exactly the output's shape",
        "2.5.2",
        "For a non-scalar y, y.backward(v) computes v^T times the Jacobian of y, so v must have exactly "
        "y's shape; nothing is broadcast, not even (1,) for a 0-d output. Use torch.ones_like(y) (or "
        "weights of y.shape), or reduce y to a number first.",
        "x = torch.ones(3, requires_grad=True)\n"
        "y = x * 2\n"
        "y.backward(torch.ones_like(y))   # shape (3,), like y\n"
        "print(x.grad)",
    ),
    Entry(
        "requires-grad-flag-nonleaf",
        "requires_grad of a computed tensor cannot be changed",
        "2.5.3",
        "A computed tensor requires grad because its inputs do; the flag is not yours to switch off. "
        "y.detach() gives the same values with no history (requires_grad False), and "
        "y.detach().requires_grad_() a new leaf if you want gradients with respect to those values.",
        "x = torch.tensor([1.0, 2.0], requires_grad=True)\n"
        "y = x * 2\n"
        "y_const = y.detach()                    # no graph\n"
        "y_leaf = y.detach().requires_grad_()    # a new leaf\n"
        "(y_leaf ** 2).sum().backward()\n"
        "print(y_const.requires_grad, y_leaf.grad)",
    ),
    Entry(
        "nonleaf-by-construction",
        "an operation after requires_grad=True makes a non-leaf",
        "2.5.1",
        "In torch.randn(3, requires_grad=True) * 0.01, the leaf is the anonymous result of randn; the "
        "multiplication makes a new, computed tensor, and that is what the name holds. Its .grad is "
        "never filled in, and the real leaf cannot be reached. Do the scaling (or .double(), .to(), "
        "reshape) first, then call .requires_grad_() on the final tensor.",
        "w = (torch.randn(3) * 0.01).requires_grad_()   # scale first, then mark\n"
        "(w ** 2).sum().backward()\n"
        "print(w.is_leaf, w.grad)",
    ),
    Entry(
        "tensor-copy-construct",
        "torch.tensor(t) copies a tensor out of the graph",
        "2.5.3",
        "torch.tensor(...) always makes a new leaf from data, with requires_grad False, so wrapping a "
        "tensor cuts it from the graph (PyTorch warns). If t is already a tensor, use it as it is; "
        "t.clone() copies inside the graph; t.detach().clone() is a constant copy.",
        "x = torch.tensor([1.0, 2.0], requires_grad=True)\n"
        "inside = x.clone()              # still in the graph\n"
        "const = x.detach().clone()      # a constant copy\n"
        "(inside * const).sum().backward()\n"
        "print(inside.grad_fn, const.requires_grad, x.grad)",
    ),
    Entry(
        "manual-update-nonleaf",
        "w = w - lr * w.grad turns w into a computed tensor",
        "2.5.1",
        "With grad mode on, w - lr * w.grad is recorded like any other operation, so the name w now "
        "holds a non-leaf: its .grad is never filled in and the next step fails on None (and the graph "
        "keeps growing). Update the same leaf in place inside `with torch.no_grad():`, then reset its "
        "gradient.",
        "w = torch.tensor([1.0, -2.0], requires_grad=True)\n"
        "lr = 0.1\n"
        "for step in range(3):\n"
        "    loss = (w ** 2).sum()\n"
        "    loss.backward()\n"
        "    with torch.no_grad():\n"
        "        w -= lr * w.grad     # in place, not recorded\n"
        "    w.grad = None\n"
        "print(w, w.is_leaf)",
    ),
    Entry(
        "allow-unused",
        "an input of torch.autograd.grad that the output does not use",
        "2.5.1",
        "torch.autograd.grad returns one gradient per input and treats an input the output does not "
        "depend on as a likely bug (a variable overwritten, detached or passed through .item()). Check "
        "that first; if the independence is real, pass allow_unused=True (its entry is None) or "
        "materialize_grads=True (its entry is zeros). An input must also require grad.",
        "x = torch.tensor(1.0, requires_grad=True)\n"
        "z = torch.tensor(2.0, requires_grad=True)\n"
        "y = x ** 2                                      # z is not used\n"
        "gx, gz = torch.autograd.grad(y, [x, z], allow_unused=True)\n"
        "print(gx, gz)",
    ),
    Entry(
        "grad-returns-tuple",
        "torch.autograd.grad returns a tuple",
        "2.5.1",
        "torch.autograd.grad(outputs, inputs) gives one gradient per input, always in a tuple, even for "
        "a single input. Tensor methods then fail on the tuple, and g * 2 quietly repeats the tuple "
        "instead of doubling the gradient. Unpack it: (g,) = torch.autograd.grad(...), or take [0].",
        "x = torch.tensor(3.0, requires_grad=True)\n"
        "(g,) = torch.autograd.grad(x ** 2, x)    # unpack the one-element tuple\n"
        "print(g, g.item(), g * 2)",
    ),
    Entry(
        "bool-ambiguous-control-flow",
        "if/while need one True or False, not a tensor of them",
        "2.5.4",
        "A comparison on a tensor with several elements gives a tensor of booleans, and Python's if, "
        "while, and, or, not cannot turn that into a single decision. For a piecewise function "
        "applied elementwise use torch.where(cond, a, b); if one decision for the whole tensor is "
        "meant, say which with .all() or .any().",
        "x = torch.tensor([-1.0, 2.0], requires_grad=True)\n"
        "y = torch.where(x > 0, x ** 2, -x)    # elementwise choice\n"
        "y.sum().backward()\n"
        "print(y, x.grad)",
    ),
    Entry(
        "where-nan-gradient",
        "NaN gradient from the branch torch.where did not pick",
        "2.5.4",
        "torch.where computes both branches for every element. Where the unused branch is undefined "
        "(sqrt or log of a negative number, 1/0), its derivative is NaN or inf, and zero times NaN is "
        "still NaN, so the gradient is NaN although the values look right. Make the unused branch "
        "harmless first: feed it a safe input with a second torch.where (or clamp).",
        "x = torch.tensor([-1.0, 4.0], requires_grad=True)\n"
        "safe = torch.where(x > 0, x, torch.ones_like(x))   # harmless where unused\n"
        "y = torch.where(x > 0, torch.sqrt(safe), torch.zeros_like(x))\n"
        "y.sum().backward()\n"
        "print(y, x.grad)",
    ),
    Entry(
        "format-tensor",
        "a format like :.3f needs one number, not a tensor",
        "2.5.1",
        "Tensor formatting supports specs such as :.3f only for a tensor with one element. For a vector, "
        "format each number (x.tolist()), or set torch.set_printoptions(precision=3) and print the "
        "tensor.",
        "x = torch.tensor([1.0, 2.0], requires_grad=True)\n"
        "(x ** 2).sum().backward()\n"
        "print(', '.join(f'{v:.3f}' for v in x.grad.tolist()))\n"
        "print(f'{x.grad.sum():.3f}')   # one element: fine",
    ),
    Entry(
        "attribute-called",
        "requires_grad, is_leaf, grad and shape are attributes, not methods",
        "2.5.1",
        "A tensor's requires_grad and is_leaf are booleans, grad is a tensor (or None), grad_fn a node and "
        "shape a torch.Size: values stored on the tensor, read without parentheses. Writing x.requires_grad() "
        "fetches the bool and then tries to call it, hence \"'bool' object is not callable\". The methods "
        "that change things end in an underscore: x.requires_grad_(True), x.grad.zero_(); x.size() is the "
        "method twin of x.shape.",
        "x = torch.arange(3.0, requires_grad=True)\n"
        "print(x.requires_grad, x.is_leaf, x.shape)   # attributes: no ()\n"
        "(x ** 2).sum().backward()\n"
        "print(x.grad, x.size())                      # size() is a method",
    ),
    Entry(
        "inplace-via-data",
        "an edit through .data that autograd cannot see",
        "2.5.3",
        "x.data is the same memory as x, but changes made through it bypass autograd's version counter. "
        "If x was already used to build a graph, a backward pass afterwards uses the changed numbers where "
        "the graph saved x, and mixes them with results computed from the old ones: a wrong gradient, with "
        "no error. x.detach() shares memory too but keeps the counter, so the same edit raises an error "
        "instead. Change parameters under torch.no_grad() and only between a backward and the next forward "
        "pass.",
        "w = torch.tensor([1.0, 2.0], requires_grad=True)\n"
        "y = (w * w).sum()\n"
        "y.backward()                  # use the graph first ...\n"
        "with torch.no_grad():\n"
        "    w.clamp_(max=1.5)         # ... then edit w, visibly\n"
        "print(w, w.grad)",
    ),
    Entry(
        "update-rebinds-name",
        "an update assigned to a local name leaves the parameter unchanged",
        "2.5.1",
        "Assignment binds a name; it never changes the object the name pointed to before. In "
        "`for p in params: p = p - lr * p.grad`, or in a helper `def step(w): w = w - lr * w.grad`, the new "
        "tensor goes to the local name only: the tensors the caller handed in keep their values, no error "
        "is raised, and a training loop runs without learning anything. Change the tensor itself, in place, "
        "with autograd off: `with torch.no_grad(): p -= lr * p.grad` (this is how the from-scratch sgd "
        "that follows D2L 2.5 is written), then reset its .grad before the next backward pass.",
        "def sgd(params, lr):\n"
        "    with torch.no_grad():\n"
        "        for p in params:\n"
        "            p -= lr * p.grad   # changes the tensor itself\n"
        "            p.grad.zero_()\n"
        "w = torch.tensor([1.0, -2.0], requires_grad=True)\n"
        "(w ** 2).sum().backward()\n"
        "sgd([w], 0.1)\n"
        "print(w)                        # tensor([ 0.8000, -1.6000], requires_grad=True)",
    ),
    Entry(
        "helper-returns-none",
        "a function without return gives None",
        "2.4.1",
        "A Python function hands back only what a `return` statement names. A loss or model helper whose "
        "last line computes the result (`l = ((y_hat - y) ** 2).mean()`, or the bare expression) and stops "
        "there returns None: the value is computed and dropped. The error shows up one step later, where the "
        "result is used: `loss.backward()` on None raises \"'NoneType' object has no attribute 'backward'\". "
        "End the function with `return` and the value it should give back.",
        "def loss_fn(w):\n"
        "    l = (w ** 2).sum()\n"
        "    return l                    # without this line, loss_fn(w) is None\n"
        "w = torch.tensor([1.0, -2.0], requires_grad=True)\n"
        "loss = loss_fn(w)\n"
        "loss.backward()\n"
        "print(w.grad)                   # tensor([ 2., -4.])",
    ),
]

CATALOG: dict[str, Entry] = {e.id: e for e in _ENTRIES}
assert tuple(CATALOG) == IDS, "catalog entries and IDS must match, in order"


def entry(hint_id: str) -> Entry:
    """The catalog entry for an id (KeyError for an unknown id)."""
    return CATALOG[hint_id]
