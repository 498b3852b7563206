# source: https://github.com/pytorch/pytorch/issues/40983 (parameters never updated; adapted: the forward helper carries @torch.inference_mode())
# expect: inference-mode-backward
# where: decorator
import torch

@torch.inference_mode()
def predict(w, b, x):
    return torch.sigmoid(x @ w + b)

torch.manual_seed(0)
w = torch.randn(4, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
x = torch.randn(10, 4)
target = torch.ones(10)
p = predict(w, b, x)
loss = ((p - target) ** 2).sum()
loss.backward()
