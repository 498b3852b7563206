"""Branch scripts for tutor/hints/rules/conversion.py (math.*, SymPy, NumPy, '%' formatting and plotting of
tensors that require grad)."""

SCRIPTS = [
    # math.tanh made a float, then F.mse_loss(pred, ...) fails inside torch ('float' object has no attribute 'size'):
    # no attribute on the learner's line; the float's name is found and its math.* origin named
    'import math\nimport torch\nimport torch.nn.functional as F\nw = torch.tensor(0.5, requires_grad=True)\n'
    'pred = math.tanh(w) * 2.0\nloss = F.mse_loss(pred, torch.tensor(1.0))\n',
    # a float from plain arithmetic handed to F.mse_loss (math.exp only made the learning rate): not math's
    # doing, no hint
    'import math\nimport torch\nimport torch.nn.functional as F\nlr = math.exp(-3)\n'
    'w = torch.tensor(0.5, requires_grad=True)\npred = 0.5 * 2.0\n'
    'loss = F.mse_loss(pred, torch.tensor(1.0))\n',
    # SymPy all the way (df.subs(s, 2.0).backward()): a SymPy Float with no tensor behind it, no hint
    "import sympy as sp\ns = sp.symbols('x')\nf = s ** 3 - 2 * s\ndf = sp.diff(f, s)\nval = df.subs(s, 2.0)\n"
    'val.backward()\n',
    # float(x.grad) of a 4-element gradient: the conversion error without a math.* call or a '%' format
    'import torch\nx = torch.arange(4.0, requires_grad=True)\ny = 2 * torch.dot(x, x)\ny.backward()\n'
    'float(x.grad)\n',
    # D2L 3.2 training loop printing 'epoch %d, loss %f' % (epoch + 1, l) with l the unreduced batch losses:
    # the tensor is one item of the tuple
    'import torch\nw = torch.randn(2, requires_grad=True)\nX = torch.randn(10, 2)\n'
    'y = X @ torch.tensor([2.0, -3.4])\nfor epoch in range(2):\n    l = (X @ w - y) ** 2 / 2\n'
    '    l.sum().backward()\n    with torch.no_grad():\n        w -= 0.03 * w.grad\n        w.grad.zero_()\n'
    "    print('epoch %d, loss %f' % (epoch + 1, l))\n",
    # sp.init_printing() (a SymPy call without arguments), then a lambdified function taken from a list
    "import sympy as sp\nimport torch\nsp.init_printing()\ns = sp.symbols('x')\nexprs = [sp.sin(s), s ** 2]\n"
    'fs = [sp.lambdify(s, e) for e in exprs]\nf = fs[0]\nx = torch.linspace(0, 3, 5, requires_grad=True)\n'
    'f(x)\n',
    # training history kept in a dict of lists of losses (not .item()), then np.array(history['loss'])
    'import torch\nimport numpy as np\nw = torch.tensor([1.0, 2.0], requires_grad=True)\n'
    "history = {'loss': [], 'w': []}\nfor step in range(3):\n    loss = (w ** 2).sum()\n"
    "    history['loss'].append(loss)\nnp.array(history['loss'])\n",
    # D2L 2.4 style plotting helper called with a list of curves: each curve that requires grad is detached
    'import torch\ndef f(x):\n    return 3 * x ** 2 - 4 * x\ndef plot_curves(x, ys):\n'
    '    return [list(zip(x.tolist(), y.tolist())) for y in ys]\n'
    'x = torch.arange(0, 3, 0.5, requires_grad=True)\ncurves = plot_curves(x, [f(x), 2 * x - 3])\n',
    # losses appended without .item(): '%.4f' % losses[-1] works (one element), np.mean(losses) does not
    'import torch\nimport numpy as np\nw = torch.tensor([1.0, 2.0], requires_grad=True)\nlosses = []\n'
    'for step in range(3):\n    loss = (w ** 2).sum()\n    losses.append(loss)\n'
    "print('last loss %.4f' % losses[-1])\nnp.mean(losses)\n",
    # np.array(torch.stack(ys)): the stacked tensor is what gets .detach()
    'import torch\nimport numpy as np\n'
    'ys = [torch.tensor(float(i), requires_grad=True) * 2 for i in range(3)]\nnp.array(torch.stack(ys))\n',
    # parameters kept in a dict, flattened with np.concatenate(list(params.values())): the words detach each
    # tensor of the dict (a dict has no .detach())
    'import torch\nimport numpy as np\n'
    "params = {'w': torch.randn(2, requires_grad=True), 'b': torch.zeros(1, requires_grad=True)}\n"
    'flat = np.concatenate(list(params.values()))\n',
]
