# source: https://github.com/patrickloeber/pytorchTutorial/blob/master/05_gradientdescent_auto.py (f-string on a 0-d tensor that requires grad works)
# expect: none
# where: loop
import torch

X = torch.tensor([1, 2, 3, 4], dtype=torch.float32)
Y = torch.tensor([2, 4, 6, 8], dtype=torch.float32)
w = torch.tensor(0.0, dtype=torch.float32, requires_grad=True)

def forward(x):
    return w * x

def loss(y, y_pred):
    return ((y_pred - y) ** 2).mean()

for epoch in range(3):
    l = loss(Y, forward(X))
    l.backward()
    with torch.no_grad():
        w -= 0.01 * w.grad
    w.grad.zero_()
    print(f'epoch {epoch + 1}: w = {w:.3f}, loss = {l:.8f}')
