"""Branch scripts for tutor/hints/rules/update.py (update-rebinds-name: an update that only rebinds a name)."""

SCRIPTS = [
    # D2L 3.2 style loop with a chained counter reset (running_loss = n = 0) and p = p - lr * p.grad inside a
    # loop over [w, b] nested in the epoch loop
    'import torch\nw = torch.randn(2, requires_grad=True)\nb = torch.zeros(1, requires_grad=True)\n'
    'X = torch.randn(8, 2)\ny = X @ torch.tensor([2.0, -3.4]) + 4.2\nlosses = []\nrunning_loss = n = 0\n'
    'for epoch in range(3):\n    loss = ((X @ w + b - y) ** 2).mean()\n    loss.backward()\n'
    '    losses.append(loss.item())\n    for p in [w, b]:\n        p = p - 0.03 * p.grad\n',
    # a functional step that returns the new w, and the caller rebinds w to it: the value leaves the helper, no hint
    'import torch\ndef sgd_step(w, lr):\n    w = w - lr * w.grad\n    return w\n'
    'w = torch.tensor([1.0, -2.0], requires_grad=True)\nloss = (w ** 2).sum()\nloss.backward()\n'
    'w = sgd_step(w, 0.1)\n',
    # the new p stored back into params[i]: the value is kept in the list, no rebinding hint
    'import torch\nw = torch.tensor([1.0, -2.0], requires_grad=True)\n'
    'b = torch.tensor(0.5, requires_grad=True)\nparams = [w, b]\nloss = (w ** 2).sum() + b ** 2\n'
    'loss.backward()\nfor i, p in enumerate(params):\n    p = p - 0.1 * p.grad\n    params[i] = p\n',
    # sgd(lr) looping over a global list params (not a parameter of sgd): the list is named by its own name
    'import torch\nw = torch.tensor([1.0, -2.0], requires_grad=True)\n'
    'b = torch.tensor(0.5, requires_grad=True)\nparams = [w, b]\ndef sgd(lr):\n    for p in params:\n'
    '        p = p - lr * p.grad\nloss = (w ** 2).sum() + b ** 2\nloss.backward()\nsgd(0.1)\n',
    # the whole update loop on one line: for p in [w, b]: p = p - 0.1 * p.grad
    'import torch\nw = torch.tensor([1.0, -2.0], requires_grad=True)\n'
    'b = torch.tensor(0.5, requires_grad=True)\nloss = (w ** 2).sum() + b ** 2\nloss.backward()\n'
    'for p in [w, b]: p = p - 0.1 * p.grad\n',
    # a train_step helper that rebinds its parameter w, then appends the loss to history (not w)
    'import torch\ndef train_step(w, X, y, lr, history):\n    loss = ((X @ w - y) ** 2).mean()\n'
    '    loss.backward()\n    w = w - lr * w.grad\n    history.append(loss.item())\n'
    'w = torch.tensor([1.0, -2.0], requires_grad=True)\nX = torch.randn(8, 2)\n'
    'y = X @ torch.tensor([2.0, -3.4])\nhistory = []\ntrain_step(w, X, y, 0.1, history)\n',
    # gradient norms logged before the update (grad_norms.append(p.grad.norm().item())): that reads the old p,
    # the new p is still dropped
    'import torch\nw = torch.tensor([1.0, -2.0], requires_grad=True)\n'
    'b = torch.tensor(0.5, requires_grad=True)\ngrad_norms = []\nloss = (w ** 2).sum() + b ** 2\n'
    'loss.backward()\nfor p in [w, b]:\n    grad_norms.append(p.grad.norm().item())\n'
    '    p = p - 0.1 * p.grad\n',
]

SCRIPTS += [
    # a loop variable rebound by the update: one hint (update-rebinds-name), not a second about p being computed
    "import torch\nw = torch.ones(2, requires_grad=True)\nb = torch.zeros(1, requires_grad=True)\n"
    "loss = (w.sum() + b).sum()\nloss.backward()\nfor p in [w, b]:\n    p = p - 0.1 * p.grad\n",
]
