# source: https://github.com/DeepReinforcementLearning/DeepReinforcementLearningInAction/issues/42 (adapted: the hidden layer computed once before the training loop)
# expect: double-backward
# where: loop
import torch

torch.manual_seed(0)
x = torch.randn(6, 4)
w1 = torch.randn(4, 5, requires_grad=True)
w2 = torch.randn(5, 1, requires_grad=True)
hidden = torch.relu(x @ w1)
for epoch in range(3):
    out = hidden @ w2
    loss = (out ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w2 -= 0.01 * w2.grad
        w2.grad.zero_()
