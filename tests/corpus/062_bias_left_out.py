# source: https://github.com/qianjinhao/circle-loss/issues/4 ("after loss.backward(), the weight's grad is none"; adapted: the learner's loss forgets the bias)
# expect: grad-none-before-backward
# where: function
import torch

torch.manual_seed(0)
X = torch.randn(10, 3)
y = torch.randn(10)
w = torch.randn(3, requires_grad=True)
b = torch.zeros(1, requires_grad=True)

def loss_fn(w, b):
    pred = X @ w
    return ((pred - y) ** 2).mean()

loss_fn(w, b).backward()
b.grad
