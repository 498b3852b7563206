# source: https://github.com/maciej-sypetkowski/kaggle-rcic-1st/issues/2 (freezing: requires_grad = False on leaf parameters)
# expect: none
# where: loop
import torch

params = [torch.randn(3, requires_grad=True), torch.randn(2, requires_grad=True)]
for p in params[:1]:
    p.requires_grad = False
loss = sum((p ** 2).sum() for p in params)
loss.backward()
params[0].grad is None, params[1].grad is not None
