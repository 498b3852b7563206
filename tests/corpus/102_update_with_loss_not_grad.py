# source: https://github.com/CodingCow123/Learning-Pytorch/blob/main/backproppractice.py (w -= 0.01*loss inside no_grad: a typo for w.grad, no error)
# expect: none
# where: top
import torch

x = torch.tensor(1.0)
y = torch.tensor(2.0)
w = torch.tensor(1.0, requires_grad=True)
y_hat = x * w
loss = (y_hat - y) ** 2
loss.backward()
with torch.no_grad():
    w -= 0.01 * w.grad
w.grad.zero_()
w
