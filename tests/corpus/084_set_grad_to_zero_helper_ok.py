# source: public learner helper "_set_grad_to_zero" (code search: `if my_var.grad is None: my_var.grad = torch.zeros_like(my_var)`)
# expect: none
# where: function
import torch

def _set_grad_to_zero(my_var):
    if my_var.grad is None:
        my_var.grad = torch.zeros_like(my_var)
    else:
        torch.nn.init.zeros_(my_var.grad)

v = torch.tensor([1.0, 2.0], requires_grad=True)
_set_grad_to_zero(v)
(v * 3).sum().backward()
v.grad
