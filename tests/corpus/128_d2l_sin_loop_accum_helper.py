# source: https://huggingface.co/datasets/nvidia/Nemotron-CC-Math-v1 (copy of the D2L forum "Solution to Question 5"; adapted: the loop runs twice, once per plot, on the same x)
# expect: grad-accumulation
# where: function
import math
import torch

x = torch.linspace(-math.pi, math.pi, 50, requires_grad=True)

def derivative_curve(f):
    y = f(x)
    for i in range(len(y)):
        y[i].backward(retain_graph=True)
    return x.grad

d_sin = derivative_curve(torch.sin)
d_cos = derivative_curve(torch.cos)
