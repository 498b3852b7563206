# source: https://github.com/zeda-li/dongshouxueDL/blob/main/02Preparatory_knowledge/try4.py (adapted: x.grad.zero_() before any backward, as new learners do at the top of a cell)
# expect: grad-zero-none
# where: top
import torch

x = torch.arange(4.0)
x.requires_grad_(True)
x.grad.zero_()
y = 2 * torch.dot(x, x)
y.backward()
