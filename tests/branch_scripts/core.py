"""Branch scripts for the pieces every rule shares (tutor/hints/context.py, reach.py, fixes.py)."""

SCRIPTS = [
    # a grad-mode context named in full: the block still records nothing
    "import torch\nx = torch.ones(3, requires_grad=True)\n"
    "with torch.autograd.grad_mode.no_grad():\n    y = (x * 2).sum()\ny.backward()\n",
    # recording switched back on by set_grad_enabled(True) inside no_grad: correct code, no hint
    "import torch\nx = torch.ones(3, requires_grad=True)\n"
    "with torch.no_grad():\n    with torch.set_grad_enabled(True):\n        y = (x * 2).sum()\ny.backward()\nprint(x.grad)\n",
    # a loss helper decorated with @torch.no_grad() (copied from an evaluation function): its result has no graph
    "import torch\nw = torch.randn(3, requires_grad=True)\nX = torch.randn(5, 3)\n"
    "@torch.no_grad()\ndef loss_fn(w, X):\n    return ((X @ w) ** 2).mean()\n"
    "loss = loss_fn(w, X)\nloss.backward()\n",
    # the same with inference_mode, and a keyword argument at the call
    "import torch\nw = torch.randn(3, requires_grad=True)\nX = torch.randn(5, 3)\n"
    "@torch.inference_mode()\ndef predict(X, w):\n    return X @ w\n"
    "loss = predict(X=X, w=w).sum()\nloss.backward()\n",
    # @torch.inference_mode(False) records: correct code
    "import torch\nw = torch.randn(3, requires_grad=True)\n"
    "@torch.inference_mode(False)\ndef f(w):\n    return (w * 2).sum()\nf(w).backward()\nprint(w.grad)\n",
    # @torch.enable_grad() on a helper: recording is on, correct code
    "import torch\nw = torch.randn(3, requires_grad=True)\n"
    "@torch.enable_grad()\ndef f(w):\n    return (w ** 2).sum()\nf(w).backward()\nprint(w.grad)\n",
    # a model class whose loss is a staticmethod that turns the prediction into numpy
    "import torch\nimport numpy as np\n"
    "class Model:\n    def __init__(self):\n        self.w = torch.randn(3, requires_grad=True)\n"
    "    @staticmethod\n    def loss(pred):\n        return np.mean(pred.numpy() ** 2)\n"
    "    def forward(self, X):\n        return X @ self.w\n"
    "m = Model()\nX = torch.randn(4, 3)\nm.loss(m.forward(X))\n",
    # a classmethod helper that calls backward twice on one graph
    "import torch\n"
    "class Trainer:\n    @classmethod\n    def step(cls, loss):\n        loss.backward()\n        loss.backward()\n"
    "w = torch.randn(3, requires_grad=True)\nTrainer.step((w * 2).sum())\n",
    # a method that updates its own weight in place while it requires grad
    "import torch\n"
    "class Linear:\n    def __init__(self):\n        self.w = torch.randn(3, requires_grad=True)\n"
    "    def step(self, lr):\n        self.w -= lr * self.w.grad\n"
    "net = Linear()\n(net.w * 2).sum().backward()\nnet.step(0.1)\n",
]
