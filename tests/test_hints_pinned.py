"""Hints word for word: for a fixed input, exactly which ids, which explanation and which words.

tests/test_hints.py checks that each id fires and test_hints_names.py that the text uses the learner's
names; neither reads the sentences, so a hint whose words went wrong (another name, a shape, a dtype, a
clause dropped) passed them. Each row here was read against its input: the names, shapes, dtypes and
values in the text are the ones the input makes (x = torch.arange(4) is int64, `x ** 2` of 3 numbers has
shape (3,), ...). No fix is tried (VERIFY_BUDGET 0): the code of a fix is checked by tests/test_fixes.py,
and the words under a fix do not depend on it. Ids whose rules other work is changing today
(accumulation, leaf) and float-rounding counts (they vary by platform) are left out.
"""

from __future__ import annotations

import pytest

import tutor.hints as hints_pkg
from tutor.runner import split_inputs
from tutor.session import Session

# (script, the ids of the last input's hints, the first hint's explanation, its words; None: not pinned)
PINNED = [
    ('x = torch.tensor(2.0, requires_grad=True)\ny = x * x; y.backward(); y.backward()',
     ['double-backward'],
     "a backward pass already went through y's graph and freed the values it saved; y.backward() needs them again.",
     'compute y again before this pass (each pass needs a fresh graph), or pass retain_graph=True to the pass that comes first.'),
    ('x = torch.arange(4.0, requires_grad=True)\ny = 2 * torch.dot(x, x)\ny.backward()\nx.grad.zero_()\ny.backward()',
     ['double-backward'],
     "a backward pass already went through y's graph and freed the values it saved; y.backward() needs them again.",
     'compute y again before this pass (each pass needs a fresh graph), or pass retain_graph=True to the pass that comes first.'),
    ('x = torch.tensor([1.0, 2.0], requires_grad=True)\nh = torch.exp(x)\nfor step in range(2):\n    loss = (h * 3).sum()\n    loss.backward()',
     ['double-backward'],
     'h = torch.exp(x) was computed once, before the loop; the first loss.backward() freed what its graph saved, so the next step cannot go through it.',
     'move `h = torch.exp(x)` into the loop body, so each step builds its own graph.'),
    ('x = torch.arange(2.0)\nx.requires_grad_(True)\ny = 3*torch.dot(x,x) + 5*torch.exp(x)\ny.backward()',
     ['non-scalar-backward'],
     'y has shape (2,): backward() needs a single number, and 5*torch.exp(x) made y a vector.',
     "reduce y to one number first (y.sum()), or pass a gradient of y's own shape (torch.ones_like(y))."),
    ('x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\n(x ** 2).backward()',
     ['non-scalar-backward'],
     'x ** 2 has shape (3,): backward() needs a single number.',
     "reduce x ** 2 to one number first ((x ** 2).sum()), or pass a gradient of x ** 2's own shape (torch.ones_like(x ** 2))."),
    ('x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\ntorch.autograd.grad(x ** 2, x)',
     ['non-scalar-backward'],
     'x ** 2 has shape (3,): torch.autograd.grad needs a single number.',
     "reduce x ** 2 to one number first ((x ** 2).sum()), or pass a gradient of x ** 2's own shape (torch.ones_like(x ** 2))."),
    ('x = torch.tensor([1., 2., 3.])\n(x ** 2).sum().backward()',
     ['backward-no-grad-fn'],
     'x was created without requires_grad=True (x = torch.tensor([1., 2., 3.])), so nothing computed from it was recorded and (x ** 2).sum() has no grad_fn.',
     'make sure a leaf the result depends on has requires_grad=True before the result is computed, and that nothing on the way cuts the graph.'),
    ('x = torch.arange(4.0)\ny = 2 * torch.dot(x, x)\ny.backward()',
     ['backward-no-grad-fn'],
     'x was created without requires_grad=True (x = torch.arange(4.0)), so nothing computed from it was recorded and y has no grad_fn.',
     'make sure a leaf the result depends on has requires_grad=True before the result is computed, and that nothing on the way cuts the graph.'),
    ('x = torch.tensor([1.0, 3.0, 2.0], requires_grad=True)\nx.argmax().backward()',
     ['backward-no-grad-fn'],
     'x.argmax() has no gradient (indices, comparisons and integer results are not differentiable), so x.argmax() has no grad_fn.',
     'make sure a leaf the result depends on has requires_grad=True before the result is computed, and that nothing on the way cuts the graph.'),
    ('x = torch.arange(4)\nx.requires_grad_()',
     ['int-requires-grad'],
     'x = torch.arange(4) is an integer tensor (int64) because its arguments are ints; only floating point tensors can have gradients.',
     'create the tensor with floating point numbers (e.g. 2.0 instead of 2), then ask for requires_grad.'),
    ('x = torch.tensor([1, 2, 3], requires_grad=True)',
     ['int-requires-grad'],
     'torch.tensor([1, 2, 3], requires_grad=True) makes an integer tensor (its numbers are Python ints), and only floating point tensors can have gradients.',
     'create the tensor with floating point numbers (e.g. 2.0 instead of 2), then ask for requires_grad.'),
    ('x = torch.arange(4)\nx.requires_grad = True',
     ['int-requires-grad'],
     'x = torch.arange(4) is an integer tensor (int64) because its arguments are ints; only floating point tensors can have gradients.',
     'create the tensor with floating point numbers (e.g. 2.0 instead of 2), then ask for requires_grad.'),
    ('x = torch.ones(3, requires_grad=True)\nx += 1',
     ['inplace-on-leaf'],
     'x is a leaf that requires grad: `x += 1` would overwrite the values autograd differentiates with respect to.',
     'change the leaf only inside `with torch.no_grad():`, or compute a new tensor instead.'),
    ('x = torch.ones(3, requires_grad=True)\nx[0] = 5',
     ['inplace-on-leaf'],
     'x is a leaf that requires grad: `x[0] = 5` would overwrite the values autograd differentiates with respect to.',
     'change the leaf only inside `with torch.no_grad():`, or compute a new tensor instead.'),
    ('w = torch.tensor([1.0, -2.0], requires_grad=True)\n(w ** 2).sum().backward()\nw -= 0.1 * w.grad',
     ['inplace-on-leaf'],
     '`w -= 0.1 * w.grad` is a gradient step on the leaf w, and with grad mode on autograd refuses to change a leaf it differentiates.',
     'change the leaf only inside `with torch.no_grad():`, or compute a new tensor instead.'),
    ('x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\ny = x.exp()\ny += 1\ny.sum().backward()',
     ['inplace-saved-tensor'],
     'y was changed in place at an earlier input: `y += 1` (version 0 → 1), but the backward pass needs the value its graph saved.',
     'write the in-place operation out of place (a new tensor from +, *, ..., not +=, *= or a method ending in _) '
     'so the value backward needs is kept.'),
    ('x = torch.tensor([1.0, 2.0], requires_grad=True)\na = x * 2\nb = a * a\na.mul_(10)\nb.sum().backward()',
     ['inplace-saved-tensor'],
     'a was changed in place at an earlier input: `a.mul_(10)` (version 0 → 1), but the backward pass needs the value its graph saved.',
     'write the in-place operation out of place (a new tensor from +, *, ..., not +=, *= or a method ending in _) '
     'so the value backward needs is kept.'),
    ('x = torch.tensor([0.5, -1.0], requires_grad=True)\ns = torch.sigmoid(x)\ns[0] = 0.0\ns.sum().backward()',
     ['inplace-saved-tensor'],
     's was changed in place at an earlier input: `s[0] = 0.0` (version 0 → 1), but the backward pass needs the value its graph saved.',
     'write the in-place operation out of place (a new tensor from +, *, ..., not +=, *= or a method ending in _) '
     'so the value backward needs is kept.'),
    ('x = torch.linspace(0, 1, 5, requires_grad=True)\nx.numpy()',
     ['numpy-on-requires-grad'],
     'x requires grad, and a NumPy array cannot carry a graph.',
     'call .detach() on x before it reaches NumPy (or stay in torch).'),
    ('x = torch.linspace(0, 1, 5, requires_grad=True)\nnp.sin(x)',
     ['numpy-on-requires-grad'],
     'x requires grad, and a NumPy array cannot carry a graph.',
     'call .detach() on x before it reaches NumPy (or stay in torch).'),
    ('x = torch.tensor([1.0, 2.0], requires_grad=True)\nx * np.array([1.0, 2.0])',
     ['numpy-on-requires-grad'],
     'x requires grad, and mixing it with the NumPy array np.array([1.0, 2.0]) turns it into NumPy, which cannot carry a graph.',
     'call .detach() before .numpy(), or stay in torch (torch.sin instead of np.sin).'),
    ('x = torch.linspace(0, 3, 5, requires_grad=True)\ny = x ** 2\ndef plot_like_matplotlib(xs, ys):\n    return np.asarray(xs), np.asarray(ys)\nplot_like_matplotlib(x, y)',
     ['plot-requires-grad-tensor'],
     'x and y require grad; plotting turns them into NumPy arrays, which cannot carry a graph.',
     'plot .detach()ed tensors.'),
    ('import plotext as plt\nx = torch.linspace(0, 3, 5, requires_grad=True)\ny = x ** 2\nplt.plot(x, y)',
     ['plot-requires-grad-tensor'],
     'x and y require grad; this plot converted them number by number, but matplotlib would fail with the numpy() error. A plot only needs the values.',
     'plot .detach()ed tensors.'),
    ('x = torch.tensor(1.0, requires_grad=True)\ny = math.sin(x)\ny.backward()',
     ['math-module-on-tensor'],
     'y is a Python float: math.sin(x) turned x into a number and dropped its graph.',
     'use the torch function (torch.sin, torch.exp) instead of math.*.'),
    ('x = torch.tensor([0.5, 1.0], requires_grad=True)\nmath.sin(x)',
     ['math-module-on-tensor'],
     'math.sin(x) needs one Python number, but x is a tensor (2 elements); math.* never keeps a graph anyway.',
     'use the torch function (torch.sin, torch.exp) instead of math.*.'),
    ('x = torch.tensor(1.0, requires_grad=True)\ny = x ** 2 + math.sin(x)',
     ['math-module-on-tensor'],
     'math.sin(x) turned x into a Python float: that term has no graph, so the gradient will miss it (or backward() will fail).',
     'use the torch function (torch.sin, torch.exp) instead of math.*.'),
    ('x = torch.tensor(2.0, requires_grad=True)\ndef f(t):\n    return t * math.exp(t)\ny = f(x)',
     ['math-module-on-tensor'],
     'math.exp(t) (in f()) turned t into a Python float: that term has no graph, so the gradient will miss it (or backward() will fail).',
     'use the torch function (torch.sin, torch.exp) instead of math.*.'),
    ('import sympy\nx = torch.tensor(1.0, requires_grad=True)\ny = sympy.sin(x)\ny.backward()',
     ['sympy-on-tensor'],
     "y is a SymPy number (Float): sympy.sin(x) turned x into SymPy's own Float, so the graph is gone.",
     "use the torch function, or lambdify with the 'torch' module."),
    ("import sympy\ns = sympy.Symbol('x')\nf = sympy.lambdify(s, sympy.sin(s) ** 2)\nf(torch.linspace(0, 1, 3, requires_grad=True))",
     ['sympy-on-tensor'],
     'f was made by sympy.lambdify with NumPy functions, which cannot take a tensor that requires grad.',
     "use the torch function, or lambdify with the 'torch' module."),
    ('import sympy as sp\nx = torch.tensor(0.5, requires_grad=True)\ny = sp.exp(x)',
     ['sympy-on-tensor'],
     'sp.exp(x) turned x into a SymPy number: the result has no graph.',
     "use the torch function, or lambdify with the 'torch' module."),
    ('A = torch.ones(2, 3, requires_grad=True)\ntorch.dot(A, A)',
     ['dot-matmul-shapes'],
     'A has shape (2, 3) and A has shape (2, 3): torch.dot only takes two 1-D vectors.',
     'check both shapes and make the inner sizes agree.'),
    ('A = torch.ones(2, 3, requires_grad=True)\nA @ A',
     ['dot-matmul-shapes'],
     'A has shape (2, 3) and A has shape (2, 3): for a matrix product the inner sizes must agree.',
     'check both shapes and make the inner sizes agree.'),
    ('x = torch.ones(3, requires_grad=True)\nx @ torch.ones(4)',
     ['dot-matmul-shapes'],
     'x has shape (3,) and torch.ones(4) has shape (4,): vectors must have the same length.',
     'check both shapes and make the inner sizes agree.'),
    ('torch.dot(torch.arange(3), torch.ones(3, requires_grad=True))',
     ['mixed-dtype-op'],
     'torch.arange(3) is int64 (its numbers are Python ints) but the other side is float32; a product needs one dtype.',
     'give both sides the same dtype (e.g. .float() on the integer one).'),
    ('A = torch.from_numpy(np.ones((2, 2)))\nW = torch.ones(2, 2, requires_grad=True)\nA @ W',
     ['mixed-dtype-op'],
     'A is float64 but the other side is float32; a product needs one dtype.',
     'give both sides the same dtype (e.g. .float() on the integer one).'),
    ('x = torch.tensor(2.0, requires_grad=True)\n(dy,) = torch.autograd.grad(x**3, x)\ntorch.autograd.grad(dy, x)',
     ['grad-of-grad-no-create-graph'],
     'dy came from torch.autograd.grad(x**3, x) without create_graph=True: a plain tensor, with no graph to differentiate again.',
     'compute the first derivative with torch.autograd.grad(..., create_graph=True) and differentiate that.'),
    ('x = torch.tensor(2.0, requires_grad=True)\ny = x ** 3\ny.backward()\nx.grad.backward()',
     ['grad-of-grad-no-create-graph'],
     'x.grad was filled in by a backward pass without create_graph=True, so it has no graph of its own to differentiate.',
     'compute the first derivative with torch.autograd.grad(..., create_graph=True) and differentiate that.'),
    ('x = torch.tensor(2.0, requires_grad=True)\ny = x ** 3\ny.backward(create_graph=True)\nx.grad.backward()',
     ['grad-of-grad-no-create-graph'],
     "x.grad.backward() adds the second derivative into x.grad itself, so x.grad is now the sum of both, not f''.",
     'compute the first derivative with torch.autograd.grad(..., create_graph=True) and differentiate that.'),
    ('x = torch.tensor(2.0)\ny = x ** 2\nx.requires_grad_(True)\ny.backward()',
     ['requires-grad-too-late'],
     'y = x ** 2 was computed before x required grad; switching it on later does not attach y, which still has grad_fn None.',
     'compute the result again after switching requires_grad on.'),
    ('x = torch.tensor(2.0, requires_grad=True)\ndef f(t):\n    return torch.tensor(t.item() ** 2)\nf(x).backward()',
     ['item-breaks-graph'],
     'torch.tensor(t.item() ** 2) (in f()) leaves autograd: it gives plain numbers, so f(x) has no grad_fn.',
     'keep tensor operations all the way (no .item(), float() or torch.tensor() of results).'),
    ('x = torch.tensor(2.0, requires_grad=True)\ny = x * x.item()',
     ['item-breaks-graph'],
     'x.item() is a plain Python number, so autograd treats it as a constant in y = x * x.item(): the gradient misses that part.',
     'keep tensor operations all the way (no .item(), float() or torch.tensor() of results).'),
    ('x = torch.tensor(2.0, requires_grad=True)\nv = torch.tensor([x ** 2, x ** 3])',
     ['item-breaks-graph'],
     'torch.tensor([x ** 2, x ** 3]) copies the numbers of its items into a new tensor outside the graph, so v has no gradient path back to x.',
     'keep tensor operations all the way (no .item(), float() or torch.tensor() of results).'),
    ('x = torch.tensor(3.0, requires_grad=True)\ny = torch.tensor(float(x) ** 2)\ny.backward()',
     ['item-breaks-graph'],
     'torch.tensor(float(x) ** 2) leaves autograd: it gives plain numbers, so y has no grad_fn.',
     'keep tensor operations all the way (no .item(), float() or torch.tensor() of results).'),
    ('x = torch.arange(4.0, requires_grad=True)\ny = x * x\nu = y.detach()\nz = u * x\nz.sum().backward()\nx.grad == 3 * x ** 2',
     ['detach-semantics'],
     'x.grad treats u = y.detach() as a constant, so it is not the full derivative you compared it with: no gradient flows through u.',
     'use the tensor itself where the gradient should flow, and .detach().clone() for a constant copy.'),
    ('x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = x.exp()\nu = y.detach()\nu.zero_()\ny.sum().backward()',
     ['detach-semantics'],
     'u = y.detach() shares memory with y, so `u.zero_()` also changed y, which backward still needs.',
     'use the tensor itself where the gradient should flow, and .detach().clone() for a constant copy.'),
    ('x = torch.arange(3.0, requires_grad=True)\ny = x ** 2\nu = y.detach()\n(u * x).sum().backward()\ntorch.allclose(x.grad, 3 * x ** 2)',
     ['detach-semantics'],
     'x.grad treats u = y.detach() as a constant, so it is not the full derivative you compared it with: no gradient flows through u.',
     'use the tensor itself where the gradient should flow, and .detach().clone() for a constant copy.'),
    ('def f(a):\n    b = a * 2\n    while b.norm() < 1000:\n        b = b * 2\n    if b.sum() > 0:\n        c = b\n    else:\n        c = 100 * b\n    return c\na = torch.zeros(size=(), requires_grad=True)\nd = f(a)',
     ['infinite-loop-control-flow'],
     '`while b.norm() < 1000:` never became False: a is 0, so doubling it stays 0 forever.',
     'start from an input for which the loop condition becomes False (a random one, as in D2L 2.5.4), and bound the loop.'),
    ('x = torch.tensor(0.0)\nwhile x.abs() < 1:\n    x = x * 3',
     ['infinite-loop-control-flow'],
     '`while x.abs() < 1:` never became False: x is still 0, as it was when the loop started, and the loop\'s '
     'updates keep it there.',
     'start from an input for which the loop condition becomes False (a random one, as in D2L 2.5.4), and bound the loop.'),
    ('x = torch.tensor([1.0, 2.0], requires_grad=True)\nwith torch.no_grad():\n    y = (x ** 2).sum()\ny.backward()',
     ['no-grad-then-backward'],
     'y = (x ** 2).sum() ran inside `with torch.no_grad():`, where nothing is recorded, so y has no grad_fn.',
     'compute the result outside `with torch.no_grad():` (or with grad mode on).'),
    ('x = torch.tensor([1.0, 2.0], requires_grad=True)\nwith torch.no_grad():\n    h = x * 2\nloss = (h ** 2).sum()\nloss.backward()',
     ['no-grad-then-backward'],
     'h = x * 2 ran inside `with torch.no_grad():`, where nothing is recorded, so loss has no grad_fn.',
     'compute the result outside `with torch.no_grad():` (or with grad mode on).'),
    ('x = torch.tensor([1.0, 2.0], requires_grad=True)\nwith torch.inference_mode():\n    y = (x ** 2).sum()\ny.backward()',
     ['inference-mode-backward'],
     'y = (x ** 2).sum() ran inside `with torch.inference_mode():`, where nothing is recorded, so y has no graph to differentiate.',
     'compute the result outside `with torch.inference_mode():`.'),
    ('x = torch.tensor([1.0, 2.0], requires_grad=True)\nwith torch.inference_mode():\n    t = torch.ones(2)\n(x * t).sum().backward()',
     ['inference-mode-backward'],
     't was made inside `with torch.inference_mode():`; such tensors can never join a graph.',
     'compute the result outside `with torch.inference_mode():`.'),
    ('with torch.inference_mode():\n    t = torch.ones(2)\nt.requires_grad_()',
     ['inference-mode-backward'],
     't was made inside `with torch.inference_mode():`; such tensors can never join a graph.',
     'compute the result outside `with torch.inference_mode():`.'),
    ('x = torch.ones(3, requires_grad=True)\ny = x * 2\ny.backward(torch.ones(3, dtype=torch.float64))',
     ['backward-gradient-dtype'],
     'torch.ones(3, dtype=torch.float64) is float64 but y is float32: PyTorch converts the seed to float32 without a word, so the gradient is float32 anyway.',
     "pass a gradient= tensor with the output's dtype (torch.ones_like(y))."),
    ('x = torch.ones(3, requires_grad=True)\n(x * 2).backward(torch.ones(3, dtype=torch.long))',
     ['backward-gradient-dtype'],
     'torch.ones(3, dtype=torch.long) is int64 but x * 2 is float32: PyTorch converts the seed to float32 without a word, so the gradient is float32 anyway.',
     "pass a gradient= tensor with the output's dtype (torch.ones_like(y))."),
    ('x = torch.ones(3, requires_grad=True)\n(x * 2).backward(torch.ones(3, dtype=torch.complex64))',
     ['backward-gradient-dtype'],
     'the gradient= tensor is complex but x * 2 is real; the seed must have the dtype of x * 2.',
     "pass a gradient= tensor with the output's dtype (torch.ones_like(y))."),
    ('x = torch.ones(3, requires_grad=True)\ny = x * 2\ny.backward(torch.ones(2))',
     ['backward-gradient-shape'],
     'torch.ones(2) has shape (2,) but y has shape (3,): the gradient= tensor must have exactly the shape of y, and nothing is broadcast.',
     "pass a gradient= tensor with the output's shape (torch.ones_like(y))."),
    ('x = torch.tensor(2.0, requires_grad=True)\n(x * 2).backward(torch.tensor([1.0]))',
     ['backward-gradient-shape'],
     'torch.tensor([1.0]) has shape (1,) but x * 2 has shape (): the gradient= tensor must have exactly the shape of x * 2, and nothing is broadcast.',
     "pass a gradient= tensor with the output's shape (torch.ones_like(y))."),
    ('x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = x * 2\ny.requires_grad = False',
     ['requires-grad-flag-nonleaf'],
     'y is computed (y = x * 2, grad_fn=MulBackward0): it requires grad because its inputs do, so the flag cannot be switched off.',
     'leave the flag of a computed tensor alone: use retain_grad() or .detach().'),
    ('x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = x * 2\ny.requires_grad_(False)',
     ['requires-grad-flag-nonleaf'],
     'y is computed (y = x * 2, grad_fn=MulBackward0): it requires grad because its inputs do, so the flag cannot be switched off.',
     'leave the flag of a computed tensor alone: use retain_grad() or .detach().'),
    ('x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = x * 2\ny.requires_grad = True',
     ['requires-grad-flag-nonleaf'],
     'y is computed (y = x * 2, grad_fn=MulBackward0), so it already requires grad because its inputs do; its flag is not yours to set.',
     'leave the flag of a computed tensor alone: use retain_grad() or .detach().'),
    ('x = torch.tensor([1., 2.], requires_grad=True)\ny = torch.tensor(x)',
     ['tensor-copy-construct'],
     "torch.tensor(x) copies x's numbers into a new tensor outside the graph: nothing computed from it reaches x.",
     'use .clone() (stays in the graph) or .detach().clone() instead of torch.tensor(t).'),
    ('x = torch.tensor([1., 2.], requires_grad=True)\ny = torch.tensor(x)\n(y * x).sum().backward()\nz = torch.tensor(x) ** 2\nz.sum().backward()',
     ['tensor-copy-construct'],
     'torch.tensor(x) copies the numbers of x into a new tensor outside the graph (PyTorch warns about it), so z.sum() has no grad_fn.',
     'use .clone() (stays in the graph) or .detach().clone() instead of torch.tensor(t).'),
    ('x = torch.tensor(1.0, requires_grad=True)\nz = torch.tensor(2.0, requires_grad=True)\ntorch.autograd.grad(x ** 2, [x, z])',
     ['allow-unused'],
     'x ** 2 does not depend on z (input 1 of [x, z]), so there is no gradient to return for it.',
     'differentiate only with respect to inputs the output uses, or pass allow_unused=True.'),
    ('x = torch.tensor(1.0, requires_grad=True)\nz = torch.tensor(2.0, requires_grad=True)\ntorch.autograd.grad(x ** 2, z)',
     ['allow-unused'],
     'x ** 2 does not depend on z, so there is no gradient to return for it.',
     'differentiate only with respect to inputs the output uses, or pass allow_unused=True.'),
    ('x = torch.tensor(1.0, requires_grad=True)\nc = torch.tensor(2.0)\ntorch.autograd.grad(x ** 2 * c, [x, c])',
     ['allow-unused'],
     'c does not require grad, so torch.autograd.grad cannot give a gradient with respect to it.',
     'differentiate only with respect to inputs the output uses, or pass allow_unused=True.'),
    ('x = torch.tensor(3.0, requires_grad=True)\ng = torch.autograd.grad(x ** 2, x)\ng.item()',
     ['grad-returns-tuple'],
     'g is the tuple (tensor(6.),): torch.autograd.grad returns one gradient per input, in a tuple.',
     'unpack the tuple torch.autograd.grad returns: (g,) = torch.autograd.grad(...).'),
    ('x = torch.tensor(3.0, requires_grad=True)\ng = torch.autograd.grad(x ** 2, x)\ng * 2',
     ['grad-returns-tuple'],
     'g is the tuple (tensor(6.),), so g * 2 works on the tuple, not on the gradient.',
     'unpack the tuple torch.autograd.grad returns: (g,) = torch.autograd.grad(...).'),
    ('x = torch.tensor(3.0, requires_grad=True)\ng = torch.autograd.grad(x ** 2, x)\ng + 1',
     ['grad-returns-tuple'],
     'g is the tuple (tensor(6.),): torch.autograd.grad returns one gradient per input, in a tuple.',
     'unpack the tuple torch.autograd.grad returns: (g,) = torch.autograd.grad(...).'),
    ('x = torch.tensor([-1.0, 2.0], requires_grad=True)\ndef f(x):\n    if x > 0:\n        return x ** 2\n    return -x\nf(x)',
     ['bool-ambiguous-control-flow'],
     "x > 0 gives one True/False per element, and Python's if/while needs a single one.",
     'use torch.where for an elementwise choice, or .all()/.any() for one decision.'),
    ('x = torch.tensor([-1.0, 2.0], requires_grad=True)\ny = x if x > 0 else -x',
     ['bool-ambiguous-control-flow'],
     "x > 0 gives one True/False per element (2 values), and Python's if/while needs a single one.",
     'use torch.where for an elementwise choice, or .all()/.any() for one decision.'),
    ('x = torch.tensor([-1.0, 4.0], requires_grad=True)\ny = torch.where(x > 0, torch.sqrt(x), torch.zeros_like(x))\ny.sum().backward()',
     ['where-nan-gradient'],
     'x.grad has NaN: torch.where computes torch.sqrt(x) for every element, and where it is unused its derivative is NaN or inf; 0 times that is still NaN.',
     'make the unused branch safe for every element before torch.where.'),
    ('x = torch.tensor([0.0, 2.0], requires_grad=True)\ny = torch.where(x > 0, torch.log(x), torch.zeros_like(x))\ny.sum().backward()',
     ['where-nan-gradient'],
     'x.grad has NaN: torch.where computes torch.log(x) for every element, and where it is unused its derivative is NaN or inf; 0 times that is still NaN.',
     'make the unused branch safe for every element before torch.where.'),
    ('x = torch.zeros(2, requires_grad=True)\n(x ** 2).sum().sqrt().backward()',
     ['where-nan-gradient'],
     'x.grad has NaN: the derivative of (x ** 2).sum().sqrt() is infinite where its input is 0, and 0 × inf is NaN.',
     'keep the input of (x ** 2).sum().sqrt() away from 0 (.clamp(min=1e-12)), or compute a norm with '
     'torch.linalg.vector_norm, whose gradient at 0 is 0.'),
    ("x = torch.tensor([1., 2.], requires_grad=True)\nf'{x:.3f}'",
     ['format-tensor'],
     'x has shape (2,): a format such as :.3f applies to one number, not to a tensor.',
     'format the numbers one by one (.tolist()), or .item() for a one-element tensor.'),
    ("x = torch.tensor([1., 2.], requires_grad=True)\n(x ** 2).sum().backward()\nprint('grad: {:.2f}'.format(x.grad))",
     ['format-tensor'],
     'x.grad has shape (2,): a format such as :.2f applies to one number, not to a tensor.',
     'format the numbers one by one (.tolist()), or .item() for a one-element tensor.'),
    ("x = torch.tensor([1., 2.], requires_grad=True)\nprint('%.3f' % x)",
     ['format-tensor'],
     "'%' formatting needs one number, but x is a tensor with several elements.",
     'format the numbers one by one (.tolist()), or .item() for a one-element tensor.'),
    ('x = torch.ones(2, requires_grad=True)\nx.requires_grad()',
     ['attribute-called'],
     'x.requires_grad is an attribute that holds a bool (here x.requires_grad is True), not a method: the () after it tries to call that bool.',
     'drop the parentheses after .requires_grad: read x.requires_grad as a value; to switch it on, x.requires_grad_(True).'),
    ('w = torch.ones(2, requires_grad=True)\ndef frozen(t):\n    return not t.is_leaf()\nfrozen(w)',
     ['attribute-called'],
     't.is_leaf is an attribute that holds a bool (here t.is_leaf is True), not a method: the () after it tries to call that bool.',
     'drop the parentheses after .is_leaf: read t.is_leaf as a value.'),
    ('x = torch.ones(2, requires_grad=True)\n(x * 2).sum().backward()\nprint(x.grad())',
     ['attribute-called'],
     'x.grad is an attribute that holds a Tensor (here x.grad is tensor([2., 2.])), not a method: the () after it tries to call that Tensor.',
     'drop the parentheses after .grad: read x.grad as a value.'),
    ('w = torch.tensor([1.0, 2.0], requires_grad=True)\ny = (w * w).sum()\nw.data.mul_(10)\ny.backward()',
     ['inplace-via-data'],
     "`w.data.mul_(10)` changed w through .data after `y = (w * w).sum()` used it. Autograd cannot see such edits (w's version is still 0), so this backward used the new values: a wrong gradient, no error.",
     'make the change to w under `with torch.no_grad():` before you compute y, or compute y again after the edit, before backward().'),
    ('w = torch.tensor([3.0, -1.0], requires_grad=True)\nh = torch.exp(w)\nd = h.data\nd[0] = 0.0\nh.sum().backward()',
     ['inplace-via-data'],
     "`d[0] = 0.0` changed h through .data after `h = torch.exp(w)` computed it. Autograd cannot see such edits (h's version is still 0), so this backward used the new values: a wrong gradient, no error.",
     'compute h again after the edit, before backward().'),  # h is the changed tensor: nothing to do "before h"
]


