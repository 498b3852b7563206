"""A small `matplotlib.pyplot` for the terminal, used when matplotlib is not installed.

It keeps what the book and forum code draw (lines, labels, limits, scales, legend, title, figure
size) in plain figures and axes, and turns them into `tutor.plot.Plot`s, which the tutor draws with
plotext. A figure is shown at `plt.show()` (as plain Python does), or at the end of every input after
`%matplotlib inline` (as Jupyter does; `run notebook.ipynb` starts that way). What it cannot do
(images, bars, subplots grids) raises a clear error instead of drawing something wrong.
"""

from __future__ import annotations

from typing import Any

STANDIN = True  # how the tutor and tests tell this module from the real pyplot
rcParams: dict[str, Any] = {"figure.figsize": (6.4, 4.8)}
_figures: list["Figure"] = []
_current: "Figure | None" = None


def convert_like_matplotlib(value) -> None:
    """Fail where real matplotlib fails: it turns each tensor it is given into a numpy array on the spot,
    and a tensor that requires grad refuses (torch's own RuntimeError: "Can't call numpy() on Tensor that
    requires grad ..."). The stand-in must not draw what the learner's notebook would refuse to draw."""
    import sys

    torch = sys.modules.get("torch")
    if torch is None:
        return
    for item in (value if isinstance(value, (list, tuple)) else [value]):
        if isinstance(item, torch.Tensor) and item.requires_grad:
            item.numpy()  # raises torch's message, exactly as matplotlib's np.asarray(tensor) does


class Axes:
    """One set of axes: its lines and settings (the Axes methods the book uses)."""

    def __init__(self, figure: "Figure"):
        self.figure = figure
        self.cla()

    def cla(self):
        self.lines: list[tuple[Any, Any, str | None, dict]] = []  # (x or None, y, fmt, kwargs)
        self.xlabel = self.ylabel = self.title = None
        self.xlim = self.ylim = None
        self.xscale = self.yscale = "linear"
        self.legend_labels: list[str] | None = None
        self.figure.changed = True

    clear = cla

    def plot(self, *args, **kwargs):
        """plot(y), plot(x, y), plot(x, y, fmt), plot(x1, y1, fmt1, x2, y2, fmt2, ...)."""
        added = []
        args = list(args)
        while args:
            first = args.pop(0)
            if args and not isinstance(args[0], str):
                x, y = first, args.pop(0)
            else:
                x, y = None, first
            fmt = args.pop(0) if args and isinstance(args[0], str) else None
            convert_like_matplotlib(x)
            convert_like_matplotlib(y)
            self.lines.append((x, y, fmt, dict(kwargs)))
            added.append(len(self.lines) - 1)
        self.figure.changed = True
        return [Line(self, i) for i in added]

    def scatter(self, x, y, **kwargs):
        convert_like_matplotlib(x)
        convert_like_matplotlib(y)
        kwargs.setdefault("marker", "o")
        self.lines.append((x, y, "o", dict(kwargs, linestyle="")))
        self.figure.changed = True

    def set_xlabel(self, label, **_):
        self.xlabel = None if label is None else str(label)
        self.figure.changed = True

    def set_ylabel(self, label, **_):
        self.ylabel = None if label is None else str(label)
        self.figure.changed = True

    def set_title(self, label, **_):
        self.title = None if label is None else str(label)
        self.figure.changed = True

    def set_xlim(self, left=None, right=None, **_):
        self.xlim = _limits(left, right, self.xlim)
        self.figure.changed = True

    def set_ylim(self, bottom=None, top=None, **_):
        self.ylim = _limits(bottom, top, self.ylim)
        self.figure.changed = True

    def set_xscale(self, scale, **_):
        self.xscale = str(scale)
        self.figure.changed = True

    def set_yscale(self, scale, **_):
        self.yscale = str(scale)
        self.figure.changed = True

    def legend(self, labels=None, *args, **_):
        if labels is not None and not isinstance(labels, str):
            self.legend_labels = [str(label) for label in labels]
        elif isinstance(labels, str):
            self.legend_labels = [labels, *(str(a) for a in args if isinstance(a, str))]
        else:
            self.legend_labels = []
        self.figure.changed = True

    def grid(self, *args, **kwargs):
        """Accepted; terminal plots have no grid lines."""

    def has_data(self) -> bool:
        return bool(self.lines)


class Line:
    """What `plot` returns: enough for `line.set_label(...)`."""

    def __init__(self, axes: Axes, index: int):
        self.axes, self.index = axes, index

    def __repr__(self) -> str:
        label = self.axes.lines[self.index][3].get("label") if self.index < len(self.axes.lines) else None
        return f"Line2D({label if label is not None else '_line' + str(self.index)})"

    def set_label(self, label):
        x, y, fmt, kwargs = self.axes.lines[self.index]
        self.axes.lines[self.index] = (x, y, fmt, dict(kwargs, label=str(label)))


class Figure:
    def __init__(self, figsize=None):
        self.figsize = tuple(figsize) if figsize is not None else tuple(rcParams.get("figure.figsize", (6.4, 4.8)))
        self.axes = [Axes(self)]
        self.changed = False

    def gca(self) -> Axes:
        return self.axes[0]

    def set_size_inches(self, w, h=None, **_):
        self.figsize = (w, h) if h is not None else tuple(w)

    def to_plot(self):
        """This figure as a `tutor.plot.Plot`."""
        return axes_to_plot(self.gca(), self.figsize)


