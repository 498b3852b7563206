"""Terminal plots: %plot (autograd derivatives, tangents, poles) and the book's plot() helper.

Plots are built in process at fixed sizes. Numbers are checked on the data the plot is drawn from
(`Plot.curves`), with PyTorch as the oracle; the drawing is checked as plain text.
"""

from __future__ import annotations

import io
import json
import threading

import numpy as np
import pytest
import torch
from rich.console import Console

from tutor.plot import Curve, Plot, PlotError, line_equation, make_plot, nice_ticks, number_text, parse_fmt
from tutor.render import make_console, outcome_text, plain_text, to_renderable
from tutor.runner import run_inputs

F = "f(x)"
D1 = "f'(x) (autograd)"
D2 = "f''(x) (autograd)"


def submit_ok(session, text):
    out = session.submit(text)
    assert out.error is None, out.error
    return out


def plot_of(session, command) -> Plot:
    out = submit_ok(session, command)
    assert isinstance(out.command_output, Plot)
    return out.command_output


def area(text: str) -> str:
    """The drawing inside the frame (between the top and bottom border lines)."""
    lines = text.splitlines()
    top = next(i for i, line in enumerate(lines) if "┌" in line)
    bottom = next(i for i, line in enumerate(lines) if "└" in line)
    return "\n".join(line.split("│", 1)[-1].split("┤", 1)[-1] for line in lines[top + 1 : bottom])


def as_tensor(values) -> torch.Tensor:
    return torch.as_tensor(np.asarray(values), dtype=torch.float64)


# -- numbers and ticks -----------------------------------------------------------------------------


@pytest.mark.parametrize("value, text", [
    (4.000000000000001, "4"), (-0.0, "0"), (0.5403023058681398, "0.540302"), (-3.0, "-3"),
    (110889.5, "110890"), (1e-7, "1e-7"), (float("inf"), "inf"),
])
def test_number_text_drops_float_noise(value, text):
    assert number_text(value) == text


@pytest.mark.parametrize("slope, intercept, text", [
    (4.0, -4.0, "y = 4x - 4"), (2.0000000000000004, -3.0, "y = 2x - 3"), (1.0, 0.0, "y = x"),
    (-1.0, 2.5, "y = -x + 2.5"), (0.0, -3.0, "y = -3"), (0.5, 1e-17, "y = 0.5x"),
])
def test_line_equation_is_clean(slope, intercept, text):
    assert line_equation(slope, intercept) == text


@pytest.mark.parametrize("lo, hi, target", [(0, 3, 6), (-30, 90, 6), (-1, 1, 4), (0, 3e-4, 4), (-5, 5e6, 5)])
def test_nice_ticks_are_round_evenly_spaced_and_inside(lo, hi, target):
    values, labels = nice_ticks(lo, hi, target)
    assert 2 <= len(values) <= target + 2 and len(labels) == len(values)
    assert all(lo - 1e-12 <= v <= hi + 1e-12 for v in values)
    steps = np.diff(values)
    np.testing.assert_allclose(steps, steps[0], rtol=1e-9)
    mantissa = steps[0] / 10 ** np.floor(np.log10(steps[0]))
    assert any(abs(mantissa - m) < 1e-9 for m in (1, 2, 2.5, 5))
    for value, label in zip(values, labels):
        assert float(label) == pytest.approx(value, rel=0.01, abs=steps[0] * 1e-6)


@pytest.mark.parametrize("fmt, expected", [
    ("-", (None, "-", None)), ("m--", ("magenta+", "--", None)), ("g-.", ("green+", "-.", None)),
    ("r:", ("red+", ":", None)), ("bo", ("blue+", "", "o")), ("k-x", ("default", "-", "x")),
])
def test_parse_fmt_follows_matplotlib(fmt, expected):
    assert parse_fmt(fmt) == expected


# -- %plot -----------------------------------------------------------------------------------------


