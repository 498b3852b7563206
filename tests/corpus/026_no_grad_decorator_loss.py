# source: https://github.com/WickedFoxes/simple_task_pytorch/blob/main/classification_task/utils/evaluate.py (adapted: the learner reuses the @torch.no_grad() loss helper for training)
# expect: no-grad-then-backward
# where: decorator
import torch

@torch.no_grad()
def mse(w, X, y):
    return ((X @ w - y) ** 2).mean()

torch.manual_seed(0)
X = torch.randn(8, 3)
y = torch.randn(8)
w = torch.zeros(3, requires_grad=True)
loss = mse(w, X, y)
loss.backward()