@pytest.fixture(autouse=True)
def strict_and_no_fixes(monkeypatch):
    monkeypatch.setattr(hints_pkg, "STRICT", True)
    monkeypatch.setattr(hints_pkg, "VERIFY_BUDGET", 0.0)


def hints_of_last(script: str) -> list:
    session = Session(timeout=5.0)
    session.ensure_torch()
    outcomes = [session.submit(text) for text in split_inputs(script)]
    return outcomes[-1].hints


@pytest.mark.parametrize("script,ids,explanation,words", PINNED,
                         ids=[f"{row[1][0]}-{i}" for i, row in enumerate(PINNED)])
def test_hint_word_for_word(script, ids, explanation, words):
    hints = hints_of_last(script)
    assert [h.id for h in hints] == ids
    assert hints[0].explanation == explanation
    if words is not None:
        assert hints[0].fix_words == words


# -- the helpers behind the rules, at their edges (each found by a mutant that survived the suite) --


def test_a_returned_name_is_traced_to_its_assignment_before_that_return():
    """f returns h from two places; the h of the first return was computed under no_grad, a later
    `h = ...` (below that return) was not. The cause is the assignment before the return reached."""
    hints = hints_of_last("x = torch.tensor([1.0, 2.0], requires_grad=True)\n"
                          "def f(t, fast):\n    if fast:\n        with torch.no_grad():\n            h = t.exp()\n"
                          "        return h\n    h = t.exp() * 3\n    return h\n"
                          "loss = f(x, True).sum()\nloss.backward()")
    assert [h.id for h in hints] == ["no-grad-then-backward"]
    assert hints[0].explanation == ("loss has no graph: h in f() ran under `with torch.no_grad():`: nothing is "
                                    "recorded there, so loss.backward() finds no graph.")


