# source: https://huggingface.co/datasets/nvidia/Nemotron-CC-Math-v1 (copy of the D2L forum "backward twice" fix: x.grad = None then rebuild the graph each time)
# expect: none
# where: loop
import torch

x = torch.tensor(2.0, requires_grad=True)
grads = []
for step in range(3):
    x.grad = None
    y = x * x
    y.backward()
    grads.append(x.grad.item())
grads
