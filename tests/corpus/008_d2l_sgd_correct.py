# source: https://github.com/yzj2019/learn-d2l/blob/main/d2l/Linear.py (D2L 3.2 sgd, correct: no_grad update and zero_)
# expect: none
# where: function
import torch

def linreg(X, w, b):
    return torch.matmul(X, w) + b

def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2

def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()

torch.manual_seed(0)
X = torch.randn(20, 2)
true_w = torch.tensor([[2.0], [-3.4]])
y = X @ true_w + 4.2
w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
b = torch.zeros(1, requires_grad=True)
for epoch in range(3):
    l = squared_loss(linreg(X, w, b), y)
    l.sum().backward()
    sgd([w, b], 0.03, 20)
print(w.grad, b.grad)
