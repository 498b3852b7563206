# source: https://github.com/molimi/learing-note/blob/main/2022/d2l/src/ex005.py (D2L 2.5.4 control flow; == is exact here: d is a times a power of two)
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

torch.manual_seed(3)
a = torch.randn(size=(), requires_grad=True)
d = f(a)
d.backward()
print(a.grad == d / a)
