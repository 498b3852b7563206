# source: https://github.com/pytorch/pytorch/issues/187297 (torch.where(xt > 0, torch.sqrt(xt), xt): NaN from the inactive branch; adapted: inside the learner's safe_sqrt)
# expect: where-nan-gradient
# where: function
import torch

def safe_sqrt(t):
    return torch.where(t > 0, torch.sqrt(t), torch.zeros_like(t))

xt = torch.tensor([-1.0, 4.0], requires_grad=True)
safe_sqrt(xt).sum().backward()
xt.grad