def test_an_if_return_that_ends_the_function_has_no_other_branch():
    """`if v > 0: return v` as the last statement: no `else` and nothing after it (looking for the other
    branch past the end of the body must not fail: the hint would be lost)."""
    hints = hints_of_last("x = torch.tensor([-1.0, 2.0], requires_grad=True)\n"
                          "def relu(v):\n    if v > 0:\n        return v\nrelu(x)")
    assert [h.id for h in hints] == ["bool-ambiguous-control-flow"]
    assert hints[0].explanation == "v > 0 gives one True/False per element, and Python's if/while needs a single one."


def test_numpy_skips_a_comprehension_argument_without_grad_and_names_the_tensor():
    """np.add(np.array([float(i) for i in range(3)]), x): the first argument is a comprehension over
    range(3) (no grad anywhere); the culprit is x."""
    hints = hints_of_last("x = torch.linspace(0, 1, 3, requires_grad=True)\n"
                          "np.add(np.array([float(i) for i in range(3)]), x)")
    assert [h.id for h in hints] == ["numpy-on-requires-grad"]
    assert hints[0].explanation == "x requires grad, and a NumPy array cannot carry a graph."
    assert hints[0].fix_words == "call .detach() on x before it reaches NumPy (or stay in torch)."


def test_numpy_on_an_unnamed_tensor_quotes_the_expression_not_a_made_up_name():
    """No name holds the tensor (it is made in the call), so the text quotes the expression; the
    fallback would say "x requires grad", a name the learner never wrote."""
    hints = hints_of_last("np.sin(torch.ones(2, requires_grad=True))")
    assert [h.id for h in hints] == ["numpy-on-requires-grad"]
    assert hints[0].explanation == ("np.sin(torch.ones(2, requires_grad=True)) hands torch.ones(2, requires_grad=True) "
                                    "to NumPy, which cannot carry a tensor that requires grad.")


