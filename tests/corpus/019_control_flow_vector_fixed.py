# source: https://huggingface.co/datasets/nvidia/Nemotron-CC-Math-v1 (copy of discuss.d2l.ai/t/automatic-differentiation: exercise 3 answered with d.sum().backward())
# expect: none
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
a = torch.randn(size=(3,), requires_grad=True)
d = f(a)
d.sum().backward()
torch.allclose(a.grad, d.detach() / a.detach())
