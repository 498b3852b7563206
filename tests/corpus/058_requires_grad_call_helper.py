# source: https://github.com/maciej-sypetkowski/kaggle-rcic-1st/issues/2 (checking requires_grad of parameters; adapted: called as a function inside the learner's helper)
# expect: attribute-called
# where: function
import torch

def trainable(params):
    return [p for p in params if p.requires_grad()]

w = torch.randn(3, requires_grad=True)
b = torch.zeros(1)
trainable([w, b])
