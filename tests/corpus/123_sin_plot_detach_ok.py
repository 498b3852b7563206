# source: https://huggingface.co/datasets/nvidia/Nemotron-CC-Math-v1 (copy of zh D2L forum, hc_Tu's exercise: x1 = x.detach() for plotting, y2.sum().backward())
# expect: none
# where: top
import torch

x = torch.arange(0.0, 10.0, 0.1)
x.requires_grad_(True)
x1 = x.detach()
y1 = torch.sin(x1)
y2 = torch.sin(x)
y2.sum().backward()
(x1.numpy()[:3], y1.numpy()[:3], x.grad.numpy()[:3])
