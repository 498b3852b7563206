# source: https://velog.io/@jsyeon/Autograd자동미분 (a = torch.tensor([2,3], requires_grad=True) with integers)
# expect: int-requires-grad
# where: top
import torch

a = torch.tensor([2, 3], requires_grad=True)
b = torch.tensor([6, 4], requires_grad=True)
Q = 3 * a ** 3 - b ** 2
