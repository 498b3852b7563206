# source: https://github.com/linhongbin-ws/DNN4RBD/blob/master/simpleTest/derivative2.py (z.backward(torch.Tensor([[1., 0]])); adapted: a seed of the wrong shape)
# expect: backward-gradient-shape
# where: top
import torch

x = torch.tensor([[2., 1.]], requires_grad=True)
w = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
z = torch.mm(x, w)
z.backward(torch.Tensor([1., 0., 0.]))
