# source: https://github.com/patrickloeber/pytorchTutorial/blob/master/04_backpropagation.py (no_grad update, zero_, next forward and backward)
# expect: none
# where: top
import torch

x = torch.tensor(1.0)
y = torch.tensor(2.0)
w = torch.tensor(1.0, requires_grad=True)
y_predicted = w * x
loss = (y_predicted - y) ** 2
loss.backward()
with torch.no_grad():
    w -= 0.01 * w.grad
w.grad.zero_()
loss = (w * x - y) ** 2
loss.backward()
w.grad
