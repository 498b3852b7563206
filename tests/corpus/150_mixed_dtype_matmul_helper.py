# source: https://github.com/Layotiver/Cloak-of-Invisibility/blob/main/lx/PyTorch-Deep-Learning/BP_tensor.py (x_data as Python ints; adapted: turned into an int tensor and fed to the learner's forward)
# expect: mixed-dtype-op
# where: function
import torch

w = torch.tensor([[1.0], [0.5]], requires_grad=True)

def forward(x):
    return torch.mm(x, w)

X = torch.tensor([[1, 2], [3, 4]])
forward(X)
