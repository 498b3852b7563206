# source: https://github.com/jazzlly/ryan-jupyter-notebook/blob/main/z000.ai/d2l002.py (every cell starts with x.grad.zero_())
# expect: none
# where: top
import torch

x = torch.arange(4.0, requires_grad=True)
y = 2 * torch.dot(x, x)
y.backward()
x.grad.zero_()
y = x.sum()
y.backward()
x.grad.zero_()
y = x * x
y.backward(torch.ones(len(x)))
x.grad
