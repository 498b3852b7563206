"""Branch scripts for tutor/hints/rules/pyvalues.py (attribute-called, item-breaks-graph, float-equality-check,
grad-returns-tuple, tensor-copy-construct)."""

SCRIPTS = [
    # two attributes called in one line: the first visited (x.dtype()) is not the one that raised ('torch.Size')
    'import torch\nx = torch.arange(4.0, requires_grad=True)\nprint(len(x.shape()), x.dtype())\n',
    # an attribute called on an attribute (w.grad.shape()): the owner is not a plain name, no current value shown
    'import torch\nw = torch.randn(3, requires_grad=True)\nloss = (w ** 2).sum()\nloss.backward()\n'
    'print(w.grad.shape())\n',
    # x.requires_grad(True) (D2L 2.5 style, the setter called like a method): the fix is x.requires_grad_(True)
    'import torch\nx = torch.arange(4.0)\nx.requires_grad(True)\ny = 2 * torch.dot(x, x)\n',
    # the builtin sum shadowed by a running total, then called: 'int' object is not callable, no attribute called
    'import torch\nxs = [torch.tensor(float(i), requires_grad=True) for i in range(3)]\nsum = 0\n'
    'for x in xs:\n    sum = sum + x ** 2\ntotal = sum(xs)\n',
    # losses kept as .item() numbers, backward called on each in a loop: the loop variable is followed to the list
    'import torch\nw = torch.tensor([1.0, -2.0], requires_grad=True)\n'
    'losses = [(w ** 2).sum().item() for _ in range(3)]\nfor l in losses:\n    l.backward()\n',
    # .item() and .backward() chained on one line: the receiver is the .item() call itself
    'import torch\nw = torch.tensor([1.0, -2.0], requires_grad=True)\n(w ** 2).sum().item().backward()\n',
    # a helper that returns a local name holding .item() (mse returns value)
    'import torch\ndef mse(pred, target):\n    err = ((pred - target) ** 2).mean()\n    value = err.item()\n'
    '    return value\nw = torch.tensor(0.5, requires_grad=True)\nloss = mse(w * 2.0, torch.tensor(3.0))\n'
    'loss.backward()\n',
    # float(y).backward(): float() on the receiver itself
    'import torch\nx = torch.tensor(3.0, requires_grad=True)\ny = x ** 2 + 2 * x\nfloat(y).backward()\n',
    # a helper with two returns, the first a tensor, the second .item() (the default path)
    'import torch\ndef compute_loss(pred, y, verbose=False):\n    loss = ((pred - y) ** 2).mean()\n'
    '    if verbose:\n        return loss\n    return loss.item()\n'
    'w = torch.tensor([0.5, -1.0], requires_grad=True)\nX = torch.tensor([[1.0, 2.0], [3.0, 4.0]])\n'
    'l = compute_loss(X @ w, torch.tensor([1.0, 2.0]))\nl.backward()\n',
    # a wrong hand derivative (6x instead of 6x - 4): the numbers differ a lot, no rounding hint
    'import torch\nx = torch.tensor(1.0, requires_grad=True)\ny = 3 * x ** 2 - 4 * x\ny.backward()\n'
    'x.grad.item() == 6 * x.item()\n',
    # float(x.grad) equal to the float64 hand value; .item() against a negated expression differs by rounding
    'import torch\nx = torch.tensor(0.1, dtype=torch.float64, requires_grad=True)\ny = x ** 3 + 1 / x\n'
    'y.backward()\nprint(float(x.grad) == 3 * 0.1 ** 2 - 1 / 0.1 ** 2)\n'
    'print(x.grad.item() == -(1 / 0.1 ** 2 - 3 * 0.1 ** 2))\n',
    # x ** 100: the hand derivative has a power above 64, not evaluated, no hint
    'import torch\nx = torch.tensor(1.0001, dtype=torch.float64, requires_grad=True)\ny = x ** 100\n'
    'y.backward()\nx.grad.item() == 100 * x.item() ** 99\n',
    # gradient descent by hand: the compare inside the loop runs before x changes, end values differ a lot
    'import torch\nx = 2.0\nfor step in range(3):\n    t = torch.tensor(x, requires_grad=True)\n'
    '    (t ** 2).backward()\n    print(t.grad.item() == 2 * x)\n    x = x - 0.1 * t.grad.item()\n',
    # exact ==/!= that hold, a comparison with a tensor element, a modulo: none is a rounding mistake
    'import torch\nimport math\nx = torch.tensor(1.0, requires_grad=True)\ny = 3 * x ** 2 - 4 * x\n'
    'y.backward()\nx.grad.item() == 2.0\nx.grad.item() != 2.0\nexpected = torch.tensor([2.0])\n'
    'x.grad.item() == expected[0]\nx.grad.item() % 1 == 0.0\n',
    # the gradient read in the loop, then w.grad = None: at the end w.grad is None, nothing to evaluate
    'import torch\nw = torch.tensor(0.3, requires_grad=True)\nfor epoch in range(2):\n    loss = w ** 2\n'
    '    loss.backward()\n    print(w.grad.item() == 0.6)\n    w.grad = None\n',
    # != in an if: the check says True (wrong derivative?) only by rounding; fix keeps the if
    'import torch\nq = torch.tensor(0.3, requires_grad=True)\n(q ** 2).backward()\n'
    'if q.grad.item() != 2 * 0.3:\n    print("wrong derivative?", q.grad.item())\n',
    # two comparisons in one print: a product and a negated .item()
    'import torch\nimport math\nq = torch.tensor(0.3, requires_grad=True)\n(q ** 2).backward()\n'
    'print(q.grad.item() == 2 * 0.3, -q.grad.item() == -0.6)\n',
    # a helper returning (w.grad, b.grad), used as a tensor: the tuple is not torch.autograd.grad's, no hint
    'import torch\nw = torch.randn(3, requires_grad=True)\nb = torch.zeros(1, requires_grad=True)\n'
    'def grads_of(w, b):\n    return w.grad, b.grad\nloss = (w.sum() + b).pow(2).sum()\nloss.backward()\n'
    'g = grads_of(w, b)\ng.norm()\n',
    # a tuple of gradients built by hand, then arithmetic on it: not from a helper call
    'import torch\nw = torch.randn(3, requires_grad=True)\nb = torch.zeros(1, requires_grad=True)\n'
    'loss = (w.sum() + b).pow(2).sum()\nloss.backward()\ngrads = (w.grad, b.grad)\nstep = grads - 1\n',
    # a grad helper (returns torch.autograd.grad's tuple) used in an update x - 2 * g
    'import torch\ndef grad_of(f, x):\n    x = x.detach().requires_grad_(True)\n'
    '    return torch.autograd.grad(f(x), x)\nx = torch.tensor([1.0, 2.0])\n'
    'g = grad_of(lambda t: (t ** 3).sum(), x)\nx_new = x - 2 * g\n',
    # a negative constant in torch.tensor(-2.0) without requires_grad: not a tensor expression copied
    'import torch\nw = torch.tensor(-2.0)\nloss = (w * 3) ** 2\nloss.backward()\n',
    # losses as .item() numbers, backward in `for epoch, l in enumerate(losses)`: followed through enumerate
    'import torch\nw = torch.tensor([1.0, -2.0], requires_grad=True)\n'
    'losses = [((w - t) ** 2).sum().item() for t in range(3)]\nfor epoch, l in enumerate(losses):\n'
    '    l.backward()\n',
    # losses[-1].backward() on a list of .item() numbers: the name inside the subscript is followed
    'import torch\nw = torch.tensor([1.0, -2.0], requires_grad=True)\n'
    'losses = [((w - t) ** 2).sum().item() for t in range(3)]\nlosses[-1].backward()\n',
    # a running total of .item() losses averaged, then avg.backward(): followed through avg = total / n to
    # total += ...item() in the loop
    'import torch\nw = torch.tensor([1.0, -2.0], requires_grad=True)\n'
    'xs = [torch.tensor([0.5, 1.0]), torch.tensor([2.0, -1.0])]\ntotal = 0.0\nfor x in xs:\n'
    '    total += ((w * x).sum() - 1.0).pow(2).item()\navg = total / len(xs)\navg.backward()\n',
    # an int that never was a tensor (n = steps * 2): no .item() behind it, no hint
    'import torch\nw = torch.tensor([1.0, -2.0], requires_grad=True)\nsteps = 3\nn = steps * 2\nn.backward()\n',
    # math.sin in a helper (f returns a float), then f(x).backward(): no .item() in what f returns; the math.*
    # hint names it
    'import math\nimport torch\ndef f(x):\n    return 2 * math.sin(x)\n'
    'x = torch.tensor(1.0, requires_grad=True)\nf(x).backward()\n',
]
