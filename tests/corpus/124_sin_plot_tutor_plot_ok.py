# source: https://huggingface.co/datasets/nvidia/Nemotron-CC-Math-v1 (copy of zh D2L forum, jiahao_sun: d2l.plot(x.detach(), [y.detach(), x.grad], ...))
# expect: none
# where: top
import torch

x = torch.arange(0., 10., 0.1)
x.requires_grad_(True)
y = torch.sin(x)
y.sum().backward()
plot(x.detach(), [y.detach(), x.grad], 'x', 'y', legend=['y', 'dy/dx'])
