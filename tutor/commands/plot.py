"""Plots in the terminal: `%plot FUNC A B` (a function with its autograd derivatives, D2L 2.4 and
2.5) and `plot(...)`, the book's plotting helper, so book code runs unchanged.

The derivative curves come from `torch.autograd.grad` on a float64 grid, never from a formula:
for an elementwise f, the gradient of f(x).sum() with respect to x holds f'(x) at every point
(D2L 2.5.2). Both fronts return a `tutor.plot.Plot`, which the shell and the runner display.
"""

from __future__ import annotations

import ast
import inspect
import math
import re
import textwrap
import warnings

from tutor import torchload
from tutor.commands import CommandError, after_input, command, namespace_function, split_args

USAGE = "%plot FUNC A B [--order 2] [--tangent X0] [--points N] [--no-derivative] [--save FILE]"
DEFAULT_POINTS = 1000
MAX_POINTS = 200_000
LABELS = ("f(x)", "f'(x) (autograd)", "f''(x) (autograd)")
_NAME = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


# -- %plot -------------------------------------------------------------------------------------


def parse_args(args: str) -> tuple[list[str], dict]:
    """Positional words and options of `%plot` (options may come anywhere; `--opt=value` works)."""
    words = split_args(args)
    positional: list[str] = []
    options = {"order": "1", "tangent": None, "points": str(DEFAULT_POINTS), "derivative": True, "save": None}
    i = 0
    while i < len(words):
        word = words[i]
        if word.startswith("--") and len(word) > 2:
            name, eq, value = word[2:].partition("=")
            if name == "no-derivative" and not eq:
                options["derivative"] = False
            elif name in ("order", "tangent", "points", "save"):
                if not eq:
                    if i + 1 >= len(words):
                        raise CommandError(f"--{name} needs a value; usage: {USAGE}")
                    i += 1
                    value = words[i]
                options[name] = value
            else:
                raise CommandError(f"unknown option {word}; usage: {USAGE}")
        else:
            positional.append(word)
        i += 1
    if len(positional) != 3:
        got = "nothing" if not positional else " ".join(positional)
        raise CommandError(f"expected FUNC A B, got {got}; usage: {USAGE}  (e.g. %plot torch.sin 0 6.3)")
    return positional, options


