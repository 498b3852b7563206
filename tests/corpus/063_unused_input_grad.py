# source: https://github.com/cybertronai/autograd-hacks/issues/8 (asking for the gradient of an input the output does not use)
# expect: allow-unused
# where: top
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
z = torch.tensor([3.0, 4.0], requires_grad=True)
y = (x ** 2).sum()
torch.autograd.grad(y, [x, z])
