# source: https://github.com/v-mipeng/LexiconNER/issues/7 (adapted: learner's manual gradient descent rebinds w and b to computed tensors)
# expect: manual-update-nonleaf
# where: loop
import torch

X = torch.tensor([[1.0], [2.0], [3.0]])
y = torch.tensor([[2.0], [4.0], [6.0]])
w = torch.zeros(1, 1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
for epoch in range(2):
    loss = ((X @ w + b - y) ** 2).mean()
    loss.backward()
    w = w - 0.1 * w.grad
    b = b - 0.1 * b.grad
