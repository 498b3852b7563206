# source: public learner script (code search: "x = torch.linspace(0, 10, 1000, requires_grad = True); y = torch.sin(x)-torch.cos(x)**2"; adapted: the learner checks autograd against the hand derivative with ==, and here every element matches exactly)
# expect: none
# where: top
import torch

x = torch.linspace(0, 10, 1000, requires_grad=True)
y = torch.sin(x) - torch.cos(x) ** 2
Y = torch.sum(y)
Y.backward()
hand = torch.cos(x) + 2 * torch.cos(x) * torch.sin(x)
(x.grad == hand).all()
