# source: https://github.com/pytorch/pytorch/issues/108618 (torch.where(x1 > 2, torch.log2(x1), 2*x1): x.grad has nan at 0)
# expect: where-nan-gradient
# where: top
import torch

x1 = torch.tensor([0.0, 2.0, 3.0], requires_grad=True)
y1 = torch.where(x1 > 2, torch.log2(x1), 2 * x1)
z1 = y1.sum()
z1.backward()
print('x1.grad =', x1.grad)