def test_plot_command_draws_f_its_derivative_and_the_tangent(session):
    submit_ok(session, "f = lambda x: x**3 - 1/x")
    out = submit_ok(session, "%plot f 0 3 --tangent 1")
    plot = out.command_output
    assert plot.labels == [F, D1, "tangent at x = 1"]
    text = outcome_text(out, 80)
    assert "tangent at x = 1: y = 4x - 4" in text
    assert "•• f(x)   ++ f'(x) (autograd)   xx tangent at x = 1" in text
    drawn = area(text)
    for marker in "•+x":  # every curve is drawn, told apart by its character
        assert drawn.count(marker) > 10, marker
    assert "f(x) = x ** 3 - 1 / x on [0, 3]" in text  # the title shows the lambda's formula
    assert "\x1b" not in text
    assert max(len(line) for line in text.splitlines()) <= 80
    # the derivative is autograd's, on the points drawn: 3x² + 1/x²
    d = plot.curve(D1)
    x = as_tensor(d.x)
    torch.testing.assert_close(as_tensor(d.y), 3 * x**2 + 1 / x**2)
    t = plot.curve("tangent at x = 1")
    torch.testing.assert_close(as_tensor(t.y), 4 * as_tensor(t.x) - 4)


def test_the_plotted_derivative_of_sin_is_cos_and_the_second_is_minus_sin(session):
    plot = plot_of(session, "%plot torch.sin -math.pi 2*math.pi --order 2 --points 301")
    assert plot.labels == [F, D1, D2]
    f, d1, d2 = (plot.curve(label) for label in (F, D1, D2))
    x = as_tensor(f.x)
    assert len(x) == 301 and x[0].item() == pytest.approx(-np.pi) and x[-1].item() == pytest.approx(2 * np.pi)
    np.testing.assert_array_equal(d1.x, f.x)
    torch.testing.assert_close(as_tensor(f.y), torch.sin(x))
    torch.testing.assert_close(as_tensor(d1.y), torch.cos(x))
    torch.testing.assert_close(as_tensor(d2.y), -torch.sin(x))
    assert plot.notes == []  # nothing dropped, nothing clipped


def test_a_user_function_its_second_derivative_and_the_tangent_of_the_book_example(session):
    submit_ok(session, "def f(x):\n    return 3 * x ** 2 - 4 * x")
    out = submit_ok(session, "%plot f 0 3 --order=2 --tangent 1 --points 50")
    plot = out.command_output
    x = as_tensor(plot.curve(F).x)
    torch.testing.assert_close(as_tensor(plot.curve(D1).y), 6 * x - 4)
    torch.testing.assert_close(as_tensor(plot.curve(D2).y), torch.full_like(x, 6.0))
    text = outcome_text(out, 100)
    assert "tangent at x = 1: y = 2x - 3" in text and "f(x) = 3 * x ** 2 - 4 * x on [0, 3]" in text


def test_no_derivative_plots_f_alone_and_x0_outside_is_said(session):
    out = submit_ok(session, "%plot torch.exp -1 1 --no-derivative --tangent 2")
    assert out.command_output.labels == [F, "tangent at x = 2"]
    assert "outside [-1, 1]" in outcome_text(out)


def test_the_pole_case_draws_drops_the_point_and_clips_the_y_axis(session):
    submit_ok(session, "f = lambda x: x**3 - 1/x")
    out = submit_ok(session, "%plot f 0 3")
    plot = out.command_output
    for curve in plot.curves:
        assert np.isfinite(curve.y).all() and np.isfinite(curve.x).all()
        assert 0.0 not in curve.x and len(curve.x) == 999
    dropped, clipped = plot.notes
    assert dropped.startswith("note: left out the point at x = 0") and "not finite" in dropped
    assert clipped.startswith("note: y-axis cut to")
    lo, hi = plot.ylim
    biggest = max(float(c.y.max()) for c in plot.curves)
    assert hi < biggest / 100  # not squashed by 1/x² near 0 ...
    assert lo < -4 and hi > 27  # ... yet the curves on [0.5, 3] fit entirely (f' reaches 27)
    text = outcome_text(out, 80)
    assert dropped in text and clipped in text
    assert "\n" not in dropped and len(dropped) <= 80 and len(clipped) <= 80


