# source: https://github.com/WickedFoxes/simple_task_pytorch/blob/main/classification_task/utils/evaluate.py (adapted: inference_mode block reused for the training loss)
# expect: inference-mode-backward
# where: top
import torch

w = torch.tensor([0.5, -0.5], requires_grad=True)
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
with torch.inference_mode():
    loss = ((x @ w) ** 2).mean()
loss.backward()
