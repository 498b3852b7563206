# source: https://github.com/v-mipeng/LexiconNER/issues/7 (risk returned as Python floats from the learner's train step; "把相应的变量转换为tensor即可")
# expect: item-breaks-graph
# where: function
import torch

def compute_risk(pred, target):
    risk = ((pred - target) ** 2).mean()
    return risk.item()

w = torch.tensor([0.3, -0.2], requires_grad=True)
x = torch.tensor([[1.0, 2.0], [0.5, -1.0]])
risk = compute_risk(x @ w, torch.tensor([1.0, 0.0]))
risk.backward()
