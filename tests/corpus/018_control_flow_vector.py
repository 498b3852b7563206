# source: https://github.com/1626460856/TryDeepLearning/blob/main/微积分/更改矩阵python控制流的梯度错误计算.py (D2L 2.5 exercise 3, "a as a random matrix", ported from mxnet)
# expect: non-scalar-backward
# where: earlier-input
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

torch.manual_seed(0)
a = torch.randn(5, 4, requires_grad=True)
d = f(a)
d.backward()
