# source: https://github.com/pytorch/pytorch/issues/10065 (w1 = w.type(torch.float); w1.grad is None)
# expect: nonleaf-grad-access
# where: top
import torch

w = torch.tensor([1., 2., 3.], requires_grad=True)
w1 = w.type(torch.float64)
o = torch.mean(w1)
o.backward()
print(w1.grad)