def test_the_tuple_grad_returns_is_shown_by_shape_and_never_shorter_than_it_is():
    """One (3,) gradient is shown by its shape; four gradients show the first three and say there are
    more (d/da 2a = 2, d/db sum(b) = ones(2), d/dc cd = d = 4, d/dd cd = c = 3)."""
    hints = hints_of_last("x = torch.ones(3, requires_grad=True)\ng = torch.autograd.grad((x * 2).sum(), x)\ng.sum()")
    assert [h.id for h in hints] == ["grad-returns-tuple"]
    assert hints[0].explanation == ("g is the tuple (tensor of shape (3,),): torch.autograd.grad returns one "
                                    "gradient per input, in a tuple.")
    hints = hints_of_last("a = torch.tensor(1.0, requires_grad=True)\nb = torch.ones(2, requires_grad=True)\n"
                          "c = torch.tensor(3.0, requires_grad=True)\nd = torch.tensor(4.0, requires_grad=True)\n"
                          "g = torch.autograd.grad(a * 2 + b.sum() + c * d, [a, b, c, d])\ng.sum()")
    assert [h.id for h in hints] == ["grad-returns-tuple"]
    assert hints[0].explanation == ("g is the tuple (tensor(2.), tensor of shape (2,), tensor(4.), ...): "
                                    "torch.autograd.grad returns one gradient per input, in a tuple.")