def _limits(low, high, current):
    if isinstance(low, (tuple, list)):
        low, high = low
    if low is None and high is None:
        return current
    old = current or (None, None)
    return (old[0] if low is None else float(low), old[1] if high is None else float(high))


def axes_to_plot(axes: Axes, figsize):
    from tutor.commands.plot import _to_array
    from tutor.plot import Curve, PlotError, make_plot, parse_fmt

    import numpy as np

    if not axes.lines:
        raise PlotError("the figure has no lines to draw")
    labels = list(axes.legend_labels or [])
    curves = []
    for i, (x, y, fmt, kwargs) in enumerate(axes.lines):
        ys = _to_array(y, "y")
        xs = np.arange(len(ys), dtype=np.float64) if x is None else _to_array(x, "x")
        if len(xs) != len(ys):
            raise PlotError(f"x has {len(xs)} values but y has {len(ys)}; they must have the same length")
        color, line, marker = parse_fmt(fmt)
        if "color" in kwargs or "c" in kwargs:
            color = parse_fmt(str(kwargs.get("color", kwargs.get("c")))[:1])[0] or color
        if kwargs.get("linestyle", kwargs.get("ls")) is not None:
            style = kwargs.get("linestyle", kwargs.get("ls"))
            line = {"solid": "-", "dashed": "--", "dashdot": "-.", "dotted": ":", "None": "", "none": ""}.get(style, style)
        if kwargs.get("marker"):
            marker = parse_fmt(str(kwargs["marker"]))[2] or marker
        label = labels[i] if i < len(labels) else kwargs.get("label")
        curves.append(Curve(xs, ys, None if label is None or str(label).startswith("_") else str(label),
                            color, line, marker))
    if axes.legend_labels is None:  # no legend() call: matplotlib shows no legend either
        for curve in curves:
            curve.label = None
    xlim = axes.xlim if axes.xlim and None not in axes.xlim else None
    ylim = axes.ylim if axes.ylim and None not in axes.ylim else None
    return make_plot(curves, title=axes.title, xlabel=axes.xlabel, ylabel=axes.ylabel, xlim=xlim, ylim=ylim,
                     xscale=axes.xscale, yscale=axes.yscale, figsize=figsize)


# -- pyplot's functions ----------------------------------------------------------------------------


def figure(num=None, figsize=None, **_):
    global _current
    from tutor.standin_notes import note_once

    note_once("matplotlib")
    _current = Figure(figsize)
    _figures.append(_current)
    return _current


def gcf() -> Figure:
    return _current if _current is not None else figure()


def gca() -> Axes:
    return gcf().gca()


def subplots(nrows=1, ncols=1, figsize=None, **_):
    if nrows != 1 or ncols != 1:
        raise NotImplementedError("the terminal stand-in for matplotlib draws one plot per figure; "
                                  "call plt.subplots() without rows and columns, or plot one at a time")
    fig = figure(figsize=figsize)
    return fig, fig.gca()


def plot(*args, **kwargs):
    return gca().plot(*args, **kwargs)


def scatter(x, y, **kwargs):
    return gca().scatter(x, y, **kwargs)


def xlabel(label, **kwargs):
    gca().set_xlabel(label)


def ylabel(label, **kwargs):
    gca().set_ylabel(label)


def title(label, **kwargs):
    gca().set_title(label)


def xlim(*args, **kwargs):
    gca().set_xlim(*args, **kwargs)
    return gca().xlim


def ylim(*args, **kwargs):
    gca().set_ylim(*args, **kwargs)
    return gca().ylim


def xscale(scale, **_):
    gca().set_xscale(scale)


def yscale(scale, **_):
    gca().set_yscale(scale)


def legend(*args, **kwargs):
    gca().legend(*args, **kwargs)


def grid(*args, **kwargs):
    """Accepted; terminal plots have no grid lines."""


def cla():
    gca().cla()


def clf():
    gcf().axes = [Axes(gcf())]


def close(which=None):
    """Close the current figure, or all of them (`'all'`)."""
    global _current
    if which == "all" or which is None and _current is None:
        _figures.clear()
        _current = None
    else:
        target = _current if which is None else which
        if target in _figures:
            _figures.remove(target)
        _current = _figures[-1] if _figures else None


def show(*args, **kwargs):
    """Draw every open figure in the terminal (after this input) and close them, like plain Python."""
    from tutor.commands.plot import _drawn

    for fig in list(_figures):
        if fig.gca().has_data():
            _drawn.append(fig.to_plot())
    close("all")


def ion():
    """Accepted (terminal plots are drawn after the input)."""


def ioff():
    """Accepted."""


def savefig(*args, **kwargs):
    raise NotImplementedError("the terminal stand-in for matplotlib cannot save image files; "
                              "%plot ... --save FILE saves a plot as text")


def take_changed() -> list:
    """Plots of the figures changed since the last call (for `%matplotlib inline`), then closes them."""
    plots = [fig.to_plot() for fig in _figures if fig.changed and fig.gca().has_data()]
    close("all")
    return plots
