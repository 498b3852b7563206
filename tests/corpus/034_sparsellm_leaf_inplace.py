# source: https://github.com/BaiTheBest/SparseLLM/issues/13 (s_batch -= lr * s_batch.grad: "a leaf Variable that requires grad is being used in an in-place operation")
# expect: inplace-on-leaf
# where: top
import torch

s_batch = torch.rand(4, 4, requires_grad=True)
target = torch.eye(4)
loss_s = ((s_batch @ s_batch - target) ** 2).sum()
loss_s.backward()
s_learning_rate = 0.01
s_batch -= s_learning_rate * s_batch.grad
