# source: https://github.com/pytorch/examples/pull/779 (the merged fix: p.data.add_(p.grad, alpha=-lr))
# expect: none
# where: loop
import torch

torch.manual_seed(0)
params = [torch.randn(3, requires_grad=True), torch.randn(2, requires_grad=True)]
lr = 0.1
for step in range(3):
    loss = sum((p ** 2).sum() for p in params)
    loss.backward()
    for p in params:
        p.data.add_(p.grad, alpha=-lr)
        p.grad = None
[round(p.norm().item(), 3) for p in params]
