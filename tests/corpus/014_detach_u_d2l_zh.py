# source: https://github.com/alielielie/deeplearning/blob/main/my-d2l/07_zidongqiudao.py (D2L 2.5.3, zeroed between parts)
# expect: none
# where: top
import torch

x = torch.arange(4.0)
x.requires_grad_(True)
y = 2 * torch.dot(x, x)
y.backward()
print(x.grad)
x.grad.zero_()
y = x.sum()
y.backward()
print(x.grad)
x.grad.zero_()
y = x * x
u = y.detach()
z = u * x
z.sum().backward()
print(x.grad == u)
