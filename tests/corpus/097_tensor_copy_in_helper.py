# source: https://github.com/v-mipeng/LexiconNER/issues/7 ("把函数的四个返回值全转换为tensor": wrapping results with torch.tensor in the helper)
# expect: tensor-copy-construct
# where: function
import torch

def stats(pred, target):
    err = pred - target
    return torch.tensor(err.pow(2).mean()), torch.tensor(err.abs().mean())

w = torch.tensor([0.2, 0.1], requires_grad=True)
x = torch.tensor([[1.0, 2.0], [3.0, 1.0]])
mse, mae = stats(x @ w, torch.tensor([1.0, 1.0]))
mse.backward()
