# source: https://github.com/lamerik/D2L/blob/main/com/lamerik/sep/test07.py (x made by reshape of a requires_grad factory is not a leaf; torch.dot then torch.matmul on x; adapted: x reshaped to a matrix first)
# expect: dot-matmul-shapes, nonleaf-by-construction
# where: top
import torch

x = torch.arange(4.0, requires_grad=True).reshape(2, 2)
y = torch.dot(x, x)
