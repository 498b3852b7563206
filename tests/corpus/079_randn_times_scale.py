# source: https://github.com/pytorch/tutorials/pull/3717 (weights = torch.randn(...) / sqrt(n) with requires_grad set before the division)
# expect: nonleaf-by-construction
# where: top
import math
import torch

weights = torch.randn(784, 10, requires_grad=True) / math.sqrt(784)
bias = torch.zeros(10, requires_grad=True)
xb = torch.randn(4, 784)
loss = (xb @ weights + bias).pow(2).mean()
loss.backward()
weights.grad
