# source: https://github.com/Jee-King/TSAN/issues/3 ("out = x --> out = x.clone()"; adapted: an alias edited in place in a later cell)
# expect: inplace-saved-tensor
# where: earlier-input
import torch

x = torch.tensor([0.5, 1.5], requires_grad=True)
h = torch.exp(x)
out = h
loss = (h * h).sum()
out += 1
loss.backward()
