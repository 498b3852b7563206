# source: https://discuss.d2l.ai/t/calculus/197 (exercise 1, f(x) = x**3 - 1/x; adapted: checked at several points in a loop)
# expect: float-equality-check
# where: loop
import torch

ok = []
for v in [0.1, 0.3, 0.7]:
    x = torch.tensor(v, requires_grad=True)
    y = x ** 3 - 1 / x
    y.backward()
    ok.append(x.grad.item() == 3 * v ** 2 + 1 / v ** 2)
ok