def test_log_on_negative_numbers_leaves_out_that_half(session):
    out = submit_ok(session, "%plot torch.log -2 2")
    plot = out.command_output
    assert plot.xlim == (-2.0, 2.0)  # the interval asked for, honestly
    f, d = plot.curve(F), plot.curve(D1)
    assert (f.x > 0).all() and len(f.x) == 500
    np.testing.assert_array_equal(d.x, f.x)  # no derivative where f is undefined
    torch.testing.assert_close(as_tensor(d.y), 1 / as_tensor(d.x))
    assert "note: left out 500 points that are nan (not finite), x from -2 to -0.002." in plot.notes


def test_gaps_split_a_curve_into_pieces():
    x = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    y = np.array([1.0, 2.0, np.nan, 4.0, np.inf, 6.0])
    plot = make_plot([Curve(x, y, "y")])
    pieces = [list(px) for px, _ in plot.curves[0].pieces()]
    assert pieces == [[0.0, 1.0], [3.0], [5.0]]
    assert plot.notes == ["note: left out 2 points that are nan or inf (not finite), x from 2 to 4."]


@pytest.mark.parametrize("command, expected", [
    ("%plot x 0 1", "x is a tensor, not a function"),
    ("%plot torch.sum 0 1", "torch.sum is not elementwise: for x of shape (1000,) it returned shape ()"),
    ("%plot cumsum 0 1", "cumsum is not elementwise: its value at one point depends on the other points"),
    ("%plot math.sin 0 1", "use torch functions such as torch.sin, not math.sin"),
    ("%plot detached 0 1", "not connected to x in autograd's graph"),
    ("%plot as_numpy 0 1", "returned a ndarray, not a tensor"),
    ("%plot torch.sin 3 0", "the interval needs A < B, but A = 3 and B = 0"),
    ("%plot torch.sin 1 1", "the interval needs A < B"),
    ("%plot torch.sin 0 2*", "could not read the B '2*'"),
    ("%plot torch.sin 0 undefined_name", "evaluating 'undefined_name' raised NameError"),
    ("%plot torch.sin 0 x", "B must be one number, but 'x' is a tensor of shape (4,)"),
    ("%plot torch.sin 0 \"'a'\"", "B must be a number, but \"'a'\" is a str"),
    ("%plot torch.sin 0 math.inf", "B must be a finite number"),
    ("%plot torch.sin 0 1 --points 0", "--points needs a whole number from 2 to 200000, not '0'"),
    ("%plot torch.sin 0 1 --points abc", "--points needs a whole number"),
    ("%plot torch.sin 0 1 --points 2.5", "--points needs a whole number"),
    ("%plot torch.sin 0 1 --order 3", "--order needs a whole number from 1 to 2"),
    ("%plot torch.sin 0 1 --tangent", "--tangent needs a value"),
    ("%plot torch.sin 0 1 --color red", "unknown option --color"),
    ("%plot torch.sin 0", "expected FUNC A B, got torch.sin 0"),
    ("%plot", "expected FUNC A B, got nothing"),
    ("%plot nothing_here 0 1", "name 'nothing_here' is not defined"),
    ("%plot torch.sin 0 1 --tangent \"'x'\"", "X0 (--tangent) must be a number"),
    ("%plot recip 0 1 --tangent 0", "recip has no tangent at x0 = 0"),
    ("%plot nan_everywhere 0 1", "nan_everywhere(x) is not finite anywhere on [0, 1]"),
    ('%plot torch.sin 0 "1', "could not read the arguments"),
])
def test_bad_input_gives_one_clear_line(session, command, expected):
    submit_ok(session, "x = torch.arange(4.0)")
    submit_ok(session, "cumsum = lambda t: torch.cumsum(t, 0)")
    submit_ok(session, "detached = lambda t: t.detach() ** 2")
    submit_ok(session, "as_numpy = lambda t: t.detach().numpy() ** 2")
    submit_ok(session, "recip = lambda t: 1 / t")
    submit_ok(session, "nan_everywhere = lambda t: t * float('nan')")
    out = session.submit(command)
    assert out.error is not None and out.error.type == "CommandError", out.error
    assert expected in out.error.message
    assert "\n" not in out.error.message and "Traceback" not in out.error.message
    assert out.warnings == []


