# source: public learner code, the "cmp" helper of the makemore backprop exercise (code search file id 36835772473); exact and approximate side by side
# expect: none
# where: function
import torch

def cmp(s, dt, t):
    ex = torch.all(dt == t.grad).item()
    app = torch.allclose(dt, t.grad)
    maxdiff = (dt - t.grad).abs().max().item()
    print(f"{s:15s} | exact: {str(ex):5s} | approximate {str(app):5s} | maxdiff: {maxdiff}")

x = torch.linspace(0.1, 10, 50, requires_grad=True)
y = torch.log10(x ** 2) * torch.sin(x) + 1 / x
y.sum().backward()
with torch.no_grad():
    dx = (2 / (x * torch.log(torch.tensor(10.0)))) * torch.sin(x) + torch.log10(x ** 2) * torch.cos(x) - 1 / x ** 2
cmp('x', dx, x)