def test_set_grad_enabled_true_in_a_function_is_not_blamed():
    """`with torch.set_grad_enabled(True):` keeps recording; the cause is x without requires_grad."""
    hints = hints_of_last("x = torch.tensor([1.0, 2.0])\ndef f(t):\n    with torch.set_grad_enabled(True):\n"
                          "        h = t.exp()\n    return h\nf(x).sum().backward()")
    assert [h.id for h in hints] == ["backward-no-grad-fn"]
    assert hints[0].explanation == ("x was created without requires_grad=True (x = torch.tensor([1.0, 2.0])), so "
                                    "nothing computed from it was recorded and f(x).sum() has no grad_fn.")


@pytest.mark.parametrize("script,fix", [
    # the loop's header line, then the statement moved into the body (the rest elided)
    ("x = torch.tensor([1.0, 2.0], requires_grad=True)\nh = torch.exp(x)\nfor step in range(2):\n"
     "    loss = (h * 3).sum()\n    loss.backward()",
     "for step in range(2):\n    x.grad = None\n    h = torch.exp(x)\n    ..."),
    # create_graph=True added to the call that made dy
    ("x = torch.tensor(2.0, requires_grad=True)\n(dy,) = torch.autograd.grad(x**3, x)\ntorch.autograd.grad(dy, x)",
     "(dy,) = torch.autograd.grad(x**3, x, create_graph=True)"),  # in place of the earlier input
    ("x = torch.tensor(1.0, requires_grad=True)\nz = torch.tensor(2.0, requires_grad=True)\n"
     "torch.autograd.grad(x ** 2, [x, z])",
     "torch.autograd.grad(x ** 2, [x, z], allow_unused=True)"),
])
def test_verified_fixes_word_for_word(script, fix, monkeypatch):
    """The code shown under a hint, tried on a copy (time limits raised: a loaded machine must not turn
    a good fix into words)."""
    from tutor import verify

    monkeypatch.setattr(hints_pkg, "VERIFY_BUDGET", 60.0)
    monkeypatch.setitem(verify.try_fix.__kwdefaults__, "limit", 10.0)
    hints = hints_of_last(script)
    assert hints[0].verified and hints[0].fix == fix


