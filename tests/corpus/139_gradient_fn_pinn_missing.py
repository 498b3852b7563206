# source: public learner helper (code search: "def gradient(y, x, grad_outputs=None)"; adapted: create_graph left out, so u_tt fails)
# expect: grad-of-grad-no-create-graph
# where: function
import torch

def gradient(y, x, grad_outputs=None):
    if grad_outputs is None:
        grad_outputs = torch.ones_like(y)
    return torch.autograd.grad(y, [x], grad_outputs=grad_outputs)[0]

t = torch.linspace(0, 1, 5, requires_grad=True)
u = torch.sin(3 * t)
u_t = gradient(u, t)
u_tt = gradient(u_t, t)
