# source: public: PyTorch forum / D2L 3.x learners moving to nn.Sequential with a manual update loop that never resets the gradients (adapted)
# expect: grad-accumulation
# where: loop
import torch
from torch import nn
net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
X = torch.randn(8, 3)
y = torch.randn(8, 1)
loss_fn = nn.MSELoss()
for epoch in range(3):
    loss = loss_fn(net(X), y)
    loss.backward()
    with torch.no_grad():
        for p in net.parameters():
            p -= 0.1 * p.grad
print(net[0].weight.grad)
