# source: https://bbbdata.com/text/938 (the same mistake inside the learner's model function)
# expect: math-module-on-tensor
# where: function
import math
import torch

def model(t, k):
    return k * math.exp(-t)

k = torch.tensor(2.0, requires_grad=True)
t = torch.tensor(0.5)
pred = model(t, k)
loss = (pred - 1.0) ** 2
loss.backward()
