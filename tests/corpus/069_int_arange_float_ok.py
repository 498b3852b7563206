# source: https://github.com/molimi/learing-note/blob/main/2022/d2l/src/ex005.py
# expect: none
# where: top
import torch

x = torch.arange(4).float()
x.requires_grad_(True)
print(x.grad)
y = 2 * torch.dot(x, x)
y.backward()
print(x.grad)