def test_a_lambda_expression_works_as_func(session):
    plot = plot_of(session, '%plot "lambda t: t**2" -1 1 --points 11')
    torch.testing.assert_close(as_tensor(plot.curve(D1).y), 2 * as_tensor(plot.curve(D1).x))


# -- the book's plot() -----------------------------------------------------------------------------


BOOK_24 = """\
def f(x):
    return 3 * x ** 2 - 4 * x
x = np.arange(0, 3, 0.1)
plot(x, [f(x), 2 * x - 3], 'x', 'f(x)', legend=['f(x)', 'Tangent line (x=1)'])"""


def test_the_book_calculus_example_runs_unchanged_through_submit(session):
    submit_ok(session, "def f(x):\n    return 3 * x ** 2 - 4 * x")
    submit_ok(session, "x = np.arange(0, 3, 0.1)")
    out = submit_ok(session, "plot(x, [f(x), 2 * x - 3], 'x', 'f(x)', legend=['f(x)', 'Tangent line (x=1)'])")
    assert out.warnings == [] and out.has_value and isinstance(out.value, Plot)
    plot = out.value
    assert plot.labels == ["f(x)", "Tangent line (x=1)"] and (plot.xlabel, plot.ylabel) == ("x", "f(x)")
    x = np.arange(0, 3, 0.1)
    np.testing.assert_allclose(plot.curves[0].y, 3 * x**2 - 4 * x)
    np.testing.assert_allclose(plot.curves[1].y, 2 * x - 3)
    assert plot.curves[1].color == "magenta+" and plot.curves[1].line == "--"  # fmts 'm--'
    text = outcome_text(out, 80)
    assert "•• f(x)   ++ Tangent line (x=1)" in text
    assert out.display.startswith("<Plot: 2 curves")


def test_tensors_that_require_grad_are_detached_silently(session):
    submit_ok(session, "x = torch.arange(0, 3, 0.1, requires_grad=True)")
    out = submit_ok(session, "plot(x, [3 * x ** 2 - 4 * x, 2 * x - 3], 'x', 'f(x)', legend=['f(x)', 'Tangent line (x=1)'])")
    assert out.warnings == [] and isinstance(out.value, Plot)
    x = torch.arange(0, 3, 0.1, dtype=torch.float64)
    torch.testing.assert_close(as_tensor(out.value.curves[0].y), (3 * x**2 - 4 * x), rtol=1e-6, atol=1e-6)
    assert session.namespace["x"].requires_grad  # the learner's tensor is untouched
    assert session.submit("x.grad").value is None


def test_the_book_autograd_exercise_sin_and_its_autograd_derivative(session):
    submit_ok(session, "x = torch.linspace(-5, 5, 200, requires_grad=True)")
    submit_ok(session, "y = torch.sin(x)")
    submit_ok(session, "y.sum().backward()")
    out = submit_ok(session, "plot(x, [y, x.grad], 'x', legend=['sin(x)', \"d sin(x)/dx\"])")
    plot = out.value
    x = as_tensor(plot.curves[1].x)
    torch.testing.assert_close(as_tensor(plot.curves[1].y), torch.cos(x), rtol=1e-5, atol=1e-6)


def test_y_none_lists_one_x_for_several_ys_and_2d_input(session):
    plot = submit_ok(session, "plot([1, 4, 9, 16])").value
    np.testing.assert_array_equal(plot.curves[0].x, [0, 1, 2, 3])
    np.testing.assert_array_equal(plot.curves[0].y, [1, 4, 9, 16])
    plot = submit_ok(session, "plot(torch.tensor([[1., 2.], [3., 4.]]))").value  # rows are curves
    assert len(plot.curves) == 2 and list(plot.curves[1].y) == [3.0, 4.0]
    plot = submit_ok(session, "t = torch.arange(5.0); plot(t, [t, t**2, t**3, t**4, t**5], legend=list('abcde'))").value
    assert len(plot.curves) == 5 and plot.labels == list("abcde")
    assert [c.color for c in plot.curves] == [None, "magenta+", "green+", "red+", None]  # fmts cycle
    np.testing.assert_array_equal(plot.curves[4].y, np.arange(5.0) ** 5)
    plot = submit_ok(session, "plot([torch.tensor(1.0, requires_grad=True), torch.tensor(2.0)])").value
    assert list(plot.curves[0].y) == [1.0, 2.0]
    plot = submit_ok(session, "plot(torch.arange(4.0), torch.sin)").value  # a function as Y
    torch.testing.assert_close(as_tensor(plot.curves[0].y), torch.sin(torch.arange(4.0, dtype=torch.float64)))


