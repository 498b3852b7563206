# source: https://github.com/arthurdouillard/deepcourse/issues/11 (the learner's fix: losses.append(loss.detach()))
# expect: none
# where: loop
import numpy as np
import torch

w = torch.tensor([0.5, -0.5], requires_grad=True)
X = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
y = torch.tensor([1.0, 2.0, 3.0])
losses = []
for epoch in range(5):
    loss = ((X @ w - y) ** 2).mean()
    losses.append(loss.detach())
    loss.backward()
    with torch.no_grad():
        w -= 0.01 * w.grad
        w.grad.zero_()
np.array([l.numpy() for l in losses]).round(3)
