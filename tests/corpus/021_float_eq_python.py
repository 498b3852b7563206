# source: https://discuss.d2l.ai/t/calculus/197 (exercise 1, f(x) = x**3 - 1/x; adapted: the hand derivative checked with == on Python floats)
# expect: float-equality-check
# where: top
import torch

a = torch.tensor(0.1, requires_grad=True)
f = a ** 3 - 1 / a
f.backward()
a.grad.item() == 3 * 0.1 ** 2 + 1 / 0.1 ** 2
