# source: https://github.com/molimi/learing-note/blob/main/2022/d2l/src/ex005.py (adapted: one integer vector dotted with a float one)
# expect: mixed-dtype-op
# where: top
import torch

x = torch.arange(4.0, requires_grad=True)
weights = torch.arange(4)
y = torch.dot(weights, x)
