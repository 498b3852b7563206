# source: https://github.com/linhongbin-ws/DNN4RBD/blob/master/simpleTest/derivative2.py (seed of z's shape, right; but x = torch.tensor(..., requires_grad=True).view(1, 2) is not a leaf, and the learner prints x.grad)
# expect: nonleaf-by-construction
# where: top
import torch

x = torch.tensor([2., 1.], requires_grad=True).view(1, 2)
y = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
z = torch.mm(x, y)
z.backward(torch.Tensor([[1., 0]]), retain_graph=True)
print(f"x.grad: {x.grad}")
print(f"y.grad: {y.grad}")
