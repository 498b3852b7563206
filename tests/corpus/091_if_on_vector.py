# source: https://github.com/YuChenaya/learning/blob/main/Chapter2/2.5自动微分/C2_5_4.py (D2L 2.5.4 f(a); adapted: called with a vector, so `if b.sum() > 0` is fine but the learner tests `if b > 0`)
# expect: bool-ambiguous-control-flow
# where: function
import torch

def f(a):
    b = a * 2
    if b > 0:
        c = b
    else:
        c = 100 * b
    return c

a = torch.tensor([-1.0, 2.0], requires_grad=True)
d = f(a)
