# source: https://discuss.d2l.ai/t/calculus/197 (exercise 1; adapted: compared with math.isclose)
# expect: none
# where: top
import math
import torch

a = torch.tensor(0.1, requires_grad=True)
f = a ** 3 - 1 / a
f.backward()
math.isclose(a.grad.item(), 3 * 0.1 ** 2 + 1 / 0.1 ** 2, rel_tol=1e-5)
