"""Branch scripts for tutor/hints/rules/accumulation.py: gradients that add up across backward passes."""

SCRIPTS = [
    # the wrong gradient reset: x.grad cleared, y's gradient adds up
    "import torch\nx = torch.tensor(2.0, requires_grad=True)\ny = torch.tensor(3.0, requires_grad=True)\nz = x * y\n"
    "z.backward()\nf = y ** 2\nx.grad = None; f.backward()\n",
    # only b zeroed between two passes of D2L's linear regression: w adds up, b does not
    "import torch\nw = torch.tensor([1.0, -1.0], requires_grad=True)\nb = torch.zeros(1, requires_grad=True)\n"
    "X = torch.tensor([[1.0, 2.0], [3.0, 4.0]])\ny = torch.tensor([1.0, 2.0])\nl = ((X @ w + b - y) ** 2).sum()\n"
    "l.backward()\nb.grad.zero_()\nl = ((X @ w + b - y) ** 2).sum()\nl.backward()\n",
    # a bias added after the first pass: its first gradient is no accumulation, w's is
    "import torch\nw = torch.tensor([1.0, -1.0], requires_grad=True)\nX = torch.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
    "l = (X @ w).sum()\nl.backward()\nb = torch.zeros(1, requires_grad=True)\nl = (X @ w + b).sum()\nl.backward()\n",
    # two passes in one input (the catalog's trigger on one line)
    "import torch\nx = torch.tensor(2.0, requires_grad=True)\ny = x ** 2\ny.backward(retain_graph=True); y.backward()\n",
    # the second pass inside a with block (anomaly detection while debugging)
    "import torch\nx = torch.arange(4.0, requires_grad=True)\ny = 2 * torch.dot(x, x)\ny.backward()\ny = x.sum()\n"
    "with torch.autograd.set_detect_anomaly(True):\n    y.backward()\n",
    # the loss unpacked from a forward helper, run twice: w and b both add up, both must be reset
    "import torch\nw = torch.tensor([1.0, -1.0], requires_grad=True)\nb = torch.zeros(1, requires_grad=True)\n"
    "X = torch.tensor([[1.0, 2.0], [3.0, 4.0]])\ny = torch.tensor([1.0, 2.0])\ndef forward(X):\n    pred = X @ w + b\n"
    "    return ((pred - y) ** 2).mean(), pred\nloss, pred = forward(X)\nloss.backward()\nloss, pred = forward(X)\n"
    "loss.backward()\n",
    # the output rebinds its own name (y = y.sum()): the graph cannot be rebuilt by retyping
    "import torch\nx = torch.arange(4.0, requires_grad=True)\ny = x * 2\ny = y.sum()\ny.backward()\ny = x * 2\ny = y.sum()\n"
    "y.backward()\n",
    # net.zero_grad() on the same line as the backward: correct, no hint
    'import torch\nnet = torch.nn.Linear(2, 1)\nX = torch.tensor([[1.0, 2.0], [3.0, 4.0]])\nloss = net(X).sum()\nloss.backward()\nloss = net(X).sum()\nnet.zero_grad(); loss.backward()\n',
    # two losses backward on one line after an earlier pass: the reset goes before both
    'import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\ny = (x ** 2).sum()\ny.backward()\nl1 = (x ** 3).sum()\nl2 = x.prod()\nl1.backward(); l2.backward()\n',
]
