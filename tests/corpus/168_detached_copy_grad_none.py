# source: public: D2L 2.5.3 (detaching computation) discussions: 'I detached, set requires_grad again, and a.grad is None' (adapted)
# expect: grad-none-before-backward
# where: earlier-input
import torch
a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = a.detach()
b.requires_grad = True
c = (b * 2).sum()
c.backward()
print(a.grad)
