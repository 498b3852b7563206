# source: https://github.com/pytorch/tutorials/pull/3717 (the tutorial's order: divide first, then requires_grad_())
# expect: none
# where: top
import math
import torch

weights = torch.randn(784, 10) / math.sqrt(784)
weights.requires_grad_()
bias = torch.zeros(10, requires_grad=True)
xb = torch.randn(4, 784)
loss = (xb @ weights + bias).pow(2).mean()
loss.backward()
weights.grad.shape
