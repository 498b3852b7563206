# source: https://github.com/haoxins/tiny-demos/blob/main/dl/src/dl/auto_grad.py (adapted: the learner's checks wrapped in a helper that forgets to reset x.grad)
# expect: grad-accumulation
# where: earlier-input
import torch

x = torch.arange(4.0, requires_grad=True)

def grad_of(f):
    y = f(x)
    y.backward()
    return x.grad

g1 = grad_of(lambda t: 2 * torch.dot(t, t))
print(g1)
g2 = grad_of(lambda t: t.sum())
print(g2)  # expected ones, got 4x + 1
