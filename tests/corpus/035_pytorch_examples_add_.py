# source: https://github.com/pytorch/examples/pull/779 (word_language_model: p.add_(-lr, p.grad) raised; the fix went through p.data)
# expect: inplace-on-leaf
# where: loop
import torch

params = [torch.randn(3, requires_grad=True), torch.randn(2, requires_grad=True)]
loss = sum((p ** 2).sum() for p in params)
loss.backward()
lr = 0.5
for p in params:
    p.add_(p.grad, alpha=-lr)
