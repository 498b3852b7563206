"""Branch scripts for the pieces every rule shares (tutor/hints/context.py, reach.py, fixes.py)."""

SCRIPTS = [
    # a grad-mode context named in full: the block still records nothing
    "import torch\nx = torch.ones(3, requires_grad=True)\n"
    "with torch.autograd.grad_mode.no_grad():\n    y = (x * 2).sum()\ny.backward()\n",
    # recording switched back on by set_grad_enabled(True) inside no_grad: correct code, no hint
    "import torch\nx = torch.ones(3, requires_grad=True)\n"
    "with torch.no_grad():\n    with torch.set_grad_enabled(True):\n        y = (x * 2).sum()\ny.backward()\nprint(x.grad)\n",
]
