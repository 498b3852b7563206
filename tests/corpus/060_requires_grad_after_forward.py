# source: https://github.com/pytorch/tutorials/pull/3717 (why requires_grad is set where it is; adapted: switched on after the forward pass)
# expect: requires-grad-too-late
# where: top
import torch

x = torch.tensor(2.0)
y = x ** 2
x.requires_grad_(True)
y.backward()
