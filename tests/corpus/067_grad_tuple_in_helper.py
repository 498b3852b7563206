# source: https://github.com/LinkedInLearning/hands-on-ai-pytorch-machine-learning-4007017 (adapted: a slope helper that returns the tuple, used as a tensor by the caller)
# expect: grad-returns-tuple
# where: earlier-input
import torch

def slope(f, x0):
    x = torch.tensor(x0, requires_grad=True)
    return torch.autograd.grad(f(x), x)

s = slope(lambda t: t ** 3, 2.0)
s * 2
