# source: public: D2L 3.2/3.4 linear regression from scratch written as a class; forum posts asking why step() raises 'a leaf Variable that requires grad' (adapted)
# expect: inplace-on-leaf
# where: function
import torch
class LinReg:
    def __init__(self):
        self.w = torch.zeros(2, requires_grad=True)
        self.b = torch.zeros(1, requires_grad=True)
    def forward(self, X):
        return X @ self.w + self.b
    def step(self, lr):
        self.w -= lr * self.w.grad
        self.b -= lr * self.b.grad

X = torch.randn(10, 2)
y = X @ torch.tensor([2.0, -3.4]) + 4.2
model = LinReg()
for epoch in range(3):
    loss = ((model.forward(X) - y) ** 2).mean()
    loss.backward()
    model.step(0.03)
