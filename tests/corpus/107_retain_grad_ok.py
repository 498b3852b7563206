# source: https://github.com/huangrt01/CS-Notes/blob/master/Notes/snippets/pytorch-autograd.py (loss.retain_grad() before backward)
# expect: none
# where: top
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
t = x * 10
z = t * t
loss = z.mean()
loss.retain_grad()
loss.backward()
print(x.grad, loss.grad)