def test_limits_scales_and_figsize(session):
    out = submit_ok(session, "x = torch.linspace(0.1, 10, 100); plot(x, torch.exp(x), xlim=(0, 5), ylim=[0, 200], "
                             "yscale='log', figsize=(7, 3))")
    plot = out.value
    assert plot.xlim == (0.0, 5.0) and plot.yscale == "log"
    assert plot.ylim == (pytest.approx(np.exp(0.1), rel=1e-6), 200.0)  # a log axis cannot start at 0
    assert "note: a log axis cannot reach 0; the y-axis starts at 1.105 instead." in plot.notes
    drawn = outcome_text(out, 80)
    y_ticks = [line.split("┤")[0].strip() for line in drawn.splitlines() if "┤" in line]
    assert y_ticks == ["100", "10"]  # powers of ten on a log axis
    wide, narrow = outcome_text(out, 120), outcome_text(submit_ok(session, "plot(x, x)"), 120)
    assert max(map(len, wide.splitlines())) > max(map(len, narrow.splitlines()))  # 7 inches > 3.5


@pytest.mark.parametrize("code, expected", [
    ("plot([1, 2, 3], [1, 2])", "x has 3 values but y has 2"),
    ("plot([[1, 2], [3, 4], [5, 6]], [[1, 2], [3, 4]])", "3 sets of x values for 2 curves"),
    ("plot([1, 2], ['a', 'b'])", "must be numbers"),
    ("plot([1, 2], [1, 2], yscale='symlog')", "yscale must be 'linear' or 'log'"),
    ("plot([1, 2], [1, 2], ylim=(3, 1))", "ylim must be two finite numbers with the first smaller"),
    ("plot([float('nan')] * 3)", "nothing to draw"),
])
def test_bad_plot_calls_raise_one_clear_error(session, code, expected):
    out = session.submit(code)
    assert out.error is not None and out.error.type == "PlotError" and expected in out.error.message


# -- rendering -------------------------------------------------------------------------------------


def sin_plot() -> Plot:
    x = np.linspace(-3, 3, 200)
    return make_plot([Curve(x, np.sin(x), "sin"), Curve(x, np.cos(x), "cos", "magenta+", "--")],
                     title="sin and cos", xlabel="x")


def render(plot, width, *, color):
    console = Console(file=io.StringIO(), width=width, color_system="256" if color else None,
                      force_terminal=color, legacy_windows=False)
    console.print(to_renderable(plot))
    return console.file.getvalue()


def test_size_follows_the_console_and_colour_only_when_the_console_has_it():
    plot = sin_plot()
    narrow, wide = render(plot, 60, color=False), render(plot, 120, color=False)
    assert max(map(len, narrow.splitlines())) <= 60 < max(map(len, wide.splitlines())) <= 120
    assert "\x1b" not in narrow and "sin and cos" in narrow and "•• sin   ++ cos" in narrow
    coloured = render(plot, 80, color=True)
    assert "\x1b[95m" in coloured  # the 'm' curve and its legend swatch are (bright) magenta
    assert "\x1b[95m++" in coloured  # the legend shows what the curve is drawn with, in its colour
    assert "\x1b[94m••" in coloured


