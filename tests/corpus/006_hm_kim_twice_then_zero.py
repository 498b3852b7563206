# source: https://github.com/hm-kim/practice/blob/main/PytorchTutorial/practice6.py (the second call is the demonstration of accumulation)
# expect: grad-accumulation
# where: top
import torch

inp = torch.eye(4, 5, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nSecond call\n{inp.grad}")
