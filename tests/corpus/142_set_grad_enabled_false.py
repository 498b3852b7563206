# source: https://github.com/lucinnnal/CNN_MNIST/blob/main/eval.py (evaluation mode; adapted: torch.set_grad_enabled(False) left on before training)
# expect: no-grad-then-backward
# where: earlier-input
import torch

torch.set_grad_enabled(False)
w = torch.tensor([1.0, 2.0], requires_grad=True)
loss = (w ** 2).sum()
torch.set_grad_enabled(True)
loss.backward()
