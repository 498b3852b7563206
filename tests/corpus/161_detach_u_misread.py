# source: https://github.com/haoxins/tiny-demos/blob/main/dl/src/dl/auto_grad.py (D2L 2.5.3; adapted: the learner expected 3x**2 from z = u * x with u = y.detach())
# expect: detach-semantics
# where: top
import torch

x = torch.arange(4.0, requires_grad=True)
y = x * x
u = y.detach()
z = u * x
z.sum().backward()
torch.allclose(x.grad, 3 * x.detach() ** 2)
