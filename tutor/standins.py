"""Book and forum imports that work in the terminal: stand-ins for d2l and matplotlib, and routing.

`install()` puts one finder on `sys.meta_path`. It never shadows a real install:

- `d2l`, `d2l.torch`, `matplotlib`, `matplotlib.pyplot`: the stand-in answers only when no other
  finder can import the real module (`tutor.standin_d2l`, `tutor.standin_pyplot`);
- `matplotlib_inline` (for `backend_inline.set_matplotlib_formats('svg')`, D2L 2.4): the stand-in
  answers when matplotlib itself is missing, because the real package cannot work without it;
- when the real `matplotlib.pyplot` or `d2l.torch` is imported, its loader is wrapped so that, once
  loaded, `plt.show()` and `d2l.plot` draw in the terminal instead (`route_pyplot`, `route_d2l`).

The first time a stand-in or a route is used, one note for the learner says what happened.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types

from tutor.standin_notes import note_once, take_notes  # noqa: F401 - take_notes is part of this API

SKIP = {"__name__", "__spec__", "__loader__", "__file__", "__package__", "__builtins__", "__cached__", "__path__"}


def _copy_module(source: str):
    def fill(module):
        src = importlib.import_module(source)
        module.__dict__.update({k: v for k, v in vars(src).items() if k not in SKIP})
        module.__doc__ = src.__doc__
    return fill


def _matplotlib_package(module) -> None:
    from tutor import standin_pyplot

    module.__doc__ = "The tutor's stand-in for matplotlib (not installed): see matplotlib.pyplot."
    module.STANDIN = True
    module.__version__ = "0 (the tutor's terminal stand-in)"
    module.rcParams = standin_pyplot.rcParams
    module.use = lambda *args, **kwargs: None


def _inline_backend(module) -> None:
    module.__doc__ = "The tutor's stand-in for matplotlib_inline.backend_inline (matplotlib is not installed)."
    module.STANDIN = True
    module.set_matplotlib_formats = lambda *formats, **kwargs: None


def _package(doc: str):
    def fill(module):
        module.__doc__ = doc
        module.STANDIN = True
    return fill


# name -> (is a package, fills the module, note key)
STANDINS = {
    "d2l": (True, _package("The tutor's stand-in for d2l (not installed): from d2l import torch as d2l."), None),
    "d2l.torch": (False, _copy_module("tutor.standin_d2l"), "d2l"),
    "matplotlib": (True, _matplotlib_package, None),
    "matplotlib.pyplot": (False, _copy_module("tutor.standin_pyplot"), None),  # noted at the first figure
    "matplotlib_inline": (True, _package("The tutor's stand-in for matplotlib_inline."), None),
    "matplotlib_inline.backend_inline": (False, _inline_backend, None),
}
NEEDS_REAL_MATPLOTLIB = ("matplotlib_inline",)


class _StandinLoader(importlib.abc.Loader):
    def __init__(self, fill, note):
        self.fill, self.note = fill, note

    def create_module(self, spec):
        return None  # the default module

    def exec_module(self, module):
        self.fill(module)
        if self.note:
            note_once(self.note)


class _RoutingLoader(importlib.abc.Loader):
    """Loads the real module with its own loader, then routes its drawing to the terminal."""

    def __init__(self, real, route):
        self.real, self.route = real, route

    def create_module(self, spec):
        return self.real.create_module(spec)

    def exec_module(self, module):
        self.real.exec_module(module)
        if in_ipython():
            return  # IPython and Jupyter show figures themselves
        try:
            self.route(module)
        except Exception:  # noqa: BLE001 - routing is a convenience; the real module stays usable
            pass


class StandinFinder(importlib.abc.MetaPathFinder):
    """Answers for the stand-in names only when the real module cannot be imported."""

    def _real_spec(self, name, path):
        for finder in sys.meta_path:
            if finder is self or isinstance(finder, StandinFinder):
                continue
            find = getattr(finder, "find_spec", None)
            if find is None:
                continue
            try:
                spec = find(name, path)
            except (ImportError, ValueError):
                spec = None
            if spec is not None:
                return spec
        return None

    def _matplotlib_is_real(self) -> bool:
        module = sys.modules.get("matplotlib")
        if module is not None:
            return not getattr(module, "STANDIN", False)
        return self._real_spec("matplotlib", None) is not None

    def find_spec(self, name, path=None, target=None):
        top = name.split(".")[0]
        if name not in STANDINS and name not in ROUTES:
            return None
        parent = sys.modules.get(top)
        parent_is_standin = parent is not None and getattr(parent, "STANDIN", False)
        if top in NEEDS_REAL_MATPLOTLIB and not self._matplotlib_is_real():
            real = None
        elif name != top and parent is not None and not parent_is_standin:
            real = self._real_spec(name, path)
        elif name != top and parent_is_standin:
            real = None
        else:
            real = self._real_spec(name, path)
        if real is not None:
            if name in ROUTES and real.loader is not None:
                real.loader = _RoutingLoader(real.loader, ROUTES[name])
                return real
            return None  # the normal finders import it as usual
        if name not in STANDINS:
            return None
        is_package, fill, note = STANDINS[name]
        spec = importlib.machinery.ModuleSpec(name, _StandinLoader(fill, note), is_package=is_package)
        if is_package:
            spec.submodule_search_locations = []
        return spec


# -- routing the real modules to the terminal ------------------------------------------------------


def route_pyplot(pyplot) -> None:
    """Make the real `plt.show()` draw every open figure in the terminal (and close them)."""
    if getattr(pyplot.show, "_tutor_route", False):
        return

    def show(*args, **kwargs):
        from tutor.commands.plot import _drawn

        for plot in real_figures_to_plots(pyplot):
            _drawn.append(plot)
        pyplot.close("all")

    show._tutor_route = True
    show.__doc__ = "Draw the open figures in the terminal (the tutor routes matplotlib's show here)."
    pyplot.show = show
    note_once("matplotlib-real")


def real_figures_to_plots(pyplot) -> list:
    """Each open matplotlib figure's first axes as a `tutor.plot.Plot` (lines only)."""
    from tutor.plot import Curve, make_plot

    plots = []
    for number in pyplot.get_fignums():
        fig = pyplot.figure(number)
        if not fig.axes:
            continue
        ax = fig.axes[0]
        lines = ax.get_lines()
        if not lines:
            continue
        curves = []
        legend = ax.get_legend()
        shown = {t.get_text() for t in legend.get_texts()} if legend is not None else set()
        for line in lines:
            label = line.get_label()
            style = {"-": "-", "--": "--", "-.": "-.", ":": ":", "None": "", "": ""}.get(line.get_linestyle(), "-")
            curves.append(Curve(line.get_xdata(), line.get_ydata(), label if label in shown else None, None, style))
        plots.append(make_plot(curves, title=ax.get_title() or None, xlabel=ax.get_xlabel() or None,
                               ylabel=ax.get_ylabel() or None, xlim=ax.get_xlim(), ylim=ax.get_ylim(),
                               xscale=ax.get_xscale(), yscale=ax.get_yscale(),
                               figsize=tuple(fig.get_size_inches())))
    return plots


