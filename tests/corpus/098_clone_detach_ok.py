# source: https://github.com/pytorch/pytorch/issues/52248 (x.detach().clone().requires_grad_(True), the recommended copy)
# expect: none
# where: top
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
x_1 = x.detach().clone().requires_grad_(True)
y = (x_1 ** 3).sum()
y.backward()
x_1.grad, x.grad is None
