# source: https://github.com/Atcold/NYU-DLSP20/pull/863 (a projection step on .data after the backward pass and the update: fine)
# expect: none
# where: loop
import torch

w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
x = torch.tensor([0.5, 0.5, 0.5])
for step in range(3):
    y = ((w * x).sum() - 1) ** 2
    y.backward()
    with torch.no_grad():
        w -= 0.1 * w.grad
    w.grad = None
    w.data.clamp_(min=0.0)
w
