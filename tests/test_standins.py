"""Book and forum code without d2l or matplotlib: the stand-ins, %matplotlib inline, and real modules winning."""

from __future__ import annotations

import sys
import textwrap

import pytest

from tutor import standin_notes, standins
from tutor.plot import Figures, Plot
from tutor.session import Session

NAMES = ("d2l", "matplotlib", "matplotlib_inline")


def _forget_modules():
    for name in list(sys.modules):
        if name.split(".")[0] in NAMES:
            del sys.modules[name]


@pytest.fixture(autouse=True)
def fresh_imports():
    _forget_modules()
    standin_notes._noted.clear()
    standin_notes._pending.clear()
    from tutor import standin_pyplot

    standin_pyplot.close("all")
    yield
    _forget_modules()


def plots_of(outcome) -> list[Plot]:
    """The plots the tutor shows for this input (a returned Plot is shown as the value)."""
    shown = outcome.command_output
    if isinstance(shown, Figures):
        return [p for p in shown if isinstance(p, Plot)]
    if isinstance(shown, Plot):
        return [shown]
    return [outcome.value] if outcome.has_value and isinstance(outcome.value, Plot) else []


def test_forum_pyplot_code_draws_at_show_when_matplotlib_is_absent():
    s = Session(hints=False)
    assert s.submit("import matplotlib.pyplot as plt").ok
    assert s.submit("plt").display.startswith("<module 'matplotlib.pyplot'")
    assert getattr(s.namespace["plt"], "STANDIN", False)
    s.submit("x = torch.linspace(-3, 3, 50)")
    first = s.submit("plt.plot(x, torch.tanh(x), label='tanh')")
    assert first.ok and plots_of(first) == []  # plain Python: nothing is drawn before show()
    assert any("matplotlib is not installed" in str(f) for f in first.feedback)
    s.submit("plt.plot(x, x ** 2, 'r--', label='square')")
    s.submit("plt.xlabel('x'); plt.ylabel('y'); plt.title('two'); plt.legend(); plt.grid(True)")
    shown = s.submit("plt.show()")
    assert shown.ok, shown.error
    (plot,) = plots_of(shown)
    assert plot.labels == ["tanh", "square"]
    assert (plot.xlabel, plot.ylabel, plot.title) == ("x", "y", "two")
    assert plot.curves[1].line == "--" and plot.curves[1].color == "red+"
    again = s.submit("plt.show()")  # show() closed the figure: nothing twice
    assert plots_of(again) == []
    notes = s.submit("plt.plot([1, 2, 3]); plt.show()").feedback
    assert not any("matplotlib is not installed" in str(f) for f in notes)  # the note comes once


def test_matplotlib_inline_and_backend_inline_are_accepted_quietly_and_book_code_draws():
    s = Session(hints=False)
    for line in ("%matplotlib inline", "from matplotlib_inline import backend_inline",
                 "backend_inline.set_matplotlib_formats('svg')"):
        out = s.submit(line)
        assert out.ok and out.command_output is None and not out.has_value, line
    s.submit("from d2l import torch as d2l")
    s.submit(textwrap.dedent("""\
        def plot_book(x, ys, legend):
            d2l.plt.rcParams['figure.figsize'] = (3.5, 2.5)
            axes = d2l.plt.gca()
            axes.cla()
            for y, fmt in zip(ys, ('-', 'm--')):
                axes.plot(x, y, fmt)
            d2l.set_axes(axes, 'x', 'f(x)', None, None, 'linear', 'linear', legend)
        """))
    s.submit("import numpy as np; x = np.arange(0, 3, 0.1)")
    out = s.submit("plot_book(x, [3 * x ** 2 - 4 * x, 2 * x - 3], ['f(x)', 'Tangent line (x=1)'])")
    assert out.ok, out.error
    (plot,) = plots_of(out)  # inline: drawn after the input, without plt.show()
    assert plot.labels == ["f(x)", "Tangent line (x=1)"] and plot.xlabel == "x"
    assert plot.figsize == (3.5, 2.5) and plot.curves[1].line == "--"


def test_without_inline_the_axes_wait_for_show():
    s = Session(hints=False)
    s.submit("import matplotlib.pyplot as plt")
    assert plots_of(s.submit("plt.gca().plot([0, 1], [1, 0])")) == []
    assert len(plots_of(s.submit("plt.show()"))) == 1


