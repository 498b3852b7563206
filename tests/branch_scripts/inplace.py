"""Branch scripts for tutor/hints/rules/inplace.py: in-place changes of a leaf, and of a tensor backward needs."""

SCRIPTS = [
    # a method's update with .sub_ on an attribute leaf
    "import torch\nclass LinReg:\n    def __init__(self):\n        self.w = torch.zeros(2, requires_grad=True)\n"
    "    def step(self, lr):\n        self.w.sub_(lr * self.w.grad)\nmodel = LinReg()\n"
    "X = torch.tensor([[1.0, 2.0], [3.0, 4.0]])\nloss = ((X @ model.w - 1) ** 2).mean()\nloss.backward()\nmodel.step(0.1)\n",
    # inplace=True on a leaf
    "import torch\nimport torch.nn.functional as F\nw = torch.randn(3, requires_grad=True)\nF.relu(w, inplace=True)\n",
    # an in-place method inside an assignment: y = x.add_(1)
    "import torch\nx = torch.ones(3, requires_grad=True)\ny = x.add_(1)\n",
    # w updated under no_grad, b (forgotten) outside it, in one training loop
    "import torch\nw = torch.tensor([1.0, -1.0], requires_grad=True)\nb = torch.zeros(1, requires_grad=True)\n"
    "X = torch.tensor([[1.0, 2.0], [3.0, 4.0]])\ny = torch.tensor([1.0, 2.0])\nlr = 0.1\nfor epoch in range(3):\n"
    "    loss = ((X @ w + b - y) ** 2).mean()\n    loss.backward()\n    with torch.no_grad():\n        w -= lr * w.grad\n"
    "    b -= lr * b.grad\n",
    # a running total updated in place before the step: the step is the culprit, not the total
    "import torch\nw = torch.tensor([1.0, -1.0], requires_grad=True)\nX = torch.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
    "y = torch.tensor([1.0, 2.0])\nrunning_loss = 0.0\nfor epoch in range(3):\n    loss = ((X @ w - y) ** 2).mean()\n"
    "    loss.backward()\n    running_loss += loss.item()\n    w -= 0.1 * w.grad\n",
    # a gradient step written over two lines
    "import torch\nw = torch.tensor([1.0, -1.0], requires_grad=True)\nX = torch.tensor([[1.0, 2.0], [3.0, 4.0]])\n"
    "loss = (X @ w).sum()\nloss.backward()\nw -= (0.1\n      * w.grad)\n",
    # a helper with an in-place change, called twice on the way to the output
    "import torch\nx = torch.tensor([0.5, -1.0], requires_grad=True)\ndef layer(t):\n    out = torch.sigmoid(t)\n"
    "    out *= 2\n    return out\nh = layer(x)\ny = layer(h)\ny.sum().backward()\n",
    # many in-place changes of a detached copy before the backward that needs the original
    "import torch\nx = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\ny = x.exp()\nu = y.detach()\nu.mul_(2)\n"
    "u.add_(1)\nu.sub_(1)\nu.div_(2)\nu.clamp_(0)\ny.sum().backward()\n",
    # through .data the change is allowed; item assignment on the leaf is not
    "import torch\nx = torch.ones(3, requires_grad=True)\nx.data.add_(1)\nx[0] = 5.0\n",
    # an in-place method inside print()
    'import torch\nw = torch.randn(3, requires_grad=True)\nprint(w.mul_(2))\n',
    # torch's in-place function form, under an alias: the leaf is the argument, not the module
    'import torch as th\nw = th.randn(3, requires_grad=True)\nth.relu_(w)\n',
    # a custom init of an attribute leaf: uniform_ has no out-of-place twin, so no_grad
    'import torch\nclass Model:\n    def __init__(self):\n        self.w = torch.empty(3, requires_grad=True)\nmodel = Model()\nmodel.w.uniform_(-0.1, 0.1)\n',
    # a softmax by hand in place, three changes of h: the first one broke the saved exp
    'import torch\nx = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\nh = x.exp()\nh /= h.sum()\nh *= 10\nh -= 1\nh.sum().backward()\n',
]
