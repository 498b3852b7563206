# source: https://github.com/alielielie/deeplearning/blob/main/my-d2l/07_zidongqiudao.py (adapted: the notebook cell with y.backward() is run again later)
# expect: double-backward
# where: earlier-input
import torch

x = torch.arange(4.0, requires_grad=True)
y = 2 * torch.dot(x, x)
y.backward()
print(x.grad)
x.grad.zero_()
y.backward()
