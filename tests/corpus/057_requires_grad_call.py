# source: https://velog.io/@jsyeon/Autograd자동미분 (learner notes on requires_grad; adapted: the attribute called like a method)
# expect: attribute-called
# where: top
import torch

a = torch.tensor([2., 3.], requires_grad=True)
Q = 3 * a ** 3
if Q.requires_grad():
    Q.sum().backward()
