# source: https://deepxde.readthedocs.io/en/latest/modules/deepxde.gradients.html (Jacobian rows by autograd.grad, as learners write it for PINNs)
# expect: none
# where: loop
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
y = torch.stack([x[0] ** 2 * x[1], 5 * x[0] + torch.sin(x[1])])
rows = []
for i in range(2):
    (g,) = torch.autograd.grad(y[i], x, retain_graph=True)
    rows.append(g)
torch.stack(rows)
