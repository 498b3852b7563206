# source: https://github.com/swz30/MPRNet/issues/108 (loss.backward(): 'float' object has no attribute 'backward'; adapted to the minimal form)
# expect: item-breaks-graph
# where: top
import torch

x = torch.tensor(2.0, requires_grad=True)
z = x.item() * 3
z.backward()
