# source: https://github.com/jojodio/learning-pytorch/blob/master/chapter3/3.8.py (relu and its gradient, plotted from detached tensors)
# expect: none
# where: function
import torch

def xyplot(x_vals, y_vals):
    return x_vals.detach().numpy(), y_vals.detach().numpy()

x = torch.arange(-8, 9, 0.1, requires_grad=True)
y = x.relu()
xs, ys = xyplot(x, y)
y.sum().backward()
xs, gs = xyplot(x, x.grad)
gs[:3]
