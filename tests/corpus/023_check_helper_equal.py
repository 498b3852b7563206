# source: https://github.com/huangrt01/CS-Notes/blob/master/Notes/snippets/pytorch-autograd.py (gradient check section; adapted: the learner's own checker compares with torch.equal)
# expect: float-equality-check
# where: function
import torch

def check(f, df, x):
    x = x.clone().requires_grad_(True)
    f(x).sum().backward()
    return torch.equal(x.grad, df(x.detach()))

check(lambda t: torch.log10(t ** 2) * torch.sin(t) + 1 / t,
      lambda t: 2 / (t * torch.log(torch.tensor(10.0))) * torch.sin(t) + torch.log10(t ** 2) * torch.cos(t) - 1 / t ** 2,
      torch.linspace(0.1, 10, 100))
