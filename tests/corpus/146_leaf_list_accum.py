# source: https://github.com/jonkhler/s2cnn/issues/7 (list(model.parameters())[0].grad; adapted: a list of leaf tensors whose grads are reused across two losses)
# expect: grad-accumulation
# where: loop
import torch

params = [torch.tensor([1.0, 2.0], requires_grad=True), torch.tensor(0.5, requires_grad=True)]
for target in (1.0, 2.0):
    loss = sum(((p - target) ** 2).sum() for p in params)
    loss.backward()
    print(target, [p.grad for p in params])
