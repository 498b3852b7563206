# source: https://github.com/web-logs2/ReadNote (D2L 2.5 exercise 2, zh: with retain_graph=True the gradient doubles, as the learner explains)
# expect: none
# where: top
import torch

x = torch.arange(4.0)
x.requires_grad_(True)
y = torch.dot(x, x)
y.backward(retain_graph=True)
first = x.grad.clone()
x.grad.zero_()
y.backward()
torch.equal(first, x.grad)
