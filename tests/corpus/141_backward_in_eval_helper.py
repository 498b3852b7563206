# source: https://github.com/WickedFoxes/simple_task_pytorch/blob/main/classification_task/utils/evaluate.py (adapted: the learner adds a gradient-norm report to the @torch.no_grad() evaluate)
# expect: no-grad-then-backward
# where: decorator
import torch

@torch.no_grad()
def evaluate(w, X, y):
    loss = ((X @ w - y) ** 2).mean()
    loss.backward()
    return loss.item(), w.grad.norm().item()

torch.manual_seed(0)
w = torch.randn(3, requires_grad=True)
evaluate(w, torch.randn(6, 3), torch.randn(6))
