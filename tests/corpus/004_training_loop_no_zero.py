# source: https://github.com/liuhu0018/Pytorch_test/blob/main/back.py (adapted: the learner's loop without w.grad.data.zero_())
# expect: grad-accumulation
# where: loop
import torch

x_data = [1.0, 2.0, 3.0]
y_data = [2.0, 4.0, 6.0]
w = torch.tensor([1.0], requires_grad=True)

def forward(x):
    return x * w

def loss(x, y):
    return (forward(x) - y) ** 2

for epoch in range(3):
    for x, y in zip(x_data, y_data):
        l = loss(x, y)
        l.backward()
        print('grad:', x, y, w.grad.item())
        w.data = w.data - 0.01 * w.grad.data
