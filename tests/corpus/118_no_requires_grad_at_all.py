# source: http://geekdaxue.co/read/u21547351@dlekx3/hv593h (zh notes of D2L 2.5: x.requires_grad_ missing its underscore and parentheses in the learner's copy)
# expect: backward-no-grad-fn
# where: top
import torch

x = torch.arange(4.0)
y = 2 * torch.dot(x, x)
y.backward()
