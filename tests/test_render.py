"""Rendering: exact text at a fixed width, colour rules, and the JSON record of an outcome."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tutor.render import make_console, outcome_renderables, outcome_text
from tutor.runner import outcome_record
from tutor.session import Session


def test_error_panel_shows_type_message_and_the_learners_line_only():
    s = Session(hints=False)
    out = s.submit("x = torch.ones(2, requires_grad=True)\ny = x * 2\ny.backward()")
    assert outcome_text(out, 60).splitlines() == [
        "╭─ RuntimeError ─────────────────────────────────────────╮",
        "│ grad can be implicitly created only for scalar outputs │",
        "│   line 3: y.backward()                                 │",
        "╰────────────────────────────────────────────────────────╯",
    ]


def test_syntax_error_points_at_the_column():
    out = Session().submit("y = (1 +")
    assert outcome_text(out, 60).splitlines()[2:4] == [
        "│   line 1: y = (1 +   │",
        "│               ^      │",
    ]


def test_value_gradients_and_warnings_in_order():
    s = Session(hints=False)
    s.submit("x = torch.tensor([1.0, 2.0], requires_grad=True)")
    out = s.submit("print('before'); y = (x ** 2).sum(); y.backward(); y")
    assert outcome_text(out, 80).splitlines() == [
        "before",
        "tensor(5., grad_fn=<SumBackward0>)",
        "shape () · float32 · requires_grad · non-leaf",
        "x.grad = tensor([2., 4.])",
    ]
    warned = s.submit("y.grad")
    assert outcome_text(warned, 100).splitlines()[-1] == (
        "⚠ UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. …")
    assert "Triggered internally" not in outcome_text(warned, 400)


def test_interrupt_is_one_line():
    out = Session(timeout=0.2).submit("while True: pass")
    assert outcome_text(out, 100) == (
        "⏹ stopped after 0.2 s (time limit) at line 1: while True: pass. Your variables are kept.")


def test_no_color_and_plain_output(monkeypatch):
    out = Session(hints=False).submit("raise ValueError('bad')")
    monkeypatch.setenv("NO_COLOR", "1")
    buffer = io.StringIO()
    console = make_console(buffer, width=60)
    console.force_terminal = True  # even on a terminal, NO_COLOR means no colour codes
    for part in outcome_renderables(out):
        console.print(part)
    assert "\x1b[3" not in buffer.getvalue() and "bad" in buffer.getvalue()
    assert "\x1b[" not in outcome_text(out, 60)


def test_json_record_of_a_value():
    s = Session()
    out = s.submit("torch.tensor([1.5, 2.0])")
    record = outcome_record(out, outcome_text(out))
    assert record["value"] == "tensor([1.5000, 2.0000])\nshape (2,) · float32"
    assert record["ok"] and record["error"] is None and record["gradients"] == {}


# -- golden text at 80 and 120 columns ---------------------------------------------------------------

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("width", [80, 120])
def test_golden_two_curve_plot_with_a_pole(width):
    s = Session(hints=False)
    s.submit("f = lambda x: 1 / (x - 1)")
    out = s.submit("%plot f -1 3")
    text = outcome_text(out, width)
    assert text + "\n" == (GOLDEN / f"plot_pole_{width}.txt").read_text(encoding="utf-8")
    assert max(len(line) for line in text.splitlines()) <= min(width, 110)
    assert "•• f(x)   ++ f'(x) (autograd)" in text  # each curve its own character, as drawn


def test_a_pole_breaks_the_line_instead_of_joining_it():
    import numpy as np

    from tutor.plot import Curve, jump_starts, make_plot

    x = np.linspace(0, 6, 600)
    plot = make_plot([Curve(x, np.tan(x), "tan"), Curve(x, np.floor(x), "floor"), Curve(x, np.exp(x), "exp")],
                     ylim=(-10, 10))
    tan, floor, smooth = plot.curves
    breaks_at = [float(x[i]) for i in tan.starts]
    assert len(breaks_at) == 2  # just after π/2 and 3π/2, nowhere else
    assert abs(breaks_at[0] - np.pi / 2) < 0.02 and abs(breaks_at[1] - 3 * np.pi / 2) < 0.02
    assert sorted(round(float(x[i])) for i in floor.starts) == [1, 2, 3, 4, 5, 6]  # every step of floor (x = 6 too)
    assert smooth.starts == ()  # a steep but smooth curve is never broken
    assert jump_starts(np.array([0.0, 1.0, 2.0, 3.0]), (0, 3)) == []


@pytest.mark.parametrize("width, title_line", [
    (80, "╭─  Lesson 8 · Detaching computation: detach(), clone() and… (D2L 2.5.3)  ─────╮"),
    (120, "╭─  Lesson 8 · Detaching computation: detach(), clone() and torch.no_grad() (D2L 2.5.3)  "
          + "─" * 10 + "╮"),
])
def test_golden_lesson_card_title_fits_and_prose_stays_readable(width, title_line):
    s = Session(hints=False)
    out = s.submit("%lesson detaching")
    lines = outcome_text(out, width).splitlines()
    card = lines[lines.index(next(line for line in lines if line.startswith("╭─  Lesson 8"))):]
    assert card[0] == title_line  # shortened at a word, never cut by the border
    assert all(len(line) <= min(width, 100) for line in card)
