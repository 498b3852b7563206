# source: https://apxml.com/courses/advanced-pytorch/chapter-1-pytorch-internals-autograd/higher-order-gradients (higher-order gradients; adapted: a Hessian row loop that forgot create_graph=True)
# expect: grad-of-grad-no-create-graph
# where: loop
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
f = x[0] ** 2 * x[1] + x[1] ** 3
(g,) = torch.autograd.grad(f, x)
H = []
for i in range(2):
    (row,) = torch.autograd.grad(g[i], x, retain_graph=True)
    H.append(row)
