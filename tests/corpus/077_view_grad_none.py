# source: https://github.com/pytorch/pytorch/issues/19778 ("Grad is None after using view": X_view = torch.tensor(..., requires_grad=True).view(2, 1, 1))
# expect: nonleaf-by-construction
# where: top
import torch

X_view = torch.tensor([0.25, 0.75], requires_grad=True).view(2, 1, 1)
X_view.sum().backward()
print(f"X_view.grad: {X_view.grad}")
