# source: https://github.com/WickedFoxes/simple_task_pytorch/blob/main/classification_task/utils/evaluate.py (evaluation under @torch.no_grad(), .item() only for printing)
# expect: none
# where: decorator
import torch

@torch.no_grad()
def evaluate(w, X, y):
    logits = X @ w
    loss = ((logits - y) ** 2).mean()
    return loss.item()

torch.manual_seed(0)
X = torch.randn(8, 3)
y = torch.randn(8)
w = torch.zeros(3, requires_grad=True)
for step in range(3):
    loss = ((X @ w - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= 0.1 * w.grad
    w.grad = None
    print(step, evaluate(w, X, y))