def _whole_number(text: str, option: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise CommandError(f"{option} needs a whole number from {low} to {high}, not {text!r}")
    return value


def _number(session, text: str, what: str) -> float:
    """A finite float from a Python expression (a number, math.pi, a one-element tensor...)."""
    from tutor.display import is_tensor, shape_text

    value = session.eval_expr(text, what)
    if is_tensor(value):
        if value.numel() != 1:
            raise CommandError(f"{what} must be one number, but {text!r} is a tensor of shape {shape_text(value.shape)}")
        value = value.detach().item()
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CommandError(f"{what} must be a number, but {text!r} is a {type(value).__name__}") from None
    if not math.isfinite(number):
        raise CommandError(f"{what} must be a finite number, but {text!r} is {number}")
    return number


def _function(session, text: str):
    """The callable FUNC names (a name or dotted name; otherwise an expression such as a lambda)."""
    obj = session.resolve(text) if _NAME.fullmatch(text) else session.eval_expr(text, "function")
    if not callable(obj):
        from tutor.display import is_tensor

        kind = "a tensor" if is_tensor(obj) else f"a {type(obj).__name__}"
        raise CommandError(f"{text} is {kind}, not a function; %plot needs a function such as torch.sin, "
                           "or one you made with def or lambda")
    return obj


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def call_on_tensor(func, x, name: str):
    """func(x) for a 1-D tensor x, checked: a floating tensor of x's shape, or one clear CommandError."""
    import torch

    from tutor.display import shape_text

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            y = func(x)
    except Exception as exc:  # noqa: BLE001 - reported as one line (its warnings are noise then)
        advice = ""
        message = str(exc)
        if "real number" in message or "one element" in message:
            advice = " (use torch functions such as torch.sin, not math.sin, so f works on tensors)"
        raise CommandError(f"{name}(x) failed on a tensor of {x.numel()} points: {_first_line(exc)}{advice}") from None
    for w in caught:  # the call worked: pass its warnings on to the learner
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if not isinstance(y, torch.Tensor):
        raise CommandError(f"{name}(x) returned a {type(y).__name__}, not a tensor; write {name} with torch "
                           "operations (torch.sin, not math.sin or numpy) so autograd can follow it")
    if y.shape != x.shape:
        raise CommandError(f"{name} is not elementwise: for x of shape {shape_text(x.shape)} it returned shape "
                           f"{shape_text(y.shape)}; %plot needs one output per input point")
    if y.is_complex():
        raise CommandError(f"{name}(x) returned complex numbers; %plot draws real-valued functions")
    if not y.is_floating_point():
        y = y.to(x.dtype)
    return y


def autograd_curves(func, name: str, a: float, b: float, points: int, order: int):
    """x, f(x) and its first `order` derivatives by autograd (float64 tensors, detached).

    The sum trick: for an elementwise f, d/dx_i of sum_j f(x_j) is f'(x_i), so one call of
    torch.autograd.grad gives the whole derivative curve; create_graph=True lets us take it again.
    """
    import torch

    with torch.enable_grad():
        x = torch.linspace(a, b, points, dtype=torch.float64, requires_grad=order > 0)
        y = call_on_tensor(func, x, name)
        curves = [y.detach()]
        if order == 0:
            return x.detach(), curves
        if not y.requires_grad:
            raise CommandError(f"{name}(x) is not connected to x in autograd's graph (it has no grad_fn), so "
                               "there is no derivative to compute; did it use .detach(), .item() or numpy? "
                               "(--no-derivative plots f alone)")
        with torch.no_grad():
            again = call_on_tensor(func, x.detach().flip(0), name).flip(0)
        if not torch.allclose(y.detach(), again, rtol=1e-6, atol=1e-9, equal_nan=True):
            raise CommandError(f"{name} is not elementwise: its value at one point depends on the other points "
                               "(reversing x changed the outputs), so autograd's sum trick would not give f'(x)")
        out = y
        for k in range(order):
            grad = None
            if out.requires_grad:
                (grad,) = torch.autograd.grad(out.sum(), x, create_graph=k + 1 < order, allow_unused=True)
            if grad is None:  # f' is constant: the next derivative is 0
                grad = torch.zeros_like(x)
            curves.append(grad.detach())
            out = grad
    undefined = ~torch.isfinite(curves[0])
    for d in curves[1:]:
        d[undefined] = float("nan")  # no derivative where f itself is undefined
    return x.detach(), curves


def tangent_at(func, name: str, x0: float) -> tuple[float, float]:
    """(f(x0), f'(x0)) by autograd, or a CommandError when there is no tangent there."""
    import torch

    with torch.enable_grad():
        x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
        try:
            y = func(x)
        except Exception as exc:  # noqa: BLE001
            raise CommandError(f"{name}({_num(x0)}) failed: {_first_line(exc)}") from None
        if not isinstance(y, torch.Tensor) or y.numel() != 1 or not y.requires_grad:
            raise CommandError(f"could not differentiate {name} at x0 = {_num(x0)}")
        (slope,) = torch.autograd.grad(y.sum(), x)
    fx0, m = float(y.detach()), float(slope)
    if not (math.isfinite(fx0) and math.isfinite(m)):
        raise CommandError(f"{name} has no tangent at x0 = {_num(x0)}: f({_num(x0)}) = {_num(fx0)} and "
                           f"f'({_num(x0)}) = {_num(m)}")
    return fx0, m


def _num(value: float) -> str:
    from tutor.plot import number_text

    return number_text(value)


def formula(func) -> tuple[str, str] | None:
    """(argument name, expression) of a one-line lambda or a def that only returns, if its source is known."""
    try:
        source = textwrap.dedent(inspect.getsource(func))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None
    if getattr(func, "__name__", "") == "<lambda>":
        found = [n for n in ast.walk(tree) if isinstance(n, ast.Lambda)]
        if len(found) == 1 and len(found[0].args.args) == 1:
            return found[0].args.args[0].arg, ast.unparse(found[0].body)
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == func.__name__ and len(node.args.args) == 1:
            body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
            if len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None:
                return node.args.args[0].arg, ast.unparse(body[0].value)
    return None


def _title(func, text: str, a: float, b: float) -> str:
    found = formula(func)
    head = f"{text}({found[0]}) = {found[1]}" if found else f"{text}(x)"
    if len(head) > 60:
        head = head[:57] + "..."
    return f"{head} on [{_num(a)}, {_num(b)}]"


@command("plot", "plot a function and its autograd derivative: %plot torch.sin 0 6.3", usage=USAGE,
         group="calculus")
def plot_command(session, args: str):
    """Plot f on [A, B] with f'(x) computed by autograd (D2L 2.4, 2.5).

FUNC is a name in your namespace: f, torch.sin, torch.tanh ...
A and B are Python expressions: 0, -math.pi, 2*math.pi.
Quote anything with spaces: %plot f 0 "2 * math.pi".
  --order 2        add f''(x) (autograd again, create_graph=True)
  --tangent X0     draw the tangent line at X0 and print its equation
  --points N       number of grid points (default 1000)
  --no-derivative  plot f alone
  --save FILE      also save it: FILE.txt as text, FILE.html or FILE.svg in colour
Example:  f = lambda x: x**3 - 1/x   then   %plot f 0 3 --tangent 1
"""
    from tutor.plot import Curve, PlotError, line_equation, make_plot

    (func_text, a_text, b_text), options = parse_args(args)
    func = _function(session, func_text)
    a = _number(session, a_text, "A")
    b = _number(session, b_text, "B")
    if a >= b:
        raise CommandError(f"the interval needs A < B, but A = {_num(a)} and B = {_num(b)}")
    order = _whole_number(options["order"], "--order", 1, 2) if options["derivative"] else 0
    points = _whole_number(options["points"], "--points", 2, MAX_POINTS)
    x0 = _number(session, options["tangent"], "X0 (--tangent)") if options["tangent"] is not None else None

    x, ys = autograd_curves(func, func_text, a, b, points, order)
    xs = x.numpy()
    curves = [Curve(xs, y.numpy(), LABELS[k], z=int(k == 0)) for k, y in enumerate(ys)]  # f on top
    lines, caption = [], None
    if order == 1:
        caption = f"f' by autograd: grad(f(x).sum(), x) on {points} points (sum trick, D2L 2.5.2)"
    elif order == 2:
        caption = f"f', f'' by autograd: grad of f(x).sum(), create_graph=True, twice; {points} points"
    if x0 is not None:
        fx0, slope = tangent_at(func, func_text, x0)
        intercept = fx0 - slope * x0
        label = f"tangent at x = {_num(x0)}"
        curves.append(Curve(xs, slope * xs + intercept, label, in_range=False))
        where = "" if a <= x0 <= b else f"  (x0 = {_num(x0)} is outside [{_num(a)}, {_num(b)}])"
        lines.append(f"{label}: {line_equation(slope, intercept)}   "
                     f"(slope f'({_num(x0)}) = {_num(slope)} by autograd){where}")
    try:
        plot = make_plot(curves, title=_title(func, func_text, a, b), xlabel="x", xlim=(a, b), lines=lines,
                         caption=caption)
    except PlotError as exc:
        if "nothing to draw" in str(exc):
            raise CommandError(f"{func_text}(x) is not finite anywhere on [{_num(a)}, {_num(b)}] "
                               f"(e.g. {func_text}({_num(a)}) = {_num(float(ys[0][0]))})") from None
        raise CommandError(str(exc)) from None
    if options["save"]:
        from tutor.render_plot import PlotView

        plot.lines.append(save_note(PlotView(plot), options["save"], "plot"))
    return plot


def save_note(renderable, path: str, what: str) -> str:
    """Save `renderable` to `path` (text, or HTML/SVG by the file name); the line that says so."""
    from tutor.render_save import save_renderable

    try:
        kind = save_renderable(renderable, path)
    except OSError as exc:
        raise CommandError(f"could not save the {what} to {path}: {exc.strerror or exc}") from None
    return f"saved the {what} to {path} ({kind})"


# -- the book's plot() -------------------------------------------------------------------------


def _ndim(value) -> int | None:
    ndim = getattr(value, "ndim", None)
    if isinstance(ndim, int):
        return ndim
    if isinstance(value, (list, tuple)):
        return 1 + max((_ndim(v) or 0 for v in value), default=0)
    return None


def _has_one_axis(value) -> bool:
    """Like the book's has_one_axis: a 1-D tensor or array, or a list of numbers."""
    return _ndim(value) == 1


def _as_list(value) -> list:
    if _ndim(value) == 2 and not isinstance(value, (list, tuple)):
        return list(value)  # the rows of a 2-D tensor or array
    return list(value)


def _to_array(value, what: str):
    """1-D float64 numpy values from a tensor (detached, even if it requires grad), array or list."""
    import numpy as np

    from tutor.plot import PlotError

    torch = torchload.loaded()
    if torch is not None and isinstance(value, torch.Tensor):
        if value.is_complex():
            raise PlotError(f"{what} holds complex numbers; plot draws real values")
        array = value.detach().cpu().to(torch.float64).numpy()
    elif isinstance(value, (list, tuple)):
        try:
            array = np.array([float(v) for v in value], dtype=np.float64)
        except (TypeError, ValueError):
            raise PlotError(f"{what} must be numbers (a tensor, array or list), not {value!r:.60}") from None
    else:
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise PlotError(f"{what} must be numbers (a tensor, array or list), not {type(value).__name__}") from None
    if array.ndim > 1 and sum(d > 1 for d in array.shape) > 1:
        raise PlotError(f"{what} has shape {tuple(array.shape)}; each curve must be one row of numbers")
    return array.ravel()


@namespace_function("plot")
def plot(X, Y=None, xlabel=None, ylabel=None, legend=None, xlim=None, ylim=None, xscale="linear",
         yscale="linear", fmts=("-", "m--", "g-.", "r:"), figsize=(3.5, 2.5), axes=None):
    """Draw curves in the terminal, like the D2L book's plot helper (D2L 2.4).

    plot(x, [f(x), 2 * x - 3], 'x', 'f(x)', legend=['f(x)', 'Tangent (x=1)'])
    X: the x values, one set for all curves or one per curve.
    Y: a curve or a list of curves; Y=None draws X against 0, 1, 2 ...
    Tensors that require grad are detached for you (yours stay as they are).
    fmts: each curve's colour and line ('m--' magenta dashed, 'g-.', 'r:').
    figsize (inches) sets the share of the terminal width.
    Returns a Plot, which the tutor shows.
    """
    import numpy as np

    from tutor.plot import Curve, PlotError, make_plot, parse_fmt

    if _has_one_axis(X) or callable(X):
        X = [X]
    else:
        X = _as_list(X)
    if Y is None:
        X, Y = [None] * len(X), X
    elif _has_one_axis(Y) or callable(Y):
        Y = [Y]
    else:
        Y = _as_list(Y)
    if len(X) == 1 and len(Y) > 1:
        X = X * len(Y)
    if len(X) != len(Y):
        raise PlotError(f"plot got {len(X)} sets of x values for {len(Y)} curves; give one x for all, or one per curve")
    if isinstance(fmts, str):
        fmts = (fmts,)
    fmts = tuple(fmts) or ("-",)
    if isinstance(legend, str):
        legend = [legend]
    legend = list(legend or [])
    curves = []
    for i, (x, y) in enumerate(zip(X, Y)):
        what = f"curve {i + 1}" if len(Y) > 1 else "y"
        if callable(y):
            if x is None:
                raise PlotError(f"{what} is a function; give the x values too: plot(x, f)")
            y = _call_for_plot(y, _to_array(x, "x"), what)
        ys = _to_array(y, what)
        xs = np.arange(len(ys), dtype=np.float64) if x is None else _to_array(x, "x")
        if len(xs) != len(ys):
            raise PlotError(f"x has {len(xs)} values but {what} has {len(ys)}; they must have the same length")
        color, line, marker = parse_fmt(fmts[i % len(fmts)])
        label = str(legend[i]) if i < len(legend) and legend[i] is not None else None
        curves.append(Curve(xs, ys, label, color, line, marker))
    figure = make_plot(curves, xlabel=None if xlabel is None else str(xlabel),
                       ylabel=None if ylabel is None else str(ylabel), xlim=xlim, ylim=ylim,
                       xscale=xscale, yscale=yscale, figsize=figsize)
    _drawn.append(figure)
    return figure


MAX_SHOWN = 5
_drawn: list = []  # plots made by plot() during the current input


@after_input
def show_plots_made_inside(session, outcome) -> None:
    """Like Jupyter: a plot() call inside a loop, a function or an assignment still shows its plot."""
    drawn = [p for p in _drawn if p is not outcome.value]
    _drawn.clear()
    if not drawn or outcome.command_output is not None:
        return
    shown = drawn[-MAX_SHOWN:]
    if len(drawn) > len(shown):
        shown = [f"({len(drawn) - len(shown)} earlier plots of this input are not shown)", *shown]
    if len(shown) == 1:
        outcome.command_output = shown[0]
    else:
        from tutor.plot import Figures

        outcome.command_output = Figures(shown)


def _call_for_plot(func, xs, what: str):
    import torch

    with torch.no_grad():
        return func(torch.from_numpy(xs))
