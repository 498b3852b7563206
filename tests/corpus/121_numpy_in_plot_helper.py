# source: https://github.com/tkalayci71/embedding-inspector/issues/22 (plt.plot(x.numpy(), ...) inside the learner's helper: "Can't call numpy() on Tensor that requires grad")
# expect: numpy-on-requires-grad
# where: function
import torch

def curve(f, lo, hi):
    x = torch.linspace(lo, hi, 50, requires_grad=True)
    y = f(x)
    return x.numpy(), y.numpy()

xs, ys = curve(torch.sin, 0.0, 3.0)
