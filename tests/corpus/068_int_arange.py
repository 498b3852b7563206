# source: https://github.com/molimi/learing-note/blob/main/2022/d2l/src/ex005.py (the learner wrote torch.arange(4).float(); adapted: without .float())
# expect: int-requires-grad
# where: top
import torch

x = torch.arange(4)
x.requires_grad_(True)
