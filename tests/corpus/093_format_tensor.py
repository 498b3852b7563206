# source: https://github.com/patrickloeber/pytorchTutorial (the learner's f-string print of the prediction, as in "Prediction before training: f(5) = {forward(5):.3f}")
# expect: format-tensor
# where: function
import torch

X = torch.tensor([1, 2, 3, 4], dtype=torch.float32)
w = torch.tensor([0.0, 0.0], dtype=torch.float32, requires_grad=True)

def forward(x):
    return w * x

print(f"Prediction before training: f(5) = {forward(5):.3f}")
