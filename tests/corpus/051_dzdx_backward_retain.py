# source: https://github.com/ethanabrooks/CoFCA-S (public learner script: dzdx with create_graph, dzdx.backward(retain_graph=True), then d2zdx2)
# expect: none
# where: top
import torch

x = torch.tensor([1], requires_grad=True, dtype=torch.float32)
y = torch.tensor([2], requires_grad=True, dtype=torch.float32)
z = (x ** 2 + y ** 3).sum()
dzdx = torch.autograd.grad(z, x, create_graph=True)[0]
dzdx.backward(retain_graph=True)
print("x.grad", x.grad)
d2zdx2 = torch.autograd.grad(dzdx, x, create_graph=True)[0]
d2zdx2
