# source: https://github.com/fastai/course-v3/issues/455 (lesson2-sgd: the learner wrapped x@a in torch.no_grad() to plot, then reused it for the loss)
# expect: no-grad-then-backward
# where: function
import torch

def preds(x, a):
    with torch.no_grad():
        return x @ a

torch.manual_seed(42)
x = torch.ones(20, 2)
x[:, 0].uniform_(-1., 1)
y = x @ torch.tensor([3., 2.]) + torch.rand(20)
a = torch.tensor([-1., 1.], requires_grad=True)
loss = ((y - preds(x, a)) ** 2).mean()
loss.backward()
