# source: https://github.com/pytorch/pytorch/issues/52248 (NaNWhere: torch.enable_grad() inside a no-grad forward)
# expect: none
# where: function
import torch

@torch.no_grad()
def probe(x):
    with torch.enable_grad():
        x = x.detach().requires_grad_(True)
        y = (x ** 2).sum()
        (g,) = torch.autograd.grad(y, x)
    return g

probe(torch.tensor([1.0, 2.0]))
