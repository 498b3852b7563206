# source: https://github.com/dbolya/yolact/issues/459 (adapted: early stopping on a per-sample loss vector)
# expect: bool-ambiguous-control-flow
# where: loop
import torch

w = torch.tensor([0.5, -0.5], requires_grad=True)
X = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
y = torch.tensor([1.0, 0.0])
for step in range(5):
    loss = (X @ w - y) ** 2
    if loss < 0.01:
        break
    loss.sum().backward()
    with torch.no_grad():
        w -= 0.01 * w.grad
    w.grad.zero_()
