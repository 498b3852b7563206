# source: https://github.com/pytorch/pytorch/issues/61950 (is_leaf of tensors made by operations; adapted: turning requires_grad off on a computed tensor)
# expect: requires-grad-flag-nonleaf
# where: top
import torch

a = torch.rand(3, requires_grad=True)
b = a * 2
b.requires_grad = False
