"""Branch scripts for tutor/hints/rules/backward.py (no grad_fn, a second backward, a non-scalar output,
inference tensors, requires_grad flags, a gradient of a gradient)."""

SCRIPTS = [
    # D2L 2.5: requires_grad switched on by assignment after y was computed (y keeps grad_fn None)
    "import torch\nx = torch.arange(4.0)\ny = 2 * torch.dot(x, x)\nx.requires_grad = True\ny.backward()\n",
    # D2L 2.5 with an integer arange: the fix makes the numbers floats as well as requiring grad
    "import torch\nx = torch.arange(4)\ny = 2 * torch.dot(x, x)\ny.backward()\n",
    # a leaf from NumPy: torch.from_numpy takes no requires_grad=, switched on with .requires_grad_()
    "import numpy as np\nimport torch\nx = torch.from_numpy(np.linspace(0, 1, 5))\ny = (x ** 2).sum()\ny.backward()\n",
    # D2L 2.3: a matrix made by arange(...).reshape(...) (not a factory call of its own) never required grad
    "import torch\nA = torch.arange(20, dtype=torch.float32).reshape(5, 4)\ny = A.sum()\ny.backward()\n",
    # one element of a result computed under inference_mode: the statement in the block is named
    "import torch\nx = torch.ones(3, requires_grad=True)\nwith torch.inference_mode():\n    y = x * 2\ny[0].backward()\n",
    # losses evaluated under inference_mode, then trained on in a loop: the loop variable is an inference tensor
    "import torch\nw = torch.randn(3, requires_grad=True)\nxs = [torch.randn(3) for _ in range(4)]\n"
    "with torch.inference_mode():\n    losses = [(w @ x) ** 2 for x in xs]\nfor loss in losses:\n    loss.backward()\n",
    # grad mode switched off through a flag variable (torch.set_grad_enabled(is_training)), on again at the end
    "import torch\nis_training = False\ntorch.set_grad_enabled(is_training)\nw = torch.randn(3, requires_grad=True)\n"
    "loss = (w ** 2).sum()\nloss.backward()\ntorch.set_grad_enabled(True)\n",
    # math.sin on a tensor inside torch.tensor(...): the chain is cut twice
    "import math\nimport torch\nx = torch.tensor(1.0, requires_grad=True)\ny = torch.tensor(math.sin(x))\ny.backward()\n",
    # a detached copy used where the gradient should flow
    "import torch\nx = torch.arange(4.0, requires_grad=True)\ny = x.detach() ** 2\ny.sum().backward()\n",
    # a second backward through an expression of the output ((loss * 2).backward())
    "import torch\nx = torch.tensor(2.0, requires_grad=True)\nloss = x ** 3\nloss.backward()\n(loss * 2).backward()\n",
    # torch.sum(y) twice: y is the graph to compute again
    "import torch\nx = torch.arange(4.0, requires_grad=True)\ny = x ** 2\ntorch.sum(y).backward()\ntorch.sum(y).backward()\n",
    # torch.autograd imported as ag: the call is not recognised, the hints stay general
    "import torch\nimport torch.autograd as ag\nx = torch.arange(3.0, requires_grad=True)\ny = x ** 2\nag.grad(y, x)\n",
    "import torch\nimport torch.autograd as ag\nx = torch.arange(3.0)\ny = (x ** 2).sum()\nag.grad(y, x)\n",
    "import torch\nimport torch.autograd as ag\nx = torch.tensor(3.0, requires_grad=True)\nloss = x ** 2\nag.grad(loss, x)\n"
    "ag.grad(loss, x)\n",
    # a Jacobian row by row: each row of Y is still a vector (the loop variable has no assignment)
    "import torch\nX = torch.randn(2, 3, requires_grad=True)\nY = X * 2\nfor row in Y:\n    row.backward()\n",
    # torch.autograd.backward on a vector: the fix sums it inside the call
    "import torch\nx = torch.arange(3.0, requires_grad=True)\ny = x * 2\ntorch.autograd.backward(y)\n",
    # two losses sharing y, one backward each (discuss.pytorch.org): the first pass's gradients are kept
    "import torch\nw = torch.randn(3, requires_grad=True)\nx = torch.randn(3)\nfor epoch in range(3):\n    y = w * x\n"
    "    loss1 = y.sum()\n    loss2 = (y ** 2).sum()\n    loss1.backward()\n    loss2.backward()\n",
    # a shared part computed before the loop, the backward in a helper: no edit in the helper's input
    "import torch\nw = torch.randn(3, requires_grad=True)\nx = torch.randn(3)\nh = torch.tanh(w * x)\n"
    "def train_step(loss):\n    loss.backward()\nfor epoch in range(3):\n    loss = (h ** 2).sum()\n    train_step(loss)\n",
    # the same with torch.autograd.grad (no .grad to reset)
    "import torch\nx = torch.linspace(0, 1, 5, requires_grad=True)\nh = torch.sin(x)\nfor k in range(1, 4):\n"
    "    y = (h ** k).sum()\n    (g,) = torch.autograd.grad(y, x)\n    print(k, g)\n",
    # D2L linear regression from scratch with the prediction made once, before the loop: retain_graph=True
    # would fail at the second step (the update changed w, which the graph saved), out is built in the loop
    "import torch\nw = torch.randn(3, 1, requires_grad=True)\nX = torch.randn(8, 3)\nt = torch.randn(8, 1)\nout = X @ w\n"
    "for epoch in range(2):\n    loss = ((out - t) ** 2).mean()\n    loss.backward()\n    with torch.no_grad():\n"
    "        w -= 0.1 * w.grad\n        w.grad.zero_()\n",
    # the network's output computed once, the loss's backward repeated in a loop with no update: retain_graph=True
    "import torch\nnet = torch.nn.Linear(3, 1)\nX = torch.randn(8, 3)\nt = torch.randn(8, 1)\ncriterion = torch.nn.MSELoss()\n"
    "out = net(X)\nfor epoch in range(2):\n    criterion(out, t).backward()\n",
    # a helper that runs out.sum().backward(), called twice on the same out
    "import torch\nw = torch.randn(3, requires_grad=True)\ndef backprop(out):\n    out.sum().backward()\nout = w * 2\n"
    "backprop(out)\nbackprop(out)\n",
    # the pass in a method (its name is not in the namespace)
    "import torch\nclass Model:\n    def __init__(self):\n        self.w = torch.randn(3, requires_grad=True)\n"
    "    def step(self, loss):\n        loss.backward()\nm = Model()\nloss = (m.w ** 2).sum()\nm.step(loss)\nm.step(loss)\n",
    # a helper differentiating (a + b)
    "import torch\nw = torch.randn(3, requires_grad=True)\ndef backprop(a, b):\n    (a + b).backward()\n"
    "l1 = (w ** 2).sum()\nl2 = w.sum()\nbackprop(l1, l2)\nbackprop(l1, l2)\n",
    # a helper called with an expression (h.sum()), twice
    "import torch\nw = torch.randn(3, requires_grad=True)\ndef backprop(loss):\n    loss.backward()\nh = torch.exp(w)\n"
    "backprop(h.sum())\nbackprop(h.sum())\n",
    # a loss written over two lines, differentiated twice
    "import torch\nw = torch.randn(3, requires_grad=True)\nb = torch.zeros(1, requires_grad=True)\n"
    "loss = ((w ** 2).sum()\n        + (b ** 2).sum())\nloss.backward()\nloss.backward()\n",
    # f'' by x.grad.backward() after (x ** 3).backward(create_graph=True): the output is an expression
    "import torch\nx = torch.tensor(2.0, requires_grad=True)\n(x ** 3).backward(create_graph=True)\nx.grad.backward()\n"
    "print(x.grad)\n",
    # no_grad on one line with its body
    "import torch\nx = torch.ones(3, requires_grad=True)\nwith torch.no_grad(): y = (x * 2).sum()\ny.backward()\n",
    # no_grad with a comment after its colon
    "import torch\nx = torch.ones(3, requires_grad=True)\nwith torch.no_grad():  # no tracking here\n    y = (x * 2).sum()\n"
    "y.backward()\n",
    # partial derivatives of z = xy + y^2 with x, y made in one unpacking line, without requires_grad
    "import torch\nx, y = torch.tensor(1.0), torch.tensor(2.0)\nz = x * y + y ** 2\nz.backward()\nprint(x.grad, y.grad)\n",
    # derivatives at several points, the points taken by a for loop over a plain tensor (no assignment to edit)
    "import torch\nfor x in torch.tensor([0.5, 1.0, 2.0]):\n    y = x ** 3\n    y.backward()\n    print(x.grad)\n",
    # f'' by x.grad.backward() where y was built with += (its assignment cannot be repeated on its own)
    "import torch\nx = torch.tensor(1.0, requires_grad=True)\ny = x ** 3\ny += torch.sin(x)\ny.backward(create_graph=True)\n"
    "x.grad.backward()\nprint(x.grad)\n",
]

SCRIPTS += [
    # linear regression without requires_grad on the parameters (D2L 3.2's set-up, typed by hand): the data
    # X, y and the parameters w, b all feed the loss; only w and b are to be switched on, both of them
    "import torch\nX = torch.randn(5, 2)\ny = torch.randn(5)\nw, b = torch.zeros(2), torch.zeros(1)\n"
    "loss = ((X @ w + b - y) ** 2).mean()\nloss.backward()\n",
    # the same with the parameters made in two inputs and a model helper: one fix edits both inputs
    "import torch\nX = torch.normal(0, 1, (10, 2))\ny = X @ torch.tensor([2.0, -3.4]) + 4.2\n"
    "w = torch.normal(0, 0.01, size=(2,))\nb = torch.zeros(1)\ndef linreg(X, w, b):\n    return X @ w + b\n"
    "l = ((linreg(X, w, b) - y) ** 2 / 2).sum()\nl.backward()\n",
    # two plain tensors and no name that reads as a parameter: which one is wanted is the learner's call (words)
    "import torch\nx = torch.tensor(2.0)\nz = torch.tensor(3.0)\nout = x * z\nout.backward()\n",
]
