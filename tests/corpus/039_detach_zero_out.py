# source: https://github.com/pytorch/pytorch/issues/6990 (out.detach() shares storage: c.zero_() then out.sum().backward(): the error is about an in-place change, its cause is that detach() shares memory)
# expect: detach-semantics
# where: top
import torch

a = torch.tensor([1, 2, 3.], requires_grad=True)
out = a.sigmoid()
c = out.detach()
c.zero_()
out.sum().backward()
