"""Branch scripts for tutor/hints/rules/calls.py (the cause of a mistake followed through the learner's
functions and earlier inputs)."""

SCRIPTS = [
    # a first derivative used in place, then differentiated: torch.autograd.grad(...)[0].mean() has no graph
    "import torch\nx = torch.linspace(0, 2, 5, requires_grad=True)\ny = torch.sin(x)\n"
    "slope = torch.autograd.grad(y.sum(), x)[0].mean()\nslope.backward()\n",
    # helpers calling helpers, the cut is a .detach() in the innermost one (not a cause the calls rule names)
    "import torch\nw = torch.randn(3, requires_grad=True)\ndef forward(x):\n    return torch.dot(w.detach(), x)\n"
    "def loss_fn(x):\n    return forward(x) ** 2\nloss = loss_fn(torch.randn(3))\nloss.backward()\n",
    # a helper that returns g = torch.autograd.grad(y, x)[0] (a name bound to a subscript of the call)
    "import torch\ndef first_derivative(y, x):\n    g = torch.autograd.grad(y, x)[0]\n    return g\n"
    "x = torch.tensor(1.5, requires_grad=True)\ndy = first_derivative(x ** 3, x)\ndy.backward()\n",
    # a helper that returns a local computed from a detached tensor (a name not made by a call)
    "import torch\nw = torch.randn(3, requires_grad=True)\ndef predict(x):\n    z = w.detach() * x\n    return z\n"
    "loss = predict(torch.randn(3)).sum()\nloss.backward()\n",
    # the prediction made under no_grad inside the training step that runs backward
    "import torch\nnet = torch.nn.Linear(3, 1)\ndef train_step(x, t):\n    with torch.no_grad():\n        pred = net(x)\n"
    "    loss = ((pred - t) ** 2).mean()\n    loss.backward()\n    return loss\n"
    "train_step(torch.randn(4, 3), torch.randn(4, 1))\n",
    # the same step called over two lines (the caller's line alone does not parse)
    "import torch\nnet = torch.nn.Linear(3, 1)\ndef train_step(x, t):\n    with torch.no_grad():\n        pred = net(x)\n"
    "    loss = ((pred - t) ** 2).mean()\n    loss.backward()\nloss = train_step(torch.randn(4, 3),\n"
    "                  torch.randn(4, 1))\n",
    # a helper reading a global weight that never required grad
    "import torch\nw = torch.randn(3)\ndef step():\n    loss = (w ** 2).sum()\n    loss.backward()\nstep()\n",
    # a @torch.no_grad() predict called by a gradient helper, inside print(...)
    "import torch\nw = torch.randn(3, requires_grad=True)\n@torch.no_grad()\ndef predict(x):\n    return w @ x\n"
    "def grad_of(x):\n    y = predict(x)\n    y.backward()\n    return w.grad\nprint(grad_of(torch.randn(3)))\n",
    # the gradient helper passed to map(): the caller's line has no call to it
    "import torch\nw = torch.randn(3, requires_grad=True)\ndef grad_of(x):\n    with torch.no_grad():\n        y = w @ x\n"
    "    y.backward()\n    return w.grad\ngrads = list(map(grad_of, [torch.randn(3), torch.randn(3)]))\n",
    # b.requires_grad_() after the loss; a torch.autograd.grad call after the backward: b.grad is None
    "import torch\nw = torch.randn(3, requires_grad=True)\nb = torch.zeros(1)\nx = torch.randn(3)\nloss = (w * x + b).sum()\n"
    "b.requires_grad_()\nloss.backward(retain_graph=True)\n(dw,) = torch.autograd.grad(loss, w)\nprint(dw, b.grad)\n",
    # b switched on first, but the loss forgets b: not a too-late switch
    "import torch\nw = torch.randn(3, requires_grad=True)\nb = torch.zeros(1)\nx = torch.randn(3)\nb.requires_grad_()\n"
    "loss = (w * x).sum()\nloss.backward()\nprint(b.grad)\n",
    # a Jacobian row by row into a tensor J, x.grad never reset (each row after the first is a running sum)
    "import torch\nx = torch.randn(3, requires_grad=True)\ny = x ** 2\nJ = torch.zeros(3, 3)\nfor i in range(3):\n"
    "    y[i].backward(retain_graph=True)\n    J[i] = x.grad\nprint(J)\n",
    # a gradient helper called twice at the minimum: the sum of zero gradients shows nothing; no hint
    "import torch\ndef grad_at(x):\n    (x ** 2).sum().backward()\n    return x.grad\nx = torch.zeros(3, requires_grad=True)\n"
    "grad_at(x)\ngrad_at(x)\n",
    # the graph freed by a helper called inside another call (report(step(loss))), then loss.backward()
    "import torch\nw = torch.randn(3, requires_grad=True)\nloss = (w ** 2).sum()\naux = w.sum()\ndef step(l):\n"
    "    aux.backward()\n    l.backward()\n    return l.item()\ndef report(v):\n    print('loss', v)\n"
    "report(step(loss))\nloss.backward()\n",
    # a loss made global inside a function, its backward repeated in a loop
    "import torch\nw = torch.randn(3, requires_grad=True)\ndef forward():\n    global loss\n    loss = (w ** 2).sum()\n"
    "forward()\nfor i in range(2):\n    loss.backward()\n",
    # an in-place edit before torch.autograd imported as ag: the call is not recognised
    "import torch\nimport torch.autograd as ag\nw = torch.randn(3, requires_grad=True)\nh = w * 2\ny = (h ** 2).sum()\n"
    "h += 1\nag.grad(y, w)\n",
    # a helper that normalises its argument in place, called between the forward and the backward pass
    "import torch\ndef normalize_(t):\n    t /= t.sum()\nw = torch.rand(3, requires_grad=True)\nh = w * 2\n"
    "y = (h ** 2).sum()\nnormalize_(h)\ny.backward()\n",
    # requires_grad_(False) inside a helper after the loss: the graph is already built, no hint
    "import torch\nw = torch.randn(3, requires_grad=True)\ndef freeze_and_step(w):\n    loss = (w ** 2).sum()\n"
    "    w.requires_grad_(False)\n    loss.backward()\nfreeze_and_step(w)\n",
    # a helper switching requires_grad on late for a leaf that already has a gradient (from an earlier input)
    "import torch\nw = torch.randn(3, requires_grad=True)\n(w ** 2).sum().backward()\ndef step(w, x):\n"
    "    loss = (w * x).sum()\n    w.requires_grad_()\n    loss.backward()\nstep(w, torch.randn(3))\n",
    # grad mode switched off by an earlier input, the loss computed in a loop typed after it
    "import torch\ntorch.set_grad_enabled(False)\nw = torch.randn(3, requires_grad=True)\nfor i in range(3):\n"
    "    loss = (w * i).sum()\n    loss.backward()\ntorch.set_grad_enabled(True)\n",
    # a model of helpers four calls deep (loss_fn -> model -> layer -> relu), the weight never required grad
    "import torch\nW = torch.randn(3, 3)\ndef relu(z):\n    return torch.clamp(z, min=0)\ndef layer(x):\n    return relu(x @ W)\n"
    "def model(x):\n    return layer(layer(x))\ndef loss_fn(x):\n    return model(x).sum()\n"
    "loss = loss_fn(torch.randn(2, 3))\nloss.backward()\n",
    # per-output gradients kept in a list (and a log line) without a reset: the copies are running sums
    "import torch\nx = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\ny = x ** 2\ngrads = []\nfor i in range(3):\n"
    "    y[i].backward(retain_graph=True)\n    grads.append(x.grad.clone())\n    line = f'row {i}: {x.grad.tolist()}'\n"
    "print(grads)\n",
    # a helper freed loss's graph; a backward through another output (w.sum()) came in between
    "import torch\nw = torch.randn(3, requires_grad=True)\nloss = (w ** 2).sum()\ndef step(l):\n    l.backward()\n"
    "    return l.item()\nstep(loss)\nw.sum().backward()\nloss.backward()\n",
]

SCRIPTS += [
    # a fresh leaf every step (w rebound by .detach().requires_grad_()), each kept in a list: every tensor is
    # differentiated once, nothing adds up: no hint (it used to claim trace[0].grad was a running sum)
    "import torch\nw = torch.tensor([1.0, -2.0], requires_grad=True)\ntrace = []\nfor step in range(3):\n"
    "    loss = (w ** 2).sum()\n    loss.backward()\n    trace.append(w)\n    print(w.grad)\n"
    "    w = (w - 0.1 * w.grad).detach().requires_grad_()\n",
    # the same list, but w updated in place: one tensor under four names (trace[0..2], w); its grad adds up
    "import torch\nw = torch.tensor([1.0, -2.0], requires_grad=True)\ntrace = []\nfor step in range(3):\n"
    "    loss = (w ** 2).sum()\n    loss.backward()\n    trace.append(w)\n    print(w.grad)\n"
    "    with torch.no_grad():\n        w -= 0.1 * w.grad\n",
]
