# source: https://github.com/patrickloeber/pytorchTutorial (scalar prediction formatted with .item())
# expect: none
# where: function
import torch

w = torch.tensor(0.0, dtype=torch.float32, requires_grad=True)

def forward(x):
    return w * x

print(f"Prediction before training: f(5) = {forward(5).item():.3f}")