def test_no_color_environment_gives_plain_text(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    console = make_console(io.StringIO(), width=80)
    console.force_terminal = True
    console.print(to_renderable(sin_plot()))
    text = console.file.getvalue()
    assert "sin and cos" in text and "\x1b[38" not in text
    assert "•• sin   ++ cos" in text


def test_plain_text_is_fixed_and_building_is_repeatable_and_thread_safe():
    plot = sin_plot()
    first = plain_text([to_renderable(plot)], 80)
    fresh = sin_plot()
    assert plain_text([to_renderable(fresh)], 80) == first  # plotext's global state does not leak
    results, plots = {}, [sin_plot() for _ in range(4)]

    def build(i):
        results[i] = plots[i].text(70, 18)

    threads = [threading.Thread(target=build, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results.values())) == 1 and results[0] == sin_plot().text(70, 18)


def test_ticks_and_labels_are_on_the_axes():
    text = sin_plot().text(80, 20)
    bottom = text.splitlines()[-3:]
    assert any("-3" in line and "0" in line and "3" in line for line in bottom)  # x ticks
    assert bottom[-1].strip() == "x"
    y_ticks = [line.split("┤")[0].strip() for line in text.splitlines() if "┤" in line]
    assert "0" in y_ticks and "-1.0" in y_ticks and "1.0" in y_ticks


# -- the runner and JSON ---------------------------------------------------------------------------


def test_json_output_holds_the_plot_text(session):
    out = io.StringIO()
    status = run_inputs(session, ["f = lambda x: x**3 - 1/x", "%plot f 0 3 --tangent 1", *BOOK_24.split("\n", 2)[2:]],
                        out=out, as_json=True)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert status == 0 and all(r["ok"] for r in records)
    text = records[1]["output"]
    assert "tangent at x = 1: y = 4x - 4" in text and "f'(x) (autograd)" in text and "└" in text
    assert "\x1b" not in text
    assert "Tangent line (x=1)" in records[-1]["output"]
    assert records[-1]["value"].startswith("<Plot")


def test_plot_shows_in_the_runner_text_output(session):
    out = io.StringIO()
    run_inputs(session, ["%plot torch.sin 0 6.3"], out=out)
    text = out.getvalue()
    assert text.startswith(">>> %plot torch.sin 0 6.3\n") and "torch.sin(x) on [0, 6.3]" in text
    assert "•• f(x)   ++ f'(x) (autograd)" in text


def test_make_plot_rejects_mismatched_data():
    with pytest.raises(PlotError, match="x has 2 values but y has 3"):
        make_plot([Curve(np.zeros(2), np.zeros(3))])


def test_plot_inside_a_loop_or_an_assignment_still_shows():
    from tutor.plot import Figures, Plot
    from tutor.session import Session

    s = Session()
    s.submit("x = torch.linspace(0, 3, 30)")
    assigned = s.submit("p = plot(x, x**2)")
    assert isinstance(assigned.command_output, Plot) and assigned.command_output is s.namespace["p"]
    looped = s.submit("for k in range(3):\n    plot(x, k * x)")
    assert isinstance(looped.command_output, Figures) and len(looped.command_output) == 3
    top = s.submit("plot(x, x)")
    assert top.command_output is None and isinstance(top.value, Plot)  # shown once, as the value
    assert s.submit("y = 1").command_output is None


def test_plot_and_graph_save_to_text_svg_and_html(session, tmp_path):
    from tutor.render import outcome_text

    text_file, svg_file, html_file = tmp_path / "sin.txt", tmp_path / "sin.svg", tmp_path / "g.html"
    out = session.submit(f"%plot torch.sin 0 6 --save {text_file}")
    assert out.ok and f"saved the plot to {text_file} (text)" in outcome_text(out, 200)
    saved = text_file.read_text(encoding="utf-8")
    assert "torch.sin(x) on [0, 6]" in saved and "•• f(x)   ++ f'(x) (autograd)" in saved and "\x1b" not in saved
    assert session.submit(f"%plot torch.sin 0 6 --save {svg_file}").ok
    assert svg_file.read_text(encoding="utf-8").startswith("<svg")
    session.submit("x = torch.tensor(2.0, requires_grad=True); y = x * x + 1")
    graph = session.submit(f"%graph y --save {html_file}")
    assert graph.ok and "AddBackward0" in outcome_text(graph, 120) and "(HTML)" in outcome_text(graph, 120)
    assert "AddBackward0" in html_file.read_text(encoding="utf-8")
    failed = session.submit(f"%graph y --save {tmp_path / 'missing' / 'g.txt'}")
    assert failed.error.type == "CommandError" and "could not save the graph" in failed.error.message
