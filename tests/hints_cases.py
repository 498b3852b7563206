"""Triggering scripts for every hint id: the catalog's trigger (from autograd-mistakes.md) and our own.

Each case is (id, script, options). The script is cut into inputs like `autograd-tutor run` does;
the LAST input must get the hint `id` first, and no earlier input may get any hint.
Options: timeout (seconds per input, for runaway loops).
"""

CASES = [
    # 1
    ("double-backward", "x = torch.tensor(2.0, requires_grad=True)\ny = x * x; y.backward(); y.backward()", {}),
    ("double-backward", "x = torch.arange(4.0, requires_grad=True)\ny = 2 * torch.dot(x, x)\ny.backward()\n"
                        "x.grad.zero_()\ny.backward()", {}),
    ("double-backward", "x = torch.tensor([1.0, 2.0], requires_grad=True)\nh = torch.exp(x)\n"
                        "for step in range(2):\n    loss = (h * 3).sum()\n    loss.backward()", {}),
    # 2
    ("non-scalar-backward", "x = torch.arange(2.0)\nx.requires_grad_(True)\ny = 3*torch.dot(x,x) + 5*torch.exp(x)\n"
                            "y.backward()", {}),
    ("non-scalar-backward", "x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\n(x ** 2).backward()", {}),
    ("non-scalar-backward", "x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\n"
                            "torch.autograd.grad(x ** 2, x)", {}),
    # 3
    ("backward-no-grad-fn", "x = torch.tensor([1., 2., 3.])\n(x ** 2).sum().backward()", {}),
    ("backward-no-grad-fn", "x = torch.arange(4.0)\ny = 2 * torch.dot(x, x)\ny.backward()", {}),
    ("backward-no-grad-fn", "x = torch.tensor([1.0, 3.0, 2.0], requires_grad=True)\nx.argmax().backward()", {}),
    # 4
    ("int-requires-grad", "x = torch.arange(4)\nx.requires_grad_()", {}),
    ("int-requires-grad", "x = torch.tensor([1, 2, 3], requires_grad=True)", {}),
    ("int-requires-grad", "x = torch.arange(4)\nx.requires_grad = True", {}),
    # 5
    ("grad-none-before-backward", "x = torch.ones(3, requires_grad=True)\nprint_me = x.grad * 2", {}),
    ("grad-none-before-backward", "x = torch.ones(3, requires_grad=True)\nw = torch.ones(3, requires_grad=True)\n"
                                  "(w * 2).sum().backward()\nx.grad", {}),
    ("grad-none-before-backward", "x = torch.arange(3.0, requires_grad=True)\nx.grad.item()", {}),
    ("grad-none-before-backward", "x = torch.ones(3, requires_grad=True)\ny = (x ** 2).sum()\nx.grad * 2", {}),
    # 6
    ("nonleaf-grad-access", "x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = x * 3\n"
                            "(y ** 2).sum().backward()\n(x.grad, y.grad)", {}),
    ("nonleaf-grad-access", "x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = x * 3\n"
                            "(y ** 2).sum().backward()\ny.retain_grad()\ny.grad", {}),
    ("nonleaf-grad-access", "a = torch.ones(2, requires_grad=True)\nb = a.exp()\nb.sum().backward()\nprint(b.grad)", {}),
    # 7
    ("grad-accumulation", "x = torch.tensor(3.0, requires_grad=True)\ny = x ** 2\ny.backward(retain_graph=True)\n"
                          "first = x.grad.clone()\ny.backward()", {}),
    ("grad-accumulation", "x = torch.tensor(1.0, requires_grad=True)\ngrads = []\nfor step in range(3):\n"
                          "    y = x ** 2\n    y.backward()\n    grads.append(x.grad.item())", {}),
    ("grad-accumulation", "x = torch.tensor(2.0, requires_grad=True)\ny = x + 1\ny.backward()\ny.backward()", {}),
    # 8
    ("inplace-on-leaf", "x = torch.ones(3, requires_grad=True)\nx += 1", {}),
    ("inplace-on-leaf", "x = torch.ones(3, requires_grad=True)\nx[0] = 5", {}),
    ("inplace-on-leaf", "w = torch.tensor([1.0, -2.0], requires_grad=True)\n(w ** 2).sum().backward()\n"
                        "w -= 0.1 * w.grad", {}),
    # 9
    ("inplace-saved-tensor", "x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\ny = x.exp()\ny += 1\n"
                             "y.sum().backward()", {}),
    ("inplace-saved-tensor", "x = torch.tensor([1.0, 2.0], requires_grad=True)\na = x * 2\nb = a * a\n"
                             "a.mul_(10)\nb.sum().backward()", {}),
    ("inplace-saved-tensor", "x = torch.tensor([0.5, -1.0], requires_grad=True)\ns = torch.sigmoid(x)\n"
                             "s[0] = 0.0\ns.sum().backward()", {}),
    # 10
    ("numpy-on-requires-grad", "x = torch.linspace(0, 1, 5, requires_grad=True)\nx.numpy()", {}),
    ("numpy-on-requires-grad", "x = torch.linspace(0, 1, 5, requires_grad=True)\nnp.sin(x)", {}),
    ("numpy-on-requires-grad", "x = torch.tensor([1.0, 2.0], requires_grad=True)\nx * np.array([1.0, 2.0])", {}),
    # 11
    ("plot-requires-grad-tensor", "x = torch.linspace(0, 3, 5, requires_grad=True)\ny = x ** 2\n"
                                  "def plot_like_matplotlib(xs, ys):\n    return np.asarray(xs), np.asarray(ys)\n"
                                  "plot_like_matplotlib(x, y)", {}),
    ("plot-requires-grad-tensor", "import plotext as plt\nx = torch.linspace(0, 3, 5, requires_grad=True)\n"
                                  "y = x ** 2\nplt.plot(x, y)", {}),
    # 12
    ("math-module-on-tensor", "x = torch.tensor(1.0, requires_grad=True)\ny = math.sin(x)\ny.backward()", {"earlier": True}),
    ("math-module-on-tensor", "x = torch.tensor([0.5, 1.0], requires_grad=True)\nmath.sin(x)", {}),
    ("math-module-on-tensor", "x = torch.tensor(1.0, requires_grad=True)\ny = x ** 2 + math.sin(x)", {}),
    ("math-module-on-tensor", "x = torch.tensor(2.0, requires_grad=True)\ndef f(t):\n    return t * math.exp(t)\n"
                              "y = f(x)", {}),
    # 13
    ("sympy-on-tensor", "import sympy\nx = torch.tensor(1.0, requires_grad=True)\ny = sympy.sin(x)\ny.backward()", {"earlier": True}),
    ("sympy-on-tensor", "import sympy\ns = sympy.Symbol('x')\nf = sympy.lambdify(s, sympy.sin(s) ** 2)\n"
                        "f(torch.linspace(0, 1, 3, requires_grad=True))", {}),
    ("sympy-on-tensor", "import sympy as sp\nx = torch.tensor(0.5, requires_grad=True)\ny = sp.exp(x)", {}),
    # 14
    ("float-equality-check", "x = torch.linspace(0.1, 10, 100, requires_grad=True)\n"
                             "y = torch.log10(x ** 2) * torch.sin(x) + 1 / x\ny.sum().backward()\n"
                             "with torch.no_grad():\n    hand = (2 / (x * math.log(10))) * torch.sin(x) + "
                             "torch.log10(x ** 2) * torch.cos(x) - 1 / x ** 2\n(x.grad == hand).all()", {}),
    ("float-equality-check", "x = torch.linspace(0.1, 3, 30, requires_grad=True)\ny = torch.exp(x) * torch.sin(x)\n"
                             "y.sum().backward()\nhand = torch.exp(x.detach()) * (torch.sin(x.detach()) + "
                             "torch.cos(x.detach()))\nx.grad == hand", {}),
    # 15
    ("dot-matmul-shapes", "A = torch.ones(2, 3, requires_grad=True)\ntorch.dot(A, A)", {}),
    ("dot-matmul-shapes", "A = torch.ones(2, 3, requires_grad=True)\nA @ A", {}),
    ("dot-matmul-shapes", "x = torch.ones(3, requires_grad=True)\nx @ torch.ones(4)", {}),
    # 16
    ("mixed-dtype-op", "torch.dot(torch.arange(3), torch.ones(3, requires_grad=True))", {}),
    ("mixed-dtype-op", "A = torch.from_numpy(np.ones((2, 2)))\nW = torch.ones(2, 2, requires_grad=True)\nA @ W", {}),
    # 17
    ("grad-of-grad-no-create-graph", "x = torch.tensor(2.0, requires_grad=True)\n(dy,) = torch.autograd.grad(x**3, x)\n"
                                     "torch.autograd.grad(dy, x)", {}),
    ("grad-of-grad-no-create-graph", "x = torch.tensor(2.0, requires_grad=True)\ny = x ** 3\ny.backward()\n"
                                     "x.grad.backward()", {}),
    ("grad-of-grad-no-create-graph", "x = torch.tensor(2.0, requires_grad=True)\ny = x ** 3\n"
                                     "y.backward(create_graph=True)\nx.grad.backward()", {"earlier": True}),
    # 18
    ("requires-grad-too-late", "x = torch.tensor(2.0)\ny = x ** 2\nx.requires_grad_(True)\ny.backward()", {}),
    ("requires-grad-too-late", "x = torch.arange(3.0)\ny = (x * x).sum()\nx = torch.arange(3.0, requires_grad=True)\n"
                               "y.backward()", {}),
    # 19
    ("item-breaks-graph", "x = torch.tensor(2.0, requires_grad=True)\ndef f(t):\n    return torch.tensor(t.item() ** 2)\n"
                          "f(x).backward()", {}),
    ("item-breaks-graph", "x = torch.tensor(2.0, requires_grad=True)\ny = x * x.item()", {}),
    ("item-breaks-graph", "x = torch.tensor(2.0, requires_grad=True)\nv = torch.tensor([x ** 2, x ** 3])", {}),
    ("item-breaks-graph", "x = torch.tensor(3.0, requires_grad=True)\ny = torch.tensor(float(x) ** 2)\ny.backward()", {}),
    # 20
    ("grad-zero-none", "x = torch.tensor(1.0, requires_grad=True)\nx.grad.zero_()", {}),
    ("grad-zero-none", "w = torch.ones(2, requires_grad=True)\nfor step in range(2):\n    w.grad.zero_()\n"
                       "    (w * 3).sum().backward()", {}),
    # 21
    ("detach-semantics", "x = torch.arange(4.0, requires_grad=True)\ny = x * x\nu = y.detach()\nz = u * x\n"
                         "z.sum().backward()\nx.grad == 3 * x ** 2", {}),
    ("detach-semantics", "x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = x.exp()\nu = y.detach()\nu.zero_()\n"
                         "y.sum().backward()", {}),
    ("detach-semantics", "x = torch.arange(3.0, requires_grad=True)\ny = x ** 2\nu = y.detach()\n"
                         "(u * x).sum().backward()\ntorch.allclose(x.grad, 3 * x ** 2)", {}),
    # 22
    ("infinite-loop-control-flow", "def f(a):\n    b = a * 2\n    while b.norm() < 1000:\n        b = b * 2\n"
                                   "    if b.sum() > 0:\n        c = b\n    else:\n        c = 100 * b\n    return c\n"
                                   "a = torch.zeros(size=(), requires_grad=True)\nd = f(a)", {"timeout": 0.3}),
    ("infinite-loop-control-flow", "x = torch.tensor(0.0)\nwhile x.abs() < 1:\n    x = x * 3", {"timeout": 0.3}),
    # 23
    ("no-grad-then-backward", "x = torch.tensor([1.0, 2.0], requires_grad=True)\nwith torch.no_grad():\n"
                              "    y = (x ** 2).sum()\ny.backward()", {}),
    ("no-grad-then-backward", "x = torch.tensor([1.0, 2.0], requires_grad=True)\nwith torch.no_grad():\n"
                              "    h = x * 2\nloss = (h ** 2).sum()\nloss.backward()", {}),
    # 24
    ("inference-mode-backward", "x = torch.tensor([1.0, 2.0], requires_grad=True)\nwith torch.inference_mode():\n"
                                "    y = (x ** 2).sum()\ny.backward()", {}),
    ("inference-mode-backward", "x = torch.tensor([1.0, 2.0], requires_grad=True)\nwith torch.inference_mode():\n"
                                "    t = torch.ones(2)\n(x * t).sum().backward()", {}),
    ("inference-mode-backward", "with torch.inference_mode():\n    t = torch.ones(2)\nt.requires_grad_()", {}),
    # 25
    ("backward-gradient-dtype", "x = torch.ones(3, requires_grad=True)\ny = x * 2\n"
                                "y.backward(torch.ones(3, dtype=torch.float64))", {}),
    ("backward-gradient-dtype", "x = torch.ones(3, requires_grad=True)\n(x * 2).backward(torch.ones(3, dtype=torch.long))", {}),
    ("backward-gradient-dtype", "x = torch.ones(3, requires_grad=True)\n"
                                "(x * 2).backward(torch.ones(3, dtype=torch.complex64))", {}),
    # 26
    ("backward-gradient-shape", "x = torch.ones(3, requires_grad=True)\ny = x * 2\ny.backward(torch.ones(2))", {}),
    ("backward-gradient-shape", "x = torch.tensor(2.0, requires_grad=True)\n(x * 2).backward(torch.tensor([1.0]))", {}),
    # 27
    ("requires-grad-flag-nonleaf", "x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = x * 2\ny.requires_grad = False", {}),
    ("requires-grad-flag-nonleaf", "x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = x * 2\ny.requires_grad_(False)", {}),
    ("requires-grad-flag-nonleaf", "x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = x * 2\ny.requires_grad = True", {}),
    # 28
    ("nonleaf-by-construction", "torch.manual_seed(0)\nw = torch.randn(3, requires_grad=True) * 0.01", {}),
    ("nonleaf-by-construction", "w = torch.ones(3, requires_grad=True).double()", {}),
    ("nonleaf-by-construction", "w = torch.randn(3, requires_grad=True) * 0.01\n(w ** 2).sum().backward()\nw.grad",
     {"earlier": True}),
    # 29
    ("tensor-copy-construct", "x = torch.tensor([1., 2.], requires_grad=True)\ny = torch.tensor(x)", {}),
    ("tensor-copy-construct", "x = torch.tensor([1., 2.], requires_grad=True)\ny = torch.tensor(x)\n"
                              "(y * x).sum().backward()\nz = torch.tensor(x) ** 2\nz.sum().backward()", {"earlier": True}),
    # 30
    ("manual-update-nonleaf", "w = torch.tensor([1.0, -2.0], requires_grad=True)\nlr = 0.1\nfor step in range(2):\n"
                              "    loss = (w**2).sum()\n    loss.backward()\n    w = w - lr * w.grad", {}),
    ("manual-update-nonleaf", "w = torch.tensor([1.0, -2.0], requires_grad=True)\n(w ** 2).sum().backward()\n"
                              "w = w - 0.1 * w.grad", {}),
    # 31
    ("allow-unused", "x = torch.tensor(1.0, requires_grad=True)\nz = torch.tensor(2.0, requires_grad=True)\n"
                     "torch.autograd.grad(x ** 2, [x, z])", {}),
    ("allow-unused", "x = torch.tensor(1.0, requires_grad=True)\nz = torch.tensor(2.0, requires_grad=True)\n"
                     "torch.autograd.grad(x ** 2, z)", {}),
    ("allow-unused", "x = torch.tensor(1.0, requires_grad=True)\nc = torch.tensor(2.0)\n"
                     "torch.autograd.grad(x ** 2 * c, [x, c])", {}),
    # 32
    ("grad-returns-tuple", "x = torch.tensor(3.0, requires_grad=True)\ng = torch.autograd.grad(x ** 2, x)\ng.item()", {}),
    ("grad-returns-tuple", "x = torch.tensor(3.0, requires_grad=True)\ng = torch.autograd.grad(x ** 2, x)\ng * 2", {}),
    ("grad-returns-tuple", "x = torch.tensor(3.0, requires_grad=True)\ng = torch.autograd.grad(x ** 2, x)\ng + 1", {}),
    # 33
    ("bool-ambiguous-control-flow", "x = torch.tensor([-1.0, 2.0], requires_grad=True)\ndef f(x):\n"
                                    "    if x > 0:\n        return x ** 2\n    return -x\nf(x)", {}),
    ("bool-ambiguous-control-flow", "x = torch.tensor([-1.0, 2.0], requires_grad=True)\n"
                                    "y = x if x > 0 else -x", {}),
    # 34
    ("where-nan-gradient", "x = torch.tensor([-1.0, 4.0], requires_grad=True)\n"
                           "y = torch.where(x > 0, torch.sqrt(x), torch.zeros_like(x))\ny.sum().backward()", {}),
    ("where-nan-gradient", "x = torch.tensor([0.0, 2.0], requires_grad=True)\n"
                           "y = torch.where(x > 0, torch.log(x), torch.zeros_like(x))\ny.sum().backward()", {}),
    ("where-nan-gradient", "x = torch.zeros(2, requires_grad=True)\n(x ** 2).sum().sqrt().backward()", {}),
    # 35
    ("format-tensor", "x = torch.tensor([1., 2.], requires_grad=True)\nf'{x:.3f}'", {}),
    ("format-tensor", "x = torch.tensor([1., 2.], requires_grad=True)\n(x ** 2).sum().backward()\n"
                      "print('grad: {:.2f}'.format(x.grad))", {}),
    ("format-tensor", "x = torch.tensor([1., 2.], requires_grad=True)\nprint('%.3f' % x)", {}),
    # added by the tutor (README: the list of ids)
    ("attribute-called", "x = torch.ones(2, requires_grad=True)\nx.requires_grad()", {}),
    ("attribute-called", "w = torch.ones(2, requires_grad=True)\ndef frozen(t):\n    return not t.is_leaf()\n"
                         "frozen(w)", {}),
    ("attribute-called", "x = torch.ones(2, requires_grad=True)\n(x * 2).sum().backward()\nprint(x.grad())", {}),
    ("inplace-via-data", "w = torch.tensor([1.0, 2.0], requires_grad=True)\ny = (w * w).sum()\nw.data.mul_(10)\n"
                         "y.backward()", {}),
    ("inplace-via-data", "w = torch.tensor([3.0, -1.0], requires_grad=True)\nh = torch.exp(w)\nd = h.data\n"
                         "d[0] = 0.0\nh.sum().backward()", {}),
    ("update-rebinds-name", "def sgd(params, lr):\n    for p in params:\n        p = p - lr * p.grad\n"
                            "w = torch.tensor([1.0, -2.0], requires_grad=True)\nb = torch.zeros(1, requires_grad=True)\n"
                            "loss = ((w * 2).sum() + b - 1).pow(2).sum()\nloss.backward()\nsgd([w, b], 0.1)", {}),
    ("update-rebinds-name", "def step(w, lr):\n    w = w - lr * w.grad\n    w.grad = None\n"
                            "w = torch.tensor(3.0, requires_grad=True)\nfor i in range(3):\n"
                            "    loss = (w - 1) ** 2\n    loss.backward()\n    step(w, 0.1)", {}),
    ("update-rebinds-name", "w = torch.ones(3, requires_grad=True)\nb = torch.zeros(1, requires_grad=True)\n"
                            "(w.sum() * 2 + b).sum().backward()\nfor p in [w, b]:\n    p = p - 0.1 * p.grad", {}),
    ("helper-returns-none", "def loss_fn(w):\n    l = (w ** 2).sum()\nw = torch.tensor([1.0, -2.0], requires_grad=True)\n"
                            "loss = loss_fn(w)\nloss.backward()", {}),
    ("helper-returns-none", "X = torch.randn(4, 2)\ndef net(X, w):\n    X @ w\nw = torch.zeros(2, requires_grad=True)\n"
                            "net(X, w).sum().backward()", {}),
    ("helper-returns-none", "def squared_loss(y_hat, y):\n    l = (y_hat - y) ** 2 / 2\n    l.mean()\n"
                            "w = torch.ones(3, requires_grad=True)\nfor epoch in range(2):\n"
                            "    l = squared_loss(w * 2, torch.zeros(3))\n    l.backward()", {}),
    # variants the first cases did not reach (found by mutation testing): torch.mm, the `th` alias, int()
    ("dot-matmul-shapes", "A = torch.ones(2, 3)\nB = torch.ones(2, 3)\ntorch.mm(A, B)", {}),
    ("tensor-copy-construct", "import torch as th\nx = th.tensor(2.0, requires_grad=True)\ny = th.tensor(x ** 2)\n"
                              "y.backward()", {}),
    ("item-breaks-graph", "x = torch.tensor(3.0, requires_grad=True)\ny = torch.tensor(int(x) ** 2)\ny.backward()", {}),
    ("format-tensor", "x = torch.tensor([1.0, 2.0], requires_grad=True)\nprint(f\"{x:.2f}\")", {}),
    ("grad-returns-tuple", "x = torch.tensor([1.0, 2.0], requires_grad=True)\ntorch.autograd.grad((x ** 2).sum(), x).sum()",
     {}),
    ("float-equality-check", "x = torch.linspace(0.1, 10, 100, requires_grad=True)\n(x ** 3 - 1 / x).sum().backward()\n"
                             "def check(t):\n    u = t.detach()\n    return torch.equal(t.grad, 3 * u ** 2 + 1 / u ** 2)\n"
                             "check(x)", {}),
    ("manual-update-nonleaf", "w = torch.tensor([1.0, -2.0], requires_grad=True)\n(w ** 2).sum().backward()\n"
                              "w = w - 0.1 * torch.sign(w.grad)", {}),
]
