# source: https://github.com/Layotiver/Cloak-of-Invisibility/blob/main/lx/PyTorch-Deep-Learning/BP_tensor.py (.item() used only for printing)
# expect: none
# where: loop
import torch

w = torch.tensor([1.0], requires_grad=True)
for epoch in range(3):
    l = (w * 2.0 - 4.0) ** 2
    l.backward()
    print('grad:', w.grad.item(), 'loss:', l.item())
    with torch.no_grad():
        w -= 0.05 * w.grad
    w.grad.zero_()
