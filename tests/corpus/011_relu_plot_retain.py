# source: https://github.com/wearenothing/D2L/blob/main/5_Multilayer_Perceptrons/5.1_Multilayer_Perceptrons.py
# expect: none
# where: top
import torch

x = torch.arange(-8, 8, 0.1, requires_grad=True)
y = torch.relu(x)
y.backward(torch.ones_like(x), retain_graph=True)
grad_of_relu = x.grad.detach().numpy()
values = y.detach().numpy()
values[:3], grad_of_relu[-3:]
