# source: https://github.com/pytorch/tutorials/pull/3717 (leaf status and where requires_grad is set; adapted: the bias gets requires_grad_ after the loss was built)
# expect: requires-grad-too-late
# where: earlier-input
import torch

torch.manual_seed(0)
X = torch.randn(10, 3)
y = torch.randn(10)
w = torch.randn(3, requires_grad=True)
b = torch.zeros(1)
loss = ((X @ w + b - y) ** 2).mean()
b.requires_grad_()
loss.backward()
b.grad
