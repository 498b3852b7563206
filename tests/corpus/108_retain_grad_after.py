# source: https://github.com/baihuaxie/dl-initial (leaf vs intermediate: print(c.grad); adapted: retain_grad() called after backward)
# expect: nonleaf-grad-access
# where: top
import torch

a = torch.tensor(1.0, requires_grad=True)
b = torch.tensor(2.0, requires_grad=True)
c = a * b
c.backward()
c.retain_grad()
print(c.grad)
