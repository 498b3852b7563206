# source: https://github.com/Jee-King/TSAN/issues/3 (the fix: out = x.clone() before the in-place edit)
# expect: none
# where: earlier-input
import torch

x = torch.tensor([0.5, 1.5], requires_grad=True)
h = torch.exp(x)
out = h.clone()
loss = (h * h).sum()
out += 1
loss.backward()
x.grad
