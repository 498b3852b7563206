# source: https://github.com/LinkedInLearning/hands-on-ai-pytorch-machine-learning-4007017 (custom autograd Function Square)
# expect: none
# where: function
import torch
from torch.autograd import Function

class Square(Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input ** 2

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 2 * input

x = torch.tensor([3.0], requires_grad=True)
y = Square.apply(x)
y.backward()
print("Custom grad:", x.grad)
