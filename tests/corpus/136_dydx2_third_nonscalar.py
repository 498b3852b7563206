# source: public learner script (code search: "dydx = torch.autograd.grad(y, x, grad_outputs=torch.ones(x.shape), create_graph=True, retain_graph=True)" then two more grads; the third has no grad_outputs for a vector)
# expect: non-scalar-backward
# where: top
import torch

x = torch.tensor([1., 2., 3.], requires_grad=True)
y = x ** 3
dydx = torch.autograd.grad(y, x, grad_outputs=torch.ones(x.shape), create_graph=True, retain_graph=True)
dydx2 = torch.autograd.grad(dydx, x, grad_outputs=torch.ones(x.shape), create_graph=True)
dydx3 = torch.autograd.grad(dydx2, x, create_graph=True)
dydx3
