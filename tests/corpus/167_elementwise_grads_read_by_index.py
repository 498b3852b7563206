# source: public: D2L 2.5 discussion, derivative of y = x**3 element by element with retain_graph (adapted); reading x.grad[i] after y[i].backward() is right: each y[i] adds only to x.grad[i]
# expect: none
# where: loop
import torch
x = torch.linspace(-2, 2, 5, requires_grad=True)
y = x ** 3
grads = []
for i in range(5):
    y[i].backward(retain_graph=True)
    grads.append(x.grad[i].item())
print(grads)
