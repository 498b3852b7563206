"""Branch scripts for tutor/hints/rules/compare.py: float equality, and x.grad compared with a derivative it
does not hold (several passes added up, a pass through a detached value)."""

SCRIPTS = [
    # D2L 3.4's accuracy: integer class labels compared with ==, correct code, no hint
    "import torch\ny_hat = torch.tensor([[0.1, 0.9], [0.8, 0.2]])\ny = torch.tensor([1, 1])\n"
    "(y_hat.argmax(dim=1) == y).float().mean()\n",
    # D2L 2.1.3's X == Y: two different float tensors, no .grad in it: no hint
    "import torch\nX = torch.arange(12, dtype=torch.float32).reshape((3, 4))\n"
    "Y = torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])\nX == Y\n",
    # backward inside a training-step helper, then a wrong hand derivative: no pass typed, no hint
    "import torch\nx = torch.arange(3.0, requires_grad=True)\n"
    "def train_step(x):\n    y = (x ** 3).sum()\n    y.backward()\ntrain_step(x)\nx.grad == 2 * x\n",
    # one pass, no detach, a wrong hand derivative (3x^2, not 2x): not this rule's to say
    "import torch\nx = torch.arange(3.0, requires_grad=True)\ny = (x ** 3).sum()\ny.backward()\nx.grad == 2 * x\n",
    # torch.autograd.grad before the detach example (D2L 2.5.3): the grad call is not a pass into x.grad
    "import torch\nx = torch.arange(4.0, requires_grad=True)\ny = x * x\n"
    "g, = torch.autograd.grad(y.sum(), x, retain_graph=True)\nu = y.detach()\nz = u * x\nz.sum().backward()\n"
    "x.grad == 3 * x ** 2\n",
    # passes after a zero_(), then another tensor's backward: two passes since the reset
    "import torch\nx = torch.arange(3.0, requires_grad=True)\n(x ** 2).sum().backward()\n"
    "x.grad.zero_()\n(x ** 2).sum().backward()\n(x ** 2).sum().backward()\n"
    "w = torch.ones(2, requires_grad=True)\n(w * 3).sum().backward()\nx.grad == 2 * x\n",
    # a loop of three backward passes without a reset, compared with one pass's derivative
    "import torch\nx = torch.arange(3.0, requires_grad=True)\nfor _ in range(3):\n    y = (x ** 2).sum()\n"
    "    y.backward()\nx.grad == 2 * x\n",
    # one pass before a loop of two: three in all
    "import torch\nx = torch.arange(3.0, requires_grad=True)\n(x ** 2).sum().backward()\n"
    "for _ in range(2):\n    (x ** 2).sum().backward()\nx.grad == 2 * x\n",
    # a loop whose passes are reset each time (optimizer-style), compared with a wrong value: no hint
    "import torch\nx = torch.arange(1.0, 4.0, requires_grad=True)\nfor _ in range(3):\n    x.grad = None\n"
    "    (x ** 3).sum().backward()\nx.grad == 2 * x\n",
    # the detached value used in the backward call itself, checked with allclose
    "import torch\nx = torch.arange(4.0, requires_grad=True)\ny = x * x\nu = y.detach()\n(u * x).sum().backward()\n"
    "torch.allclose(x.grad, 3 * x ** 2)\n",
    # the detached value used inside a helper that computes the output
    "import torch\nx = torch.arange(4.0, requires_grad=True)\ny = x * x\nu = y.detach()\n"
    "def f(x):\n    return u * x\nf(x).sum().backward()\nx.grad == 3 * x ** 2\n",
    # D2L 2.5.3's detach example checked with torch.equal against d(x^3)/dx
    "import torch\nx = torch.arange(4.0, requires_grad=True)\ny = x * x\nu = y.detach()\nz = u * x\n"
    "z.sum().backward()\ntorch.equal(x.grad, 3 * x ** 2)\n",
    # D2L's exercise checked with isclose: close everywhere, no hint
    "import torch\nx = torch.linspace(0.1, 10, 100, requires_grad=True)\n"
    "f = torch.log10(x ** 2) * torch.sin(x) + 1 / x\nf.sum().backward()\n"
    "hand = 2 / (x * torch.log(torch.tensor(10.0))) * torch.sin(x) + torch.log10(x ** 2) * torch.cos(x) - 1 / x ** 2\n"
    "torch.isclose(x.grad, hand).all()\n",
    # "were the gradients cleared?" after a loop that never clears them: compared with zeros, no ratio
    "import torch\nx = torch.arange(1.0, 4.0, requires_grad=True)\nfor _ in range(2):\n    (x ** 2).sum().backward()\n"
    "torch.equal(x.grad, torch.zeros(3))\n",
]
