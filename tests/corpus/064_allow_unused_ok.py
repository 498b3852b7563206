# source: https://github.com/cybertronai/autograd-hacks/issues/8 (the same with allow_unused=True and a None check)
# expect: none
# where: top
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
z = torch.tensor([3.0, 4.0], requires_grad=True)
y = (x ** 2).sum()
gx, gz = torch.autograd.grad(y, [x, z], allow_unused=True)
gz is None, gx
