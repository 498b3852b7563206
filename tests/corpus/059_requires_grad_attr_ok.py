# source: https://github.com/maciej-sypetkowski/kaggle-rcic-1st/issues/2 ("All requires_grad should be true": printed as an attribute)
# expect: none
# where: top
import torch

params = {"w": torch.randn(3, requires_grad=True), "b": torch.zeros(1, requires_grad=True)}
[(name, p.requires_grad) for name, p in params.items()]
