# source: public learner script (code search: "def cases_1(): x = torch.tensor([1., 2.], requires_grad=True); y = torch.empty(3); y[0] = x[0] ** 2 ...; y.backward(v)  # VJP.")
# expect: none
# where: function
import torch

def cases_1():
    x = torch.tensor([1., 2.], requires_grad=True)
    y = torch.empty(3)
    y[0] = x[0] ** 2
    y[1] = x[0] ** 2 + 5 * x[1] ** 2
    y[2] = 3 * x[1]
    v = torch.tensor([1.0, 2.0, 3.0])
    y.backward(v)
    return x.grad

cases_1()
