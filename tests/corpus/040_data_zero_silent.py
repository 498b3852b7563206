# source: https://github.com/pytorch/pytorch/issues/6990 (the same with out.data: no error, a wrong gradient)
# expect: inplace-via-data
# where: top
import torch

a = torch.tensor([1, 2, 3.], requires_grad=True)
out = a.sigmoid()
c = out.data
c.zero_()
out.sum().backward()
a.grad
