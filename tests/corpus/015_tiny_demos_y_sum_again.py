# source: https://github.com/haoxins/tiny-demos/blob/main/dl/src/dl/auto_grad.py (D2L 2.5.3: y.sum().backward() after z.backward(), zeroed in between)
# expect: none
# where: top
import torch

x = torch.arange(4.0, requires_grad=True)
x.grad = None
y = x * x
u = y.detach()
z = u * x
z.sum().backward()
x.grad.zero_()
y.sum().backward()
print(torch.allclose(x.grad, 2 * x))
