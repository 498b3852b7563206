# source: https://huggingface.co/datasets/nvidia/Nemotron-CC-Math-v1 (the same loop with the forward pass inside)
# expect: none
# where: loop
import torch

x = torch.linspace(0, 3, 20, requires_grad=True)
curves = []
for k in range(2):
    x.grad = None
    y = torch.sin(x) * torch.exp(-k * x)
    y.sum().backward()
    curves.append(x.grad.clone())
len(curves)
