"""Branch scripts for tutor/hints/rules/control.py: ambiguous truth values, tensor formats, runaway loops,
NaN through torch.where or sqrt."""

_LOSS = ("import torch\n"
         "def squared_loss(y_hat, y):\n    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2\n"
         "X = torch.randn(4, 2)\ny = torch.randn(4, 1)\nw = torch.zeros(2, 1, requires_grad=True)\n"
         "l = squared_loss(X @ w, y)\n")  # D2L 3.2: the loss per example, a (4, 1) tensor
_DOUBLING = "import torch\ndef f(a):\n    b = a * 2\n    while b.norm() < 1000:\n        b = b * 2\n    return b\n"

SCRIPTS = [
    # --- bool-ambiguous-control-flow -------------------------------------------------------------
    # ReLU written with Python's max (a common first try): max compares 0 with the whole tensor
    "import torch\nx = torch.tensor([-1.0, 0.5, 2.0], requires_grad=True)\n"
    "def relu(x):\n    return max(0, x)\n"
    "y = relu(x).sum()\n",
    # Python's min of two tensors, meant elementwise: torch.minimum
    "import torch\na = torch.tensor([1.0, 5.0])\nb = torch.tensor([3.0, 2.0])\nsmaller = min(a, b)\n",
    # a mask built with `and` (meant elementwise: &), outside any if
    "import torch\nx = torch.linspace(-2, 2, 5, requires_grad=True)\n"
    "mask = (x > -1) and (x < 1)\n",
    # `or` in a helper that builds a mask (| in the helper, shown whole)
    "import torch\ndef outside(x):\n    return (x < 0) or (x > 1)\n"
    "x = torch.tensor([-0.5, 0.5, 1.5])\nprint(x[outside(x)])\n",
    # `not` on a boolean tensor: ~
    "import torch\nx = torch.tensor([1.0, float('nan'), 3.0])\n"
    "ok = not torch.isnan(x)\n",
    # `not` on a float gradient in a helper (is it all zero?): ~ does not apply, words say .any()/.all()
    "import torch\ndef is_zero(g):\n    return not g\nw = torch.zeros(3, requires_grad=True)\n"
    "(w * 2).sum().backward()\nis_zero(w.grad)\n",
    # `if a and b` on tensors: and inside the condition, no torch.where rewrite (and asks for one value each)
    "import torch\nx = torch.tensor([-1.0, 0.5, 2.0], requires_grad=True)\n"
    "if x > 0 and x < 1:\n    y = x * 2\n",
    # D2L 2.5 check written as an assert: assert (...).all()
    "import torch\nx = torch.arange(4.0, requires_grad=True)\ny = 2 * torch.dot(x, x)\ny.backward()\n"
    "assert x.grad == 4 * x\n",
    # an if whose body has two statements: no one-line torch.where
    "import torch\nx = torch.tensor([-1.0, 0.5, 2.0], requires_grad=True)\n"
    "if x > 0:\n    y = x ** 2\n    print(y)\n",
    # if/elif/return in a helper: three cases, no two-way torch.where
    "import torch\nx = torch.tensor([-2.0, 0.5, 2.0], requires_grad=True)\n"
    "def clip(x):\n    if x > 1:\n        return torch.ones_like(x)\n    elif x < -1:\n        return -torch.ones_like(x)\n"
    "    return x\n"
    "y = clip(x)\n",
    # if/else whose else has two statements
    "import torch\nx = torch.tensor([-1.0, 0.5, 2.0], requires_grad=True)\n"
    "if x > 0:\n    y = x ** 2\nelse:\n    y = -x\n    print('negative')\n",
    # a piecewise nn.Module forward (a method: its name is not in the namespace)
    "import torch\nfrom torch import nn\n"
    "class Piecewise(nn.Module):\n    def forward(self, x):\n        if x > 0:\n            return x ** 2\n        return -x\n"
    "net = Piecewise()\nx = torch.randn(4, requires_grad=True)\nnet(x).sum().backward()\n",
    # the worst loss of a list of per-example loss vectors, by Python's max
    "import torch\nlosses = []\nfor epoch in range(2):\n    l = (torch.randn(4) - 1) ** 2\n    losses.append(l)\n"
    "worst = max(losses)\n",
    # sorted() of a list of gradient vectors
    "import torch\ngrads = [torch.randn(3) for _ in range(4)]\nranked = sorted(grads)\n",
    # list.index of a parameter (== between tensors inside list.index): no if, and, or, not
    "import torch\nw = torch.randn(3, requires_grad=True)\nb = torch.zeros(3, requires_grad=True)\nparams = [w, b]\n"
    "i = params.index(b)\n",
    # --- format-tensor (the loss per example printed like a number) ------------------------------
    # several fields, the spec on the second (the tensor), as in most training loops' prints
    _LOSS + "epoch = 0\nprint('epoch {}, loss {:.4f}'.format(epoch + 1, l))\n",
    # a keyword field
    _LOSS + "print('loss {loss:.3f}'.format(loss=l))\n",
    # explicit field numbers
    _LOSS + "print('{0}: {1:.3f}'.format('loss', l))\n",
    # one field, e notation (PINA tutorial's print of each loss)
    _LOSS + "print('loss {:.6e}'.format(l))\n",
    # fields filled from a dict: nothing names the tensor
    _LOSS + "metrics = {'loss': l}\nprint('loss {loss:.3f}'.format(**metrics))\n",
    # the builtin format() on a gradient of shape (2, 1)
    _LOSS + "l.sum().backward()\nprint(format(w.grad, '.2f'))\n",
    # two f-strings in one print: the field is in the second
    _LOSS + "epoch = 0\nprint(f'epoch {epoch + 1}', f'loss {l:.4f}')\n",
    # the template kept in a variable: its spec is read from the value
    _LOSS + "template = 'loss: {:.5f}'\nprint(template.format(l))\n",
    # a triple-quoted f-string: left alone
    _LOSS + 'print(f"""loss {l:.3f}""")\n',
    # a report helper: the value of t is not known, the vector's way is tried first, then flatten
    _LOSS + "def report(name, t):\n    print(f'{name}: {t:.3f}')\nreport('loss', l)\n",
    # the spec of format() kept in a variable: the variable is kept in the fix
    "import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\n(x ** 2).sum().backward()\nspec = '.2f'\n"
    "print(format(x.grad, spec))\n",
    # format() of an int first, then of the tensor: the tensor's call is the one
    "import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\nepoch = 3\nprint(format(epoch, 'd'), format(x, '.3f'))\n",
    # two .format calls, the first without a spec
    "import torch\nl = torch.tensor([0.5, 0.25])\nepoch = 1\nprint('epoch {}'.format(epoch), 'loss {:.3f}'.format(l))\n",
    # two specs: the learning rate (a float) and the loss vector
    "import torch\nl = torch.tensor([0.5, 0.25])\nlr = 0.03\nprint('lr {:.3f} loss {:.4f}'.format(lr, l))\n",
    # the template from argparse: not read, the first argument is the tensor
    "import argparse\nimport torch\nparser = argparse.ArgumentParser()\nparser.add_argument('--log', default='loss {:.4f}')\n"
    "args = parser.parse_args([])\nl = torch.tensor([0.5, 0.25])\nprint(args.log.format(l))\n",
    # a JSON-like line: escaped braces are text, the field is the one after them
    "import torch\nl = torch.tensor([0.5, 0.25])\nprint('{{\"loss\": {:.4f}}}'.format(l))\n",
    # arguments unpacked from a list: nothing names the tensor
    "import torch\ngrads = [torch.ones(2), torch.zeros(2)]\nprint('{:.2f} {:.2f}'.format(*grads))\n",
    # --- infinite-loop-control-flow --------------------------------------------------------------
    # a Python counter that is never increased: not a tensor condition, not this rule
    "import torch\nx = torch.ones(3, requires_grad=True)\ni = 0\nwhile i < 100:\n    y = (x * i).sum()\n",
    # D2L 2.5.4's loop in a helper with `b * 2` on its own line: nothing rebinds b
    "import torch\ndef f(a):\n    b = a * 2\n    while b.norm() < 1000:\n        b * 2\n    return b\n"
    "a = torch.randn(size=(), requires_grad=True)\nd = f(a)\n",
    # the same at top level
    "import torch\nb = torch.tensor(1.5, requires_grad=True)\nwhile b < 1000:\n    b * 2\n",
    # a loop that only prints: nothing assigns x
    "import torch\nx = torch.tensor([3.0, 4.0], requires_grad=True)\nstep = 0\n"
    "while x.norm() > 1:\n    step += 1\n    print(step, x.norm())\n",
    # halving in place until it underflows to 0: not stuck at 0 from the start
    "import torch\nb = torch.tensor(1.5)\nwhile b < 1000:\n    b.mul_(0.5)\n",
    # zero from an unpacked literal: stuck at 0, no edit of the tuple
    "import torch\nw, b = torch.zeros(2), torch.zeros(())\nwhile b.abs() < 1:\n    b = b * 2\n",
    # zero from a helper's unpacked result: its start cannot be told
    "import torch\ndef init_params():\n    return torch.zeros(2), torch.zeros(())\nw, b = init_params()\n"
    "while b.abs() < 1:\n    b = b * 2\n",
    # torch.linalg.vector_norm in the condition (a torch attribute, not a listed call)
    "import torch\nc = torch.zeros(3)\nwhile torch.linalg.vector_norm(c) < 10:\n    c = 2 * c\n",
    # gradient ascent by a sign slip (the derivative by hand): the loss grows, the loop never ends
    "import torch\nw = torch.tensor(5.0)\nloss = (w - 3) ** 2\n"
    "while loss > 1e-4:\n    grad = 2 * (w - 3)\n    w = w + 0.1 * grad\n    loss = (w - 3) ** 2\n",
    # the zero start made in the same input (a script's main block)
    _DOUBLING + "if __name__ == '__main__':\n    a = torch.zeros(size=(), requires_grad=True)\n    d = f(a)\n"
    "    d.backward()\n",
    # the zero start written in the call
    _DOUBLING + "d = f(torch.zeros(3, requires_grad=True))\n",
    # an in-place helper called on the zero start: it is passed b, so b may change; b is 0
    "import torch\ndef grow(t):\n    t.mul_(2)\nb = torch.zeros(3)\nwhile b.norm() < 1000:\n    grow(b)\n",
    # the start made 0 by an augmented assignment: how it started cannot be told
    "import torch\nc = torch.ones(3)\nc -= 1\nwhile c.norm() < 10:\n    c = c * 2\n",
    # --- where-nan-gradient ----------------------------------------------------------------------
    # sinc by torch.where: the division by x in the branch unused at 0
    "import torch\nx = torch.linspace(-1, 1, 5, requires_grad=True)\n"
    "y = torch.where(x != 0, torch.sin(x) / x, torch.ones_like(x))\ny.sum().backward()\nx.grad\n",
    # a fractional power in the used branch
    "import torch\nx = torch.tensor([-1.0, 0.0, 4.0], requires_grad=True)\n"
    "y = torch.where(x > 0, x ** 0.5, torch.zeros_like(x))\ny.sum().backward()\n",
    # log and a division by a number: the log is the danger
    "import torch\nx = torch.tensor([1.0, 3.0], requires_grad=True)\n"
    "y = torch.where(x > 1, torch.log(x - 1) / 2, x / 2)\ny.sum().backward()\n",
    # safe branches: no NaN, no hint
    "import torch\nx = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)\n"
    "y = torch.where(x > 0, x ** 2, x / 2)\ny.sum().backward()\nx.grad\n",
    # backward in a training-step helper: the where is found in the helper
    "import torch\nx = torch.tensor([0.0, 1.0], requires_grad=True)\n"
    "def step():\n    loss = torch.where(x > 0, torch.log(x), torch.zeros_like(x)).sum()\n    loss.backward()\nstep()\n",
    # row norms by sqrt of a sum over dim=1, a zero row: vector_norm over the same dim
    "import torch\nX = torch.tensor([[3.0, 4.0], [0.0, 0.0]], requires_grad=True)\n"
    "norms = torch.sqrt((X ** 2).sum(dim=1))\nnorms.sum().backward()\nX.grad\n",
    # abs written as sqrt(t ** 2) in a helper: clamp
    "import torch\nx = torch.tensor([-2.0, 0.0, 3.0], requires_grad=True)\n"
    "def my_abs(t):\n    return torch.sqrt(t ** 2)\nmy_abs(x).sum().backward()\n",
    # a length by .sqrt() as a method
    "import torch\nv = torch.zeros(3, requires_grad=True)\nlength = (v ** 2).sum().sqrt()\nlength.backward()\n",
    # log as a method in the used branch
    "import torch\nx = torch.tensor([0.0, 2.0], requires_grad=True)\n"
    "y = torch.where(x > 0, x.log(), torch.zeros_like(x))\ny.sum().backward()\n",
    # the branch is a helper of the learner's (a log inside): its input made safe
    "import torch\ndef safe_log(t):\n    return torch.log(t)\nx = torch.tensor([0.0, 2.0], requires_grad=True)\n"
    "y = torch.where(x > 0, safe_log(x), torch.zeros_like(x))\ny.sum().backward()\n",
]
