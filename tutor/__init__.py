"""autograd-tutor: a terminal tutor for calculus and automatic differentiation with PyTorch."""

__version__ = "0.1.0"
