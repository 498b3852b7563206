# source: https://github.com/xxlong0/SparseNeuS/issues/42 (loss.backward(): grad can be implicitly created only for scalar outputs; adapted: per-sample losses from a helper)
# expect: non-scalar-backward
# where: function
import torch

def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2

w = torch.zeros(2, 1, requires_grad=True)
X = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
y = torch.tensor([1.0, 2.0, 3.0])
l = squared_loss(X @ w, y)
l.backward()
