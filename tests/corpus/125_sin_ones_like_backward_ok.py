# source: public learner script (code search: "X = torch.linspace(0, 10, 256, requires_grad=True) ... Y.backward(torch.ones_like(X))", zh comments)
# expect: none
# where: top
import torch

X = torch.linspace(0, 10, 256, requires_grad=True)
Y = torch.sin(X)
Y.backward(torch.ones_like(X))
torch.allclose(X.grad, torch.cos(X.detach()))
