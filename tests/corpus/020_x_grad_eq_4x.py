# source: https://github.com/lamerik/D2L/blob/main/com/lamerik/sep/test07.py (exact == on gradients that are exact small integers)
# expect: none
# where: top
import torch

x = torch.arange(4.0)
x.requires_grad = True
y = 2 * torch.dot(x, x)
y.backward()
print(x.grad == 4 * x)
