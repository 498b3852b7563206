"""A small `d2l.torch` for chapter 2, used when the d2l package is not installed.

`from d2l import torch as d2l` then gives the helpers chapter 2 calls: `plot` (the tutor's own,
drawn in the terminal), `set_figsize`, `use_svg_display`, `set_axes`, `Timer`, `plt`, and the
numpy/reshape-style aliases the chapter and its exercises use (`d2l.numpy(x)`, `d2l.reshape`,
`d2l.arange` ...). Anything else raises an AttributeError that says this is the tutor's stand-in.
"""

from __future__ import annotations

import time

import numpy as np  # noqa: F401 - the book's d2l has it
import torch

STANDIN = True


def _pyplot():
    import importlib

    return importlib.import_module("matplotlib.pyplot")  # the real one, or the terminal stand-in


def use_svg_display():
    """Accepted: plots are drawn in the terminal."""


def set_figsize(figsize=(3.5, 2.5)):
    """Set the default figure size (inches, as in the book): plots take that share of the terminal."""
    use_svg_display()
    _pyplot().rcParams["figure.figsize"] = figsize
    global _FIGSIZE
    _FIGSIZE = tuple(figsize)


_FIGSIZE = (3.5, 2.5)


def set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend):
    """Set the labels, limits, scales and legend of matplotlib-style axes (D2L 2.4)."""
    axes.set_xlabel(xlabel), axes.set_ylabel(ylabel)
    axes.set_xscale(xscale), axes.set_yscale(yscale)
    axes.set_xlim(xlim), axes.set_ylim(ylim)
    if legend:
        axes.legend(legend)
    axes.grid()


def plot(X, Y=None, xlabel=None, ylabel=None, legend=None, xlim=None, ylim=None, xscale="linear",
         yscale="linear", fmts=("-", "m--", "g-.", "r:"), figsize=None, axes=None):
    """The book's plot (D2L 2.4), drawn in the terminal by the tutor."""
    from tutor.commands.plot import plot as terminal_plot
    from tutor.standin_pyplot import convert_like_matplotlib

    for values in (X, Y):  # the book's plot hands every curve to matplotlib, which converts it at once
        for value in (values if isinstance(values, (list, tuple)) else [values]):
            convert_like_matplotlib(value)

    return terminal_plot(X, Y, xlabel, ylabel, legend, xlim, ylim, xscale, yscale, fmts,
                         figsize if figsize is not None else _FIGSIZE)


class Timer:
    """Record running times (D2L 2.2 / 3.x): start(), stop(), avg(), sum(), cumsum()."""

    def __init__(self):
        self.times: list[float] = []
        self.start()

    def start(self):
        self.tik = time.time()

    def stop(self) -> float:
        self.times.append(time.time() - self.tik)
        return self.times[-1]

    def avg(self) -> float:
        return sum(self.times) / len(self.times)

    def sum(self) -> float:
        return sum(self.times)

    def cumsum(self) -> list:
        return np.array(self.times).cumsum().tolist()


# The aliases of d2l.torch (so code written for several frameworks runs)
ones, zeros, zeros_like, ones_like = torch.ones, torch.zeros, torch.zeros_like, torch.ones_like
tensor, arange, linspace, meshgrid = torch.tensor, torch.arange, torch.linspace, torch.meshgrid
sin, sinh, cos, cosh, tanh, exp, log, abs = torch.sin, torch.sinh, torch.cos, torch.cosh, torch.tanh, torch.exp, torch.log, torch.abs
matmul, stack, concat = torch.matmul, torch.stack, torch.cat
normal, rand, randn = torch.normal, torch.rand, torch.randn
float32, int32 = torch.float32, torch.int32


def numpy(x, *args, **kwargs):
    return x.detach().numpy(*args, **kwargs)


def size(x, *args, **kwargs):
    return x.numel(*args, **kwargs)


def reshape(x, *args, **kwargs):
    return x.reshape(*args, **kwargs)


def to(x, *args, **kwargs):
    return x.to(*args, **kwargs)


def reduce_sum(x, *args, **kwargs):
    return x.sum(*args, **kwargs)


def reduce_mean(x, *args, **kwargs):
    return x.mean(*args, **kwargs)


def argmax(x, *args, **kwargs):
    return x.argmax(*args, **kwargs)


def astype(x, *args, **kwargs):
    return x.type(*args, **kwargs)


def transpose(x, *args, **kwargs):
    return x.t(*args, **kwargs)


def __getattr__(name: str):
    if name == "plt":
        return _pyplot()
    raise AttributeError(f"the tutor's stand-in for d2l.torch (d2l is not installed) has no {name!r}: it covers "
                         "the chapter-2 helpers (plot, set_figsize, set_axes, Timer, numpy, reshape ...); "
                         "pip install d2l for the rest")
