# source: https://github.com/fastai/course-v3/issues/455 (lesson2-sgd update(): loss.backward() then an in-place update under no_grad and grad.zero_())
# expect: none
# where: function
import torch

torch.manual_seed(42)
n = 50
x = torch.ones(n, 2)
x[:, 0].uniform_(-1., 1)
y = x @ torch.tensor([3., 2.]) + torch.rand(n)
a = torch.tensor([-1., 1.], requires_grad=True)

def mse(y_hat, y):
    return ((y_hat - y) ** 2).mean()

def update(lr=1e-1):
    y_hat = x @ a
    loss = mse(y, y_hat)
    loss.backward()
    with torch.no_grad():
        a.sub_(lr * a.grad)
        a.grad.zero_()
    return loss.item()

losses = [update() for t in range(10)]
losses[-1] < losses[0]