@pytest.mark.parametrize("script,explanation", [
    ("a = torch.ones(2, requires_grad=True)\nb = torch.ones(2, requires_grad=True)\nnp.sin(a * b)",
     "a and b require grad (in a * b), and a NumPy array cannot carry a graph."),
    ("ws = [torch.ones(2, requires_grad=True)]\nnp.array(ws)",
     "ws holds tensors that require grad, and a NumPy array cannot carry a graph."),
])
def test_numpy_names_every_tensor_that_requires_grad_with_the_right_verb(script, explanation):
    hints = hints_of_last(script)
    assert [h.id for h in hints] == ["numpy-on-requires-grad"]
    assert hints[0].explanation == explanation


def test_a_graph_freed_inside_a_function_called_earlier_names_that_input():
    hints = hints_of_last("x = torch.tensor(2.0, requires_grad=True)\ny = x * x\ndef step(t):\n    t.backward()\n"
                          "step(y)\ny.backward()")
    assert [h.id for h in hints] == ["double-backward"]
    assert hints[0].explanation.startswith("the graph of y was freed by an earlier input: `step(y)`")
    assert hints[0].explanation.endswith("That pass used up the values the graph saved, so y.backward() cannot go "
                                         "through it again.")


def test_names_on_a_helpers_failing_line_are_read_as_the_helper_saw_them():
    """`x` on the failing line inside forward() is forward's parameter (the int batch), not the float `x`
    of the namespace: a rule that read the namespace described the wrong tensor (oracle: the dtypes the
    script makes)."""
    script = ("x = torch.ones(2, 2)\nw = torch.tensor([[1.0], [0.5]], requires_grad=True)\n"
              "def forward(x):\n    return torch.mm(x, w)\nX = torch.tensor([[1, 2], [3, 4]])\nforward(X)")
    hints = hints_of_last(script)
    assert [h.id for h in hints] == ["mixed-dtype-op"]
    assert hints[0].explanation == ("x is int64 (its numbers are Python ints) but the other side is float32; "
                                    "a product needs one dtype.")


