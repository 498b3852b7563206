# source: https://huggingface.co/datasets/nvidia/Nemotron-CC-Math-v1 (copy of discuss.d2l.ai/t/auto-differentiation "Solution to Question 5", loop of y[i].backward)
# expect: none
# where: loop
import math
import torch

x = torch.linspace(-math.pi, math.pi, 100, dtype=torch.float64)
x.requires_grad_(True)
y = torch.sin(x)
for i in range(100):
    y[i].backward(retain_graph=True)
torch.allclose(x.grad, torch.cos(x).detach())
