# source: public: D2L 3.2 linear regression from scratch; forum posts where l.backward() raised 'grad can be implicitly created only for scalar outputs' after .sum() was left out (adapted)
# expect: non-scalar-backward
# where: loop
import torch
def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()
def linreg(X, w, b):
    return torch.matmul(X, w) + b
def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2
w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
b = torch.zeros(1, requires_grad=True)
X = torch.randn(10, 2)
y = X @ torch.tensor([2.0, -3.4]) + 4.2
for epoch in range(3):
    l = squared_loss(linreg(X, w, b), y)
    l.backward()
    sgd([w, b], 0.03, 10)