def test_d2l_standin_has_the_chapter_2_helpers():
    s = Session(hints=False)
    out = s.submit("from d2l import torch as d2l")
    assert out.ok and getattr(s.namespace["d2l"], "STANDIN", False)
    assert any("d2l package is not installed" in str(f) for f in out.feedback)
    drawn = s.submit("x = torch.arange(0, 3, 0.1); d2l.plot(x, [x ** 2, 2 * x - 1], 'x', 'f(x)', "
                     "legend=['f(x)', 'Tangent line (x=1)'])")
    (plot,) = plots_of(drawn)
    assert plot.labels == ["f(x)", "Tangent line (x=1)"]
    checks = s.submit("t = d2l.Timer(); d2l.set_figsize((4, 3)); d2l.use_svg_display(); "
                      "(d2l.numpy(torch.ones(2, requires_grad=True)).tolist(), tuple(d2l.reshape(torch.arange(6), (2, 3)).shape), "
                      "d2l.size(torch.ones(2, 3)), t.stop() >= 0, d2l.plt.rcParams['figure.figsize'])")
    assert checks.ok, checks.error
    assert checks.value == ([1.0, 1.0], (2, 3), 6, True, (4, 3))
    missing = s.submit("d2l.load_data_fashion_mnist")
    assert missing.error.type == "AttributeError" and "stand-in" in missing.error.message


def test_real_modules_win_and_are_routed_to_the_terminal(tmp_path, monkeypatch):
    (tmp_path / "matplotlib").mkdir()
    (tmp_path / "matplotlib" / "__init__.py").write_text("REAL = True\n")
    (tmp_path / "matplotlib" / "pyplot.py").write_text(textwrap.dedent("""\
        REAL = True
        closed = []
        def get_fignums():
            return []
        def close(which=None):
            closed.append(which)
        def show():
            raise RuntimeError("the real show would open a window")
        """))
    (tmp_path / "d2l").mkdir()
    (tmp_path / "d2l" / "__init__.py").write_text("REAL = True\n")
    (tmp_path / "d2l" / "torch.py").write_text("REAL = True\ndef plot(*args, **kwargs):\n    raise RuntimeError('real')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    s = Session(hints=False)
    assert s.submit("import matplotlib.pyplot as plt; from d2l import torch as d2l").ok
    plt, d2l = s.namespace["plt"], s.namespace["d2l"]
    assert plt.__file__ == str(tmp_path / "matplotlib" / "pyplot.py") and plt.REAL
    assert d2l.__file__ == str(tmp_path / "d2l" / "torch.py") and d2l.REAL
    assert not hasattr(plt, "STANDIN") and not hasattr(d2l, "STANDIN")
    shown = s.submit("plt.show()")  # routed: no window, the open figures (none here) are drawn here
    assert shown.ok and plt.closed == ["all"]
    drawn = s.submit("d2l.plot([0, 1, 2], [0, 1, 4])")  # routed to the tutor's plot
    assert len(plots_of(drawn)) == 1


def test_the_finder_never_answers_for_other_modules():
    finder = standins.StandinFinder()
    assert finder.find_spec("json") is None and finder.find_spec("numpy") is None
    assert finder.find_spec("not_a_module_anywhere") is None



def torch_refusal() -> str:
    """What torch itself says when a tensor that requires grad is turned into numpy (the oracle)."""
    import torch

    with pytest.raises(RuntimeError) as caught:
        torch.ones(2, requires_grad=True).numpy()
    return str(caught.value)


@pytest.mark.parametrize("call", [
    "plt.plot(x, x.grad)",
    "plt.plot(x.grad, 'r--', x, y)",
    "plt.scatter(x.detach(), y)",
    "d2l.plot(x, [y.detach(), x.grad], 'x', 'f(x)')",
    "d2l.plot(x.detach(), [y, x.grad], 'x', 'f(x)', legend=['f', 'df'])",
])
def test_plotting_a_tensor_that_requires_grad_fails_as_in_the_learners_notebook(call):
    """Real matplotlib converts each tensor at the plot call, and torch refuses one that requires grad: the
    stand-ins must refuse too (not draw what the notebook would not), and the hint's fix must draw."""
    script = ("import matplotlib.pyplot as plt\nfrom d2l import torch as d2l\n"
              "x = torch.arange(0.0, 3.0, 0.5, requires_grad=True)\ny = torch.sin(x)\ny.sum().backward()\n")
    session = Session(timeout=10)
    for line in script.splitlines():
        assert session.submit(line).ok
    outcome = session.submit(call)
    assert outcome.error is not None and outcome.error.type == "RuntimeError"
    assert outcome.error.message == torch_refusal()
    hint = next(h for h in outcome.hints if h.id == "plot-requires-grad-tensor")
    assert hint.verified and ".detach()" in hint.fix, (hint.fix, hint.tried)
    fixed = session.submit(hint.fix)
    assert fixed.ok and not fixed.hints, (fixed.error, [h.id for h in fixed.hints])


def test_detached_tensors_plot_in_both_stand_ins():
    session = Session(timeout=10)
    for line in ("import matplotlib.pyplot as plt", "from d2l import torch as d2l",
                 "x = torch.arange(0.0, 3.0, 0.5, requires_grad=True)", "y = torch.sin(x)",
                 "plt.plot(x.detach(), y.detach())", "d2l.plot(x.detach(), [y.detach()], 'x', 'f(x)')"):
        outcome = session.submit(line)
        assert outcome.ok and not outcome.hints, (line, outcome.error)
