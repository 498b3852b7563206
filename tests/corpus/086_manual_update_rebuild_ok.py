# source: https://github.com/BaiTheBest/SparseLLM/issues/13 (out-of-place update, then a fresh leaf each step with detach().requires_grad_())
# expect: none
# where: loop
import torch

s_batch = torch.rand(3, requires_grad=True)
lr = 0.1
for step in range(3):
    loss = ((s_batch - 1) ** 2).sum()
    loss.backward()
    s_batch = (s_batch - lr * s_batch.grad).detach().requires_grad_()
s_batch.is_leaf
