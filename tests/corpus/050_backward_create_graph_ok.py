# source: https://github.com/ethanabrooks/CoFCA-S/blob/master/mini_grad.py (grad with create_graph=True, then .backward() through it)
# expect: none
# where: top
import torch

x = torch.tensor([3.], requires_grad=True)
y = x ** 2
grad, = torch.autograd.grad(y.mean(), x, create_graph=True)
grad.mean().backward()
print(grad)
print(x.grad)
