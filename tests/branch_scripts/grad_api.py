"""Branch scripts for tutor/hints/rules/grad_api.py (torch.autograd.grad's tuple, allow_unused, the gradient= seed)."""

SCRIPTS = [
    # the tuple of torch.autograd.grad scaled by a learning rate: 0.1 * grads raises "can't multiply sequence by
    # non-int of type 'float'" (no 'tuple' in the message)
    'import torch\nw = torch.tensor([1.0, -1.0], requires_grad=True)\nloss = (w ** 2).sum()\n'
    'grads = torch.autograd.grad(loss, w)\nw_new = w - 0.1 * grads\n',
    # a grad helper returning torch.autograd.grad's tuple, used in a descent loop: the fix unpacks where g is made
    'import torch\ndef grad_of(f, x):\n    x = x.detach().requires_grad_(True)\n'
    '    return torch.autograd.grad(f(x), x)\nx = torch.tensor([1.0, 2.0])\nfor step in range(3):\n'
    '    g = grad_of(lambda t: (t ** 2).sum(), x)\n    x = x - 0.1 * g\n',
    # the same loop written right (grads[0] under no_grad): no hint
    'import torch\nw = torch.tensor([1.0, -1.0], requires_grad=True)\nfor step in range(3):\n'
    '    loss = (w ** 2).sum()\n    grads = torch.autograd.grad(loss, w)\n    with torch.no_grad():\n'
    '        w -= 0.1 * grads[0]\n',
    # the seed given as gradient= (a keyword) with the wrong shape
    'import torch\nx = torch.arange(3.0, requires_grad=True)\ny = x ** 2\n'
    'y.backward(gradient=torch.ones(2))\n',
    # an annotated assignment dx: tuple = torch.autograd.grad(...): no statement to splice, the words say how to unpack
    'import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\ny = (x ** 3).sum()\n'
    'dx: tuple = torch.autograd.grad(y, x)\ndx.norm()\n',
    # torch.autograd imported as ag: ag.grad is not recognised as torch.autograd.grad, the hint stays general
    'import torch\nimport torch.autograd as ag\nx = torch.tensor(1.0, requires_grad=True)\n'
    'z = torch.tensor(2.0, requires_grad=True)\ny = x ** 2\ndx, dz = ag.grad(y, [x, z])\n',
    # torch.autograd.grad(y, x, grad_outputs=torch.ones(2)): the seed is grad_outputs= (not y, the first
    # argument); the fix keeps the learner's unpacking dx, = ...
    'import torch\nx = torch.arange(3.0, requires_grad=True)\ny = x ** 2\n'
    'dx, = torch.autograd.grad(y, x, grad_outputs=torch.ones(2))\n',
    # torch.autograd.backward(y, torch.ones(2)): the seed is the second positional argument
    'import torch\nx = torch.arange(3.0, requires_grad=True)\ny = x ** 2\ntorch.autograd.backward(y, torch.ones(2))\n',
    # torch.autograd.backward(y, grad_tensors=torch.ones(1, 3)): the seed by its keyword
    'import torch\nx = torch.arange(3.0, requires_grad=True)\ny = x ** 2\n'
    'torch.autograd.backward(y, grad_tensors=torch.ones(1, 3))\n',
]