def test_a_grad_left_none_by_a_detached_copy_names_the_copy():
    """Oracle: torch. c is computed from b = a.detach(), so c.backward() never reaches a and a.grad stays
    None (printed or shown); the hint must name the detach, not claim that c does not depend on a."""
    import torch

    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = a.detach()
    b.requires_grad = True
    (b * 2).sum().backward()
    assert a.grad is None and b.grad is not None
    for last in ("a.grad", "print(a.grad)"):
        hints = hints_of_last("a = torch.tensor([1.0, 2.0], requires_grad=True)\nb = a.detach()\n"
                              f"b.requires_grad = True\nc = (b * 2).sum()\nc.backward()\n{last}")
        assert [h.id for h in hints] == ["grad-none-before-backward"], last
        assert hints[0].explanation == (
            "a.grad is still None: the backward pass you ran (c.backward()) did not reach a, because c was "
            "computed from b = a.detach(), a copy of a's values cut from its graph: no gradient flows back "
            "through it.")
        assert not hints[0].verified and "b.grad" in hints[0].fix_words


def test_an_in_place_change_inside_a_helper_is_quoted_from_the_helper_that_built_the_graph():
    """Two helpers change tensors in place; only act() built the graph the backward pass goes through
    (normalize() worked on data that never required grad), so act()'s line is the one quoted."""
    script = ("def normalize(t):\n    t -= t.mean()\n    return t\n"
              "def act(t):\n    s = torch.sigmoid(t)\n    s.clamp_(max=0.9)\n    return s\n"
              "X = normalize(torch.randn(4))\nx = torch.tensor([0.5, 3.0], requires_grad=True)\ny = act(x)\n"
              "y.sum().backward()")
    hints = hints_of_last(script)
    assert [h.id for h in hints] == ["inplace-saved-tensor"]
    assert hints[0].explanation == ("`s.clamp_(max=0.9)` in act() changed s in place, but the backward pass of "
                                    "Sigmoid needs the value it saved (version 0; now version 1).")


