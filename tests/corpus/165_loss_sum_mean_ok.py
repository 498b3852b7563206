# source: https://github.com/Animadversio/GAN-Geometry/issues/4 (fixed by reducing to a scalar with .mean() before autograd.grad)
# expect: none
# where: function
import torch

def objective(v):
    return torch.tanh(v @ torch.tensor([[1.0, -1.0], [0.5, 2.0]]))

perturb_vecs = torch.randn(4, 2, requires_grad=True)
activs = objective(perturb_vecs)
ftgrad = torch.autograd.grad(activs.mean(), perturb_vecs)[0]
ftgrad.shape
