"""Branch scripts for tutor/hints/rules/leaf.py: .grad of a non-leaf, .grad before backward, a leaf rebound by
a manual update, a parameter that is not a leaf because of how it was built."""

SCRIPTS = [
    # older tutorials zero through .data: w.grad.data.zero_() before any backward (None has no .data)
    "import torch\nw = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)\nb = torch.zeros(1, requires_grad=True)\n"
    "w.grad.data.zero_()\n",
    # g = x.grad taken before backward (None then); after backward x.grad is a new tensor, g is still None
    "import torch\nx = torch.arange(4.0, requires_grad=True)\ny = 2 * torch.dot(x, x)\ng = x.grad\ny.backward()\n"
    "g.shape\n",
    # the same copy with no backward at all: g is None because x.grad is
    "import torch\nx = torch.arange(4.0, requires_grad=True)\ng = x.grad\nprint(g.norm())\n",
    # the .grad of each output in a list, read in a loop: the loop variable names a non-leaf
    "import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\nouts = [x * 2, x ** 2]\n"
    "for o in outs:\n    o.sum().backward()\nfor o in outs:\n    print(o.grad.norm())\n",
    # activations kept on the module to inspect their gradient (net.hidden is computed, not a parameter)
    "import torch\nimport torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
    "        self.lin = nn.Linear(3, 2)\n    def forward(self, x):\n        self.hidden = self.lin(x)\n"
    "        return self.hidden.relu().sum()\nnet = Net()\nout = net(torch.randn(4, 3))\nout.backward()\n"
    "net.hidden.grad.norm()\n",
    # D2L 2.5 without requires_grad: backward fails, then x.grad is used
    "import torch\nx = torch.arange(4.0)\ny = 2 * torch.dot(x, x)\ny.backward()\nprint(x.grad.shape)\n",
    # D2L's sgd called before any backward: inside sgd, param is w
    "import torch\nw = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)\nb = torch.zeros(1, requires_grad=True)\n"
    "def sgd(params, lr, batch_size):\n    with torch.no_grad():\n        for param in params:\n"
    "            param -= lr * param.grad / batch_size\n            param.grad.zero_()\nsgd([w, b], 0.03, 10)\n",
    # a helper's parameter named like a global: update(b) reads w.grad with w = b, whose grad is None
    "import torch\nw = torch.tensor([1.0, 2.0], requires_grad=True)\nb = torch.tensor(0.5, requires_grad=True)\n"
    "loss = (w ** 2).sum()\nloss.backward()\ndef update(w, lr=0.1):\n    with torch.no_grad():\n        w -= lr * w.grad\n"
    "update(w)\nupdate(b)\n",
    # a copy through .data: the output does not reach x
    "import torch\nw = torch.ones(4, requires_grad=True)\nx = torch.arange(4.0, requires_grad=True)\nu = x.data\n"
    "y = (w * u).sum()\ny.backward()\nprint(x.grad)\n",
    # a copy through torch.tensor(x): the output does not reach x
    "import torch\nw = torch.ones(2, requires_grad=True)\nx = torch.tensor([1.0, 2.0], requires_grad=True)\n"
    "u = torch.tensor(x)\ny = (w * u ** 2).sum()\ny.backward()\nx.grad.norm()\n",
    # a non-leaf made by an assignment over two lines
    "import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\ny = (x ** 2\n     + 3 * x)\ny.sum().backward()\ny.grad\n",
    # .grad of a list element that is a computed tensor
    "import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\nhs = [x * 2, x ** 2]\n"
    "sum(h.sum() for h in hs).backward()\nhs[0].grad\n",
    # non-leaves made by one unpacking assignment
    "import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\ny, z = x * 2, x ** 2\n(y * z).sum().backward()\ny.grad\n",
    # both parameters updated by one tuple assignment, outside no_grad
    "import torch\nw = torch.randn(3, requires_grad=True)\nb = torch.zeros(1, requires_grad=True)\nx = torch.randn(3)\n"
    "loss = ((w @ x + b - 1) ** 2).sum()\nloss.backward()\nw, b = w - 0.1 * w.grad, b - 0.1 * b.grad\n"
    "loss = ((w @ x + b - 1) ** 2).sum()\nloss.backward()\nw.grad\n",
    # weight decay written as a rebinding update: w is not first in the expression (fixed with w.copy_)
    "import torch\nw = torch.randn(3, requires_grad=True)\nx = torch.randn(3)\nlr, wd = 0.1, 0.01\n"
    "for epoch in range(3):\n    loss = ((w @ x - 1) ** 2).sum()\n    loss.backward()\n"
    "    w = (1 - lr * wd) * w - lr * w.grad\n",
    # a helper that reads the .grad of a computed tensor through a local name
    "import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\nw = torch.tensor([0.5, -1.0], requires_grad=True)\n"
    "h = x * w\ny = h.sum()\ny.backward()\ndef show(t):\n    g = t.grad\n    print(g)\nshow(h)\n",
    # a helper given an expression, not a name: torch's warning says it all, no hint
    "import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\ndef report(t):\n    print(t.grad)\nreport(x * 2)\n",
    # a negated factory: -torch.rand(..., requires_grad=True) is computed
    "import torch\nw = -torch.rand(3, requires_grad=True)\n(w ** 2).sum().backward()\nw.grad\n",
    # the product of two leaves is an ordinary result, not a parameter built wrong: no hint
    "import torch\na = torch.tensor(2.0, requires_grad=True) * torch.tensor(3.0, requires_grad=True)\na.backward()\n",
    # two .grad read on one line, b's None (the loss forgot + b): the hint is about b, not the first read
    'import torch\nw = torch.tensor([1.0, -1.0], requires_grad=True)\nb = torch.zeros(1, requires_grad=True)\nX = torch.tensor([[1.0, 2.0], [3.0, 4.0]])\ny = torch.tensor([1.0, 2.0])\nloss = ((X @ w - y) ** 2).mean()\nloss.backward()\nprint(w.grad.norm(), b.grad.norm())\n',
    # a helper whose parameter has the global's name, called before backward: no other name to give
    'import torch\nw = torch.tensor([1.0, -1.0], requires_grad=True)\ndef step(w, lr):\n    w.data -= lr * w.grad\nstep(w, 0.1)\n',
    # a copy of a None .grad passed to a helper: the error is inside clip, not ours to explain there
    'import torch\nw = torch.tensor([1.0, -1.0], requires_grad=True)\ndef clip(g, c=1.0):\n    return g.clamp(-c, c)\ng = w.grad\nclip(g)\n',
    # a method rebinding self.w from its own .grad, next to a step counter it also rebinds
    'import torch\nclass LinReg:\n    def __init__(self):\n        self.w = torch.zeros(2, requires_grad=True)\n        self.steps = 0\n    def step(self, lr):\n        self.steps = self.steps + 1\n        self.w = self.w - lr * self.w.grad\nmodel = LinReg()\nX = torch.tensor([[1.0, 2.0], [3.0, 4.0]])\nfor i in range(2):\n    loss = ((X @ model.w - 1) ** 2).mean()\n    loss.backward()\n    model.step(0.1)\n',
    # an attribute's .grad before any backward
    'import torch\nclass LinReg:\n    def __init__(self):\n        self.w = torch.zeros(2, requires_grad=True)\nmodel = LinReg()\nprint(model.w.grad.norm())\n',
    # x = x.view(2, 2) rebinds the leaf's name (a post on leaves: x.view then x.grad)
    'import torch\nx = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)\nx = x.view(2, 2)\nout = x.sum()\nout.backward()\nprint(x.grad)\n',
    # .grad of a call's result: a fresh tensor, torch's warning is enough, no hint
    'import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\ny = torch.sigmoid(x).sum()\ny.backward()\ntorch.sigmoid(x).grad\n',
    # a helper looping over a list of tensors it is given, one of them computed
    'import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\nh = x * 3\n(h ** 2).sum().backward()\ndef report(params):\n    for p in params:\n        print(p.grad)\nreport([x, h])\n',
]
