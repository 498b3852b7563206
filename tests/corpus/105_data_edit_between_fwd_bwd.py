# source: https://github.com/Atcold/NYU-DLSP20/pull/863 ("Using .data ... can silently break autograd graphs"; adapted: w.data scaled between forward and backward)
# expect: inplace-via-data
# where: earlier-input
import torch

w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
x = torch.tensor([0.5, 0.5, 0.5])
y = (w * w * x).sum()

def clip_(t, limit):
    t.data.clamp_(max=limit)

clip_(w, 1.5)
y.backward()
w.grad
