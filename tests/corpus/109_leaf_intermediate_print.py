# source: https://github.com/baihuaxie/dl-initial (print(c.grad) for an intermediate c)
# expect: nonleaf-grad-access
# where: top
import torch

a = torch.tensor(1.0, requires_grad=True)
b = torch.tensor(2.0, requires_grad=True)
c = a * b
c.backward()
print(c.grad)
print(a.grad)
print(b.grad)
