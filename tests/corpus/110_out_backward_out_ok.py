# source: https://github.com/baihuaxie/dl-initial ("autograd on a tensor": y.backward(y) as an explicit seed)
# expect: none
# where: top
import torch

torch.manual_seed(0)
x1 = torch.randn((2, 4), requires_grad=True)
x2 = torch.randn((2, 4), requires_grad=True)
y = x1 + x2
y.backward(y)
torch.allclose(x1.grad, (x1 + x2).detach())
