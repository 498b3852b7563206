# source: https://github.com/jazzlly/ryan-jupyter-notebook/blob/main/z000.ai/d2l002.py (the commented-out y.backward() the learner tried first)
# expect: non-scalar-backward
# where: top
import torch

x = torch.arange(4.0, requires_grad=True)
y = x * x
y.backward()
