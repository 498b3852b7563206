# source: https://github.com/nmszt55/-Learn-Pytorch/blob/master/Code/Utils/sgd.py (param.data -= lr * param.grad / batch_size, the older d2l-zh style)
# expect: none
# where: function
import torch

def sgd(params, lr, batch_size):
    for param in params:
        param.data -= lr * param.grad / batch_size

w = torch.tensor([1.0, -2.0], requires_grad=True)
X = torch.tensor([[1.0, 0.5], [0.2, 1.0]])
y = torch.tensor([0.0, 1.0])
for epoch in range(3):
    l = ((X @ w - y) ** 2).sum()
    l.backward()
    sgd([w], 0.1, 2)
    w.grad.data.zero_()
w
