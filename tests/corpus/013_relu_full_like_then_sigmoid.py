# source: https://github.com/spyzss/approach-to-deep-learn/blob/main/deep_learning/多层感知机/demo.py (explicit gradient= of 2s, used on purpose)
# expect: none
# where: top
import torch

x = torch.arange(-8.0, 8.0, 0.1, requires_grad=True)
y = torch.relu(x)
y.backward(torch.full_like(x, 2.), retain_graph=True)
x.grad[75:85]
