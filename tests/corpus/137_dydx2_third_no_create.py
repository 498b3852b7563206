# source: public learner script (code search: the dydx / dydx2 chain above; adapted: the second grad without create_graph, then a third)
# expect: grad-of-grad-no-create-graph
# where: top
import torch

x = torch.tensor([1., 2., 3.], requires_grad=True)
y = x ** 3
dydx = torch.autograd.grad(y, x, grad_outputs=torch.ones(x.shape), create_graph=True)
dydx2 = torch.autograd.grad(dydx, x, grad_outputs=torch.ones(x.shape))
dydx3 = torch.autograd.grad(dydx2, x, grad_outputs=torch.ones(x.shape))
