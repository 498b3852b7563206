# source: https://github.com/web-logs2/ReadNote (D2L 2.5 notes, zh: "x 的梯度又在之前的基础上增加了")
# expect: grad-accumulation
# where: top
import torch

x = torch.arange(4.0)
x.requires_grad_(True)
y = x * x
y.sum().backward()
print(x.grad)
c = torch.dot(x, x)
c.backward()
print(x.grad)  # the learner expected 2x again
