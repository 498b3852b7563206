# source: public learner helper (code search: "def jacobian(y, x): ... jac[..., i, :] = grad(y_flat, x, torch.ones_like(y_flat), create_graph=True)[0]")
# expect: none
# where: function
import torch
from torch.autograd import grad

def jacobian(y, x):
    jac = torch.zeros(*y.shape, x.shape[-1])
    for i in range(y.shape[-1]):
        y_flat = y[..., i].reshape(-1, 1)
        jac[..., i, :] = grad(y_flat, x, torch.ones_like(y_flat), create_graph=True)[0]
    return jac

x = torch.randn(3, 2, requires_grad=True)
A = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
J = jacobian(x @ A.T, x)
J.shape
