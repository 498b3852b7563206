"""Snippets that raise the errors whose messages the lessons and hints quote or match.

`tests/test_quoted_messages.py` runs every snippet on the installed torch (2.13) and collects the
messages it really raises. Every PyTorch message quoted in lesson text or hint text, every
`raised(TYPE, "...")` fragment of a lesson and every phrase a hint rule matches with
`ctx.error_is(...)` must be found in one of them. When a lesson quotes a new message, add the
snippet that raises it here.

Each entry is (exception type, code); the code runs with `torch`, `np` and `math` imported.
"""

from __future__ import annotations

X = "x = torch.arange(4.0, requires_grad=True)\n"

SNIPPETS: list[tuple[str, str]] = [
    # norms (lesson norms)
    ("RuntimeError", "torch.linalg.norm(torch.ones(2, 3, 4), ord=2)"),
    ("RuntimeError", "torch.linalg.matrix_norm(torch.ones(3))"),
    # integer tensors: the two messages differ by how the flag is set
    ("RuntimeError", "torch.arange(4).requires_grad_()"),
    ("RuntimeError", "torch.arange(4, requires_grad=True)"),
    ("RuntimeError", "torch.tensor([1, 2], requires_grad=True)"),
    # .grad
    ("TypeError", X + "x.grad = 0"),
    ("AttributeError", X + "x.grad.zero_()"),
    ("AttributeError", X + "x.grad.data.zero_()"),  # older tutorials zero through .data
    ("AttributeError", X + "def loss_fn(t):\n    l = (t ** 2).sum()\nloss_fn(x).backward()"),  # no return
    # backward
    ("RuntimeError", X + "(x * x).backward()"),
    ("RuntimeError", X + "y = 2 * torch.dot(x, x)\ny.backward()\ny.backward()"),
    ("RuntimeError", "torch.arange(4.0).sum().backward()"),
    ("RuntimeError", X + "(x * x).backward(torch.ones(3))"),
    ("RuntimeError", X + "(x * x).backward(torch.ones(4, dtype=torch.complex64))"),
    # in-place changes
    ("RuntimeError", X + "y = x * x\nz = y * x\nu = y.detach()\nu[0] = 100.0\nz.sum().backward()"),
    ("RuntimeError", "x = torch.ones(2, requires_grad=True)\ny = x.exp()\ny.add_(1)\ny.sum().backward()"),
    ("RuntimeError", X + "x -= 1"),
    ("RuntimeError", X + "(x * 2).requires_grad_(False)"),
    # NumPy
    ("RuntimeError", X + "x.numpy()"),
    ("TypeError", "np.ones(2) @ torch.ones(2)"),
    # torch.autograd.grad
    ("RuntimeError", X + "w = torch.ones(4, requires_grad=True)\ntorch.autograd.grad((x * x).sum(), [x, w])"),
    ("RuntimeError", X + "torch.autograd.grad((x * x).sum(), [x, torch.ones(4)])"),
    ("AttributeError", X + "torch.autograd.grad((x * x).sum(), x).zero_()"),
    ("TypeError", X + "torch.autograd.grad((x * x).sum(), x) + 1"),
    ("TypeError", X + "torch.autograd.functional.hessian((x * x).sum(), x)"),
    # attributes called like methods (hint attribute-called)
    ("TypeError", X + "x.requires_grad()"),
    ("TypeError", X + "x.shape()"),
    ("AttributeError", X + "(x * 3).sum().item().backward()"),
    ("AttributeError", X + "x.argmax().item().backward()"),
    # control flow, printing, None
    ("RuntimeError", "bool(torch.ones(2) > 0)"),
    ("TypeError", "'{:.2f}'.format(torch.ones(2))"),
    ("TypeError", "torch.ones(2) + None"),
    # shapes and dtypes of products
    ("RuntimeError", "torch.ones(2, 3) @ torch.ones(2, 3)"),
    ("RuntimeError", "torch.ones(2, 3) @ torch.ones(3, 2, dtype=torch.float64)"),
    ("RuntimeError", "torch.ones(2) @ torch.ones(2, dtype=torch.float64)"),
    ("RuntimeError", "torch.dot(torch.ones(3), torch.ones(4))"),
    ("RuntimeError", "torch.dot(torch.ones(2, 2), torch.ones(2, 2))"),
    ("RuntimeError", "torch.mv(torch.ones(2, 3), torch.ones(4))"),
    ("RuntimeError", "torch.matmul(torch.tensor(1.0), torch.ones(2))"),
    # inference mode
    ("RuntimeError", "with torch.inference_mode():\n    w = torch.ones(2)\n"
                     "x = torch.ones(2, requires_grad=True)\n(w * x).sum().backward()"),
    ("RuntimeError", "with torch.inference_mode():\n    w = torch.ones(2)\nw.add_(1)"),
    ("RuntimeError", "with torch.inference_mode():\n    w = torch.ones(2)\nw.requires_grad_()"),
    # math.* on tensors
    ("ValueError", "math.exp(torch.ones(2))"),
    ("AttributeError", "x = torch.ones(2, requires_grad=True)\nmath.sin(x[0]).backward()"),
]
