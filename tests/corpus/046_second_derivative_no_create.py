# source: https://github.com/LucianTu13/PyTorch-learning-codes/blob/main/Chapter2_Core_Modules/auto_grad/torch_autograd_grad.py (adapted: create_graph=True left out of the first grad)
# expect: grad-of-grad-no-create-graph
# where: top
import torch

x = torch.tensor([3.], requires_grad=True)
y = torch.pow(x, 2)
grad_1 = torch.autograd.grad(y, x)
grad_2 = torch.autograd.grad(grad_1[0], x)
