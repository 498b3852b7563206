# source: https://bbbdata.com/text/938 (zh tutorial: y = math.sin(x); z = 3*y; z.backward() -> 'float' object has no attribute 'backward')
# expect: math-module-on-tensor
# where: top
import torch
import math

x = torch.tensor([3], dtype=float, requires_grad=True)
y = math.sin(x)
z = 3 * y
z.backward()
