# source: https://github.com/ethanabrooks/CoFCA-S/blob/master/mini_grad.py (grad then grad.mean().backward(); adapted: the first grad comes from a helper without create_graph)
# expect: grad-of-grad-no-create-graph
# where: earlier-input
import torch

def first_derivative(y, x):
    grad, = torch.autograd.grad(y.mean(), x)
    return grad

x = torch.tensor([3.], requires_grad=True)
g = first_derivative(x ** 2, x)
g.mean().backward()
