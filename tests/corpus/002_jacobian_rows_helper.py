# source: https://isolution.pro/pl/q/so70246575/funkcja-wsteczna-w-pytorch (Stack Overflow 70246575, adapted: a Jacobian built row by row in a helper, x.grad never reset)
# expect: grad-accumulation
# where: function
import torch

def jacobian_rows(f, x):
    y = f(x)
    rows = []
    for i in range(y.shape[0]):
        y[i].backward(retain_graph=True)
        rows.append(x.grad.clone())
    return torch.stack(rows)

A = torch.tensor([[1., 2.], [3., 4.], [5., 6.]])
x = torch.tensor([1.0, -1.0], requires_grad=True)
J = jacobian_rows(lambda v: A @ v, x)
J