def test_an_in_place_change_of_a_view_names_the_leaf_it_views():
    """Oracle: torch. b = a.view(4) is not a leaf (it has a ViewBackward0); changing it in place changes
    a, the leaf. The hint must not call b a leaf."""
    import torch

    a = torch.ones(2, 2, requires_grad=True)
    b = a.view(4)
    assert not b.is_leaf and b._base is a
    hints = hints_of_last("a = torch.ones(2, 2, requires_grad=True)\nb = a.view(4)\nb.add_(1)")
    assert [h.id for h in hints] == ["inplace-on-leaf"]
    assert hints[0].explanation == ("b is a view of the leaf a, which requires grad: `b.add_(1)` would overwrite "
                                    "a's values, the ones autograd differentiates with respect to.")


def test_a_modules_gradients_adding_up_in_a_loop_are_reset_with_zero_grad(monkeypatch):
    """The parameters of net = nn.Sequential(...) are named as Python reads them (net[0].weight, not the
    syntax error net.0.weight), and the proven reset is net.zero_grad() first in the loop body."""
    from tutor import verify

    monkeypatch.setattr(hints_pkg, "VERIFY_BUDGET", 60.0)
    monkeypatch.setitem(verify.try_fix.__kwdefaults__, "limit", 10.0)
    script = ("torch.manual_seed(0)\nnet = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU(), "
              "torch.nn.Linear(2, 1))\nX = torch.randn(8, 3)\ny = torch.randn(8, 1)\nfor epoch in range(2):\n"
              "    loss = ((net(X) - y) ** 2).mean()\n    loss.backward()\n    with torch.no_grad():\n"
              "        for p in net.parameters():\n            p -= 0.1 * p.grad")
    session = Session(timeout=5.0)
    session.ensure_torch()
    out = [session.submit(text) for text in split_inputs(script)][-1]
    assert [g.name for g in out.gradients][:2] == ["net[0].weight", "net[0].bias"]
    hint = out.hints[0]
    assert hint.id == "grad-accumulation" and hint.verified, (hint.fix_words, hint.tried)
    assert hint.fix == "for epoch in range(2):\n    net.zero_grad()\n    ..."
    assert "(net[0].weight.grad is now a (2, 3) tensor)" in hint.explanation
