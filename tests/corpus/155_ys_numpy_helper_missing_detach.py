# source: https://github.com/EffiSciencesResearch/ML4G-2.0/pull/2 (before the fix: numpy() on a prediction that requires grad, in the plotting helper)
# expect: numpy-on-requires-grad
# where: function
import torch

def to_plot(*ts):
    return [t.numpy() for t in ts]

w = torch.tensor([1.0, 2.0], requires_grad=True)
xs = torch.linspace(0, 1, 5)
ys = xs * w[0] + w[1]
to_plot(xs, ys)
