# source: https://github.com/pytorch/pytorch/issues/52248 (the workaround: make the inactive branch safe before where)
# expect: none
# where: top
import torch

x = torch.tensor([-1.0, 0.0, 4.0], requires_grad=True)
safe = torch.where(x > 0, x, torch.ones_like(x))
y = torch.where(x > 0, torch.sqrt(safe), torch.zeros_like(x))
y.sum().backward()
x.grad
