# source: https://github.com/fastai/course-v3/issues/455 (the learner's animate(): update() and line.set_ydata(x@a) under torch.no_grad(); adapted: the loss taken from the plotted prediction)
# expect: no-grad-then-backward
# where: earlier-input
import torch

torch.manual_seed(42)
x = torch.ones(20, 2)
x[:, 0].uniform_(-1., 1)
y = x @ torch.tensor([3., 2.])
a = torch.tensor([-1., 1.], requires_grad=True)
with torch.no_grad():
    y_line = x @ a
loss = ((y - y_line) ** 2).mean()
loss.backward()
