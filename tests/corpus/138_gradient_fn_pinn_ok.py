# source: public learner helper (code search: "def gradient(y, x, grad_outputs=None): ... torch.autograd.grad(y, [x], grad_outputs=grad_outputs, create_graph=True)[0]")
# expect: none
# where: function
import torch

def gradient(y, x, grad_outputs=None):
    if grad_outputs is None:
        grad_outputs = torch.ones_like(y)
    return torch.autograd.grad(y, [x], grad_outputs=grad_outputs, create_graph=True)[0]

t = torch.linspace(0, 1, 5, requires_grad=True)
u = torch.sin(3 * t)
u_t = gradient(u, t)
u_tt = gradient(u_t, t)
torch.allclose(u_tt, -9 * torch.sin(3 * t.detach()), atol=1e-5)
