# source: https://github.com/jazzlly/ryan-jupyter-notebook/blob/main/z000.ai/d2l002.py (y.backward(torch.ones(len(x))))
# expect: none
# where: top
import torch

x = torch.arange(4.0, requires_grad=True)
y = x * x
y.backward(torch.ones(len(x)))
x.grad
