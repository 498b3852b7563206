# source: https://github.com/wowotou1998/LP-BFGS-attack/blob/main/auto_grade_test.py (create_graph=True in the helper)
# expect: none
# where: function
import torch

def derivative(y, x):
    return torch.autograd.grad(y, x, grad_outputs=torch.ones_like(y), create_graph=True)[0]

x = torch.linspace(-1, 1, 5, requires_grad=True)
y = x ** 3
dydx = derivative(y, x)
d2ydx2 = derivative(dydx, x)
torch.allclose(d2ydx2, 6 * x.detach())
