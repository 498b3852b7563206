# source: https://github.com/ChenRocks/fast_abs_rl/issues/22 (grad_norm turned into a new tensor; adapted: torch.tensor(x) of a tensor that requires grad)
# expect: tensor-copy-construct
# where: top
import torch

x = torch.tensor([1., 2.], requires_grad=True)
y = torch.tensor(x ** 2)
y.sum().backward()
