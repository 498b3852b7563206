# source: https://github.com/SighingSnow/d2l/blob/main/ch3/3-4/opt.py (adapted: the training loop never calls zero_grad)
# expect: grad-accumulation
# where: loop
import torch

class SGD:
    def __init__(self, params, lr):
        self.params = params
        self.lr = lr

    def step(self):
        with torch.no_grad():
            for param in self.params:
                param -= self.lr * param.grad

w = torch.tensor([1.0, -1.0], requires_grad=True)
opt = SGD([w], lr=0.1)
for step in range(4):
    loss = ((w - 3) ** 2).sum()
    loss.backward()
    opt.step()
w
