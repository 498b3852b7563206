# source: https://huggingface.co/datasets/nvidia/Nemotron-CC-Math-v1 (copy of the D2L forum thread: plotting f and f' in a loop; adapted: y computed once outside the loop, backward for each curve)
# expect: double-backward
# where: loop
import torch

x = torch.linspace(0, 3, 20, requires_grad=True)
y = torch.sin(x) * torch.exp(-x)
curves = []
for k in range(2):
    x.grad = None
    y.sum().backward()
    curves.append(x.grad.clone())
