# source: https://github.com/KaiyangZhou/pytorch-center-loss/issues/4 ("the param.grad is NoneType"; answer: call loss.backward() before using param.grad)
# expect: grad-zero-none
# where: loop
import torch

w = torch.tensor([1.0, 2.0], requires_grad=True)
for step in range(3):
    w.grad.zero_()
    loss = (w ** 2).sum()
    loss.backward()
