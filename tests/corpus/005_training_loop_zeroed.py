# source: https://github.com/Layotiver/Cloak-of-Invisibility/blob/main/lx/PyTorch-Deep-Learning/BP_tensor.py
# expect: none
# where: loop
import torch

x_data = [1.0, 2.0, 3.0]
y_data = [2.0, 4.0, 6.0]
w = torch.Tensor([1.0])
w.requires_grad = True

def forward(x):
    return x * w

def loss(x, y):
    y_pred = forward(x)
    return (y_pred - y) ** 2

for epoch in range(5):
    for x, y in zip(x_data, y_data):
        l = loss(x, y)
        l.backward()
        w.data = w.data - 0.01 * w.grad.data
        w.grad.data.zero_()
print("predict (after training)", 4, forward(4).item())
