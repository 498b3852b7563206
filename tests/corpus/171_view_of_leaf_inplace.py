# source: public: PyTorch forum 'a view of a leaf Variable that requires grad is being used in an in-place operation' (adapted)
# expect: inplace-on-leaf
# where: earlier-input
import torch
a = torch.ones(2, 2, requires_grad=True)
b = a.view(4)
b.add_(1)
b.sum().backward()
print(a.grad)
