# source: https://github.com/YuChenaya/learning/blob/main/Chapter2/2.5自动微分/C2_5_4.py (adapted: compared with a tolerance)
# expect: none
# where: function
import torch

def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c

torch.manual_seed(1)
a = torch.randn(size=(), requires_grad=True)
d = f(a)
d.backward()
torch.allclose(a.grad, d.detach() / a.detach())
