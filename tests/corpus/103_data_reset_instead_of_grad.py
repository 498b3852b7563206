# source: public learner script (code search: `if w.grad is not None: w.data.zero_()  # Reset the data to zero`): zeroes the weight instead of its gradient, so w.grad keeps adding up
# expect: grad-accumulation
# where: loop
import torch

w = torch.tensor(1.0, requires_grad=True)
for step in range(2):
    f = (w - 2) ** 2
    f.backward()
    print(f"Step {step}: w.grad = {w.grad.item()}")
    if w.grad is not None:
        w.data.zero_()
