# source: https://github.com/LinkedInLearning/hands-on-ai-pytorch-machine-learning-4007017 (x.register_hook(print_grad))
# expect: none
# where: function
import torch

x = torch.tensor([2.0], requires_grad=True)

def print_grad(grad):
    print("Gradient flowing through:", grad)

x.register_hook(print_grad)
y = x ** 2 + 3 * x
y.backward()
