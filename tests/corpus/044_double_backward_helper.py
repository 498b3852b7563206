# source: https://github.com/ethanabrooks/CoFCA-S/blob/master/grads.py (w.backward() called twice; adapted: the second call comes from a helper in a later input)
# expect: double-backward
# where: earlier-input
import torch

x = torch.tensor(2., requires_grad=True)
y = torch.tensor(3., requires_grad=True)
w = 4 * y * x

def report(t):
    t.backward()
    return x.grad, y.grad

report(w)
report(w)
