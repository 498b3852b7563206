# source: https://github.com/MG2033/MobileNet-V2/issues/5 ("After fixing the 'inplace' operation issue": ReLU6 in place; adapted: the learner's activation helper clamps in place after sigmoid)
# expect: inplace-saved-tensor
# where: function
import torch

def act(t):
    s = torch.sigmoid(t)
    s.clamp_(max=0.9)
    return s

x = torch.tensor([0.5, 3.0], requires_grad=True)
act(x).sum().backward()
