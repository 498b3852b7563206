# source: https://github.com/momingh/Limu88/blob/main/14数值稳定性+模型初始化和激活函数/函数展示.py
# expect: none
# where: top
import torch

x = torch.arange(-8.0, 8.0, 0.1, requires_grad=True)
y = torch.sigmoid(x)
y.backward(torch.ones_like(x))
pairs = (x.detach().numpy(), [y.detach().numpy(), x.grad.numpy()])
len(pairs[1])
