# source: https://github.com/GZHermit (https://github.com/pytorch/pytorch/issues/10065: w = torch.tensor([1, 2, 3], requires_grad=True))
# expect: int-requires-grad
# where: function
import torch

def make_param(values):
    return torch.tensor(values, requires_grad=True)

w = make_param([1, 2, 3])
