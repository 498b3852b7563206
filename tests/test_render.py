"""Rendering: exact text at a fixed width, colour rules, and the JSON record of an outcome."""

from __future__ import annotations

import io

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
