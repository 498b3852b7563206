# source: https://github.com/BaiTheBest/SparseLLM/issues/13 (the suggested fix s_batch = s_batch - lr * s_batch.grad, then run again in the loop)
# expect: manual-update-nonleaf
# where: loop
import torch

s_batch = torch.rand(3, requires_grad=True)
lr = 0.1
for step in range(2):
    loss = ((s_batch - 1) ** 2).sum()
    loss.backward()
    s_batch = s_batch - lr * s_batch.grad
