# source: https://huggingface.co/datasets/nvidia/Nemotron-CC-Math-v1 (copy of discuss.d2l.ai/t/automatic-differentiation exercise 1 "why is the second derivative more expensive"; adapted: f'' through a closure)
# expect: grad-of-grad-no-create-graph
# where: function
import torch

def grad_fn(f):
    def g(x):
        (dx,) = torch.autograd.grad(f(x), x)
        return dx
    return g

f = lambda t: torch.sin(t)
df = grad_fn(f)
x = torch.tensor(1.0, requires_grad=True)
d2 = torch.autograd.grad(df(x), x)
