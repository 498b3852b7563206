# source: https://github.com/source-separation/tutorial/issues/28 (np.log10(losses[j]) on tensors that require grad)
# expect: numpy-on-requires-grad
# where: loop
import numpy as np
import torch

w = torch.tensor(2.0, requires_grad=True)
losses = []
for step in range(3):
    loss = (w - 1) ** 2
    losses.append(loss)
    loss.backward()
    with torch.no_grad():
        w -= 0.1 * w.grad
    w.grad = None
logs = [np.log10(l) for l in losses]
