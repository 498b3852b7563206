# source: https://github.com/SighingSnow/d2l/blob/main/ch3/3-4/opt.py (zero_grad with an `is not None` guard)
# expect: none
# where: function
import torch

def zero_grad(params):
    for param in params:
        if param.grad is not None:
            param.grad.zero_()

w = torch.tensor([1.0, 2.0], requires_grad=True)
for step in range(3):
    zero_grad([w])
    loss = (w ** 2).sum()
    loss.backward()
w.grad