def route_d2l(d2l_torch) -> None:
    """The real d2l's plot draws in the terminal (same arguments, the tutor's plot)."""
    from tutor import standin_d2l

    d2l_torch.plot = standin_d2l.plot
    note_once("d2l-real")


ROUTES = {"matplotlib.pyplot": route_pyplot, "d2l.torch": route_d2l}


def in_ipython() -> bool:
    """Whether an IPython shell or kernel runs this process (it has its own matplotlib display)."""
    ipython = sys.modules.get("IPython")
    try:
        return ipython is not None and ipython.get_ipython() is not None
    except Exception:  # noqa: BLE001
        return False


def install() -> None:
    """Put the finder on sys.meta_path (once). Real modules keep winning: see the module docstring."""
    if not any(isinstance(f, StandinFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, StandinFinder())


def uninstall() -> None:
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, StandinFinder)]


def is_standin(module: types.ModuleType | None) -> bool:
    return bool(module is not None and getattr(module, "STANDIN", False))


def inline_plots() -> list:
    """Plots of the figures changed during this input (for `%matplotlib inline`), real or stand-in."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return []
    if is_standin(pyplot):
        from tutor import standin_pyplot

        return standin_pyplot.take_changed()
    try:
        plots = real_figures_to_plots(pyplot)
        pyplot.close("all")
        return plots
    except Exception:  # noqa: BLE001
        return []
