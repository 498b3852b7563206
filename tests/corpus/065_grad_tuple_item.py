# source: https://github.com/LinkedInLearning/hands-on-ai-pytorch-machine-learning-4007017 (autograd.grad returns a tuple; adapted: .item() on the tuple)
# expect: grad-returns-tuple
# where: top
import torch

x = torch.tensor([2.0], requires_grad=True)
y = x ** 3
grad = torch.autograd.grad(y, x)
print("dy/dx =", grad.item())
