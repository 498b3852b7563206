# source: https://github.com/LinkedInLearning/hands-on-ai-pytorch-machine-learning-4007017 (torch.autograd.functional.hessian of a helper)
# expect: none
# where: function
import torch
from torch.autograd.functional import hessian

def f(x):
    return x[0] ** 2 + x[1] ** 3

x = torch.tensor([1.0, 2.0], requires_grad=True)
hess = hessian(f, x)
hess
