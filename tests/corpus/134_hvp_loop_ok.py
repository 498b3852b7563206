# source: https://apxml.com/courses/advanced-pytorch/chapter-1-pytorch-internals-autograd/higher-order-gradients (Hessian rows with create_graph=True)
# expect: none
# where: loop
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
f = x[0] ** 2 * x[1] + x[1] ** 3
(g,) = torch.autograd.grad(f, x, create_graph=True)
H = []
for i in range(2):
    (row,) = torch.autograd.grad(g[i], x, retain_graph=True)
    H.append(row)
torch.stack(H)
