# source: https://github.com/huangrt01/CS-Notes/blob/master/Notes/snippets/pytorch-autograd.py (MyMul.apply then z.backward(torch.tensor([1.0, 1.0])))
# expect: none
# where: function
import torch

class MyMul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input1, input2):
        ctx.save_for_backward(input1, input2)
        return input1 * input1 * input2

    @staticmethod
    def backward(ctx, grad_output):
        input1, input2 = ctx.saved_tensors
        return grad_output * 2 * input1 * input2, grad_output * input1 * input1

x = torch.tensor([2.0, 3.0], requires_grad=True)
y = torch.tensor([3.0, 4.0], requires_grad=True)
z = MyMul.apply(x, y)
z.backward(torch.tensor([1.0, 1.0]))
print(f"x.grad={x.grad}, y.grad={y.grad}")
