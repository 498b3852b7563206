# source: https://github.com/jonkhler/s2cnn/issues/7 (the same with every grad reset to None first)
# expect: none
# where: loop
import torch

params = [torch.tensor([1.0, 2.0], requires_grad=True), torch.tensor(0.5, requires_grad=True)]
for target in (1.0, 2.0):
    for p in params:
        p.grad = None
    loss = sum(((p - target) ** 2).sum() for p in params)
    loss.backward()
    print(target, [p.grad for p in params])
