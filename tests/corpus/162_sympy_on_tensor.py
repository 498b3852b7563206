# source: https://discuss.d2l.ai/t/calculus/197 (the thread's symbolic answers; adapted: sympy.sin applied to a tensor that requires grad)
# expect: sympy-on-tensor
# where: top
import sympy
import torch

x = torch.tensor(1.0, requires_grad=True)
y = sympy.sin(x) * 2
y.backward()
