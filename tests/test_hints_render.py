"""Hint rendering (golden text at width 60), %explain, %hints, and diagnosis robustness."""

from __future__ import annotations

import pytest

import tutor.hints as hints_pkg
from tutor.hints import IDS, last_hints
from tutor.render import hint_renderable, outcome_text, plain_text
from tutor.session import Session, diagnose_inputs


@pytest.fixture(autouse=True)
def strict_rules(monkeypatch):
    monkeypatch.setattr(hints_pkg, "STRICT", True)


def run(*inputs: str, timeout: float | None = 5.0):
    session = Session(timeout=timeout)
    session.ensure_torch()
    outcome = None
    for text in inputs:
        outcome = session.submit(text)
    return session, outcome


FORUM = ("x = torch.arange(2.0)", "x.requires_grad_(True);", "y = 3*torch.dot(x,x) + 5*torch.exp(x)", "y.backward()")


def test_golden_non_scalar_backward_hint():
    _, outcome = run(*FORUM)
    assert plain_text([hint_renderable(h) for h in outcome.hints], width=60) == """\
hint non-scalar-backward · backward() needs a single number
  y has shape (2,): backward() needs a single number, and
  5*torch.exp(x) made y a vector.
  fix, tried on a copy of your session: y.sum().backward()
  reread D2L 2.5.2 · %explain for more"""


def test_golden_accumulation_under_the_gradient_line():
    _, outcome = run("x = torch.arange(4.0, requires_grad=True)", "y = 2 * torch.dot(x, x)", "y.backward()",
                     "y = 2 * torch.dot(x, x)", "y.backward()")
    assert outcome_text(outcome, width=60) == """\
x.grad = tensor([ 0.,  8., 16., 24.])   (was tensor([ 0.,
4.,  8., 12.]))
hint grad-accumulation · backward() adds to .grad instead of
replacing it
  x.grad went from [0, 4, 8, 12] to [0, 8, 16, 24]:
  backward() adds to .grad, it does not replace it.
  fix, tried on a copy of your session:
  x.grad = None
  y = 2 * torch.dot(x, x)
  y.backward()
  reread D2L 2.5.1 · %explain for more"""


def test_golden_silent_mistake_under_the_value():
    _, outcome = run("x = torch.tensor(3.0, requires_grad=True)", "g = torch.autograd.grad(x ** 2, x)", "g * 2")
    assert outcome_text(outcome, width=60) == """\
(tensor(6.), tensor(6.))
hint grad-returns-tuple · torch.autograd.grad returns a
tuple
  g is the tuple (tensor(6.),), so g * 2 works on the tuple,
  not on the gradient.
  fix, tried on a copy of your session:
  (g,) = torch.autograd.grad(x ** 2, x)
  g * 2
  reread D2L 2.5.1 · %explain for more"""


def test_golden_explain():
    session, _ = run("x = torch.tensor(3.0, requires_grad=True)", "g = torch.autograd.grad(x ** 2, x)", "g * 2")
    outcome = session.submit("%explain")
    assert outcome_text(outcome, width=60) == """\
╭─ grad-returns-tuple ─────────────────────────────────────╮
│ torch.autograd.grad returns a tuple                      │
│ In your input: g is the tuple (tensor(6.),), so g * 2    │
│ works on the tuple, not on the gradient.                 │
│ Fix, tried on a copy of your session:                    │
│ (g,) = torch.autograd.grad(x ** 2, x)                    │
│ g * 2                                                    │
│                                                          │
│ torch.autograd.grad(outputs, inputs) gives one gradient  │
│ per input, always in a tuple, even for a single input.   │
│ Tensor methods then fail on the tuple, and g * 2 quietly │
│ repeats the tuple instead of doubling the gradient.      │
│ Unpack it: (g,) = torch.autograd.grad(...), or take [0]. │
│                                                          │
│ Try it (paste into the shell):                           │
│ x = torch.tensor(3.0, requires_grad=True)                │
│ (g,) = torch.autograd.grad(x ** 2, x)    # unpack the    │
│ one-element tuple                                        │
│ print(g, g.item(), g * 2)                                │
╰────────────────────────────────────────────── D2L 2.5.1 ─╯"""


@pytest.mark.parametrize("width", [60, 80, 100])
def test_every_rendered_hint_is_compact(width):
    """Three to six lines at a usual terminal width (a hint is compact)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from hints_cases import CASES
    from tutor.runner import split_inputs

    for hint_id, script, opts in CASES:
        _, outcome = run(*split_inputs(script), timeout=opts.get("timeout", 5.0))
        hint = outcome.hints[0]
        lines = plain_text([hint_renderable(hint)], width=width).splitlines()
        limit = 6 if width >= 100 else 7 if width >= 80 else 9
        # a verified fix of several lines is shown as a block under its label
        code_lines = hint.fix.count("\n") + 2 if "\n" in hint.fix else 0
        if hint.fix_in_place_of:  # what the fix stands in for: a line of its own, the code under it
            code_lines += 2 + ("\n" not in hint.fix)
        assert code_lines <= 6, (hint_id, hint.fix)
        assert 3 <= len(lines) <= limit + code_lines, (hint_id, width, lines)


def test_explain_keeps_the_last_hints_and_accepts_an_id():
    session, outcome = run(*FORUM)
    assert [h.id for h in last_hints(session)] == ["non-scalar-backward"]
    session.submit("z = 1 + 1")  # a clean input does not forget the last hint
    shown = session.submit("%explain")
    assert shown.ok and [h.id for h in shown.command_output.hints] == ["non-scalar-backward"]
    assert shown.command_output.input == "y.backward()"
    text = outcome_text(shown, width=80)
    assert "In your input: y has shape (2,)" in text and "y.sum().backward()" in text
    by_id = session.submit("%explain double-backward")
    assert by_id.ok and "retain_graph=True" in outcome_text(by_id, width=80)


def test_explain_without_a_hint_and_with_bad_ids():
    session, _ = run()
    assert "No hint yet" in outcome_text(session.submit("%explain"), width=80)
    bad = session.submit("%explain double-backwards")
    assert bad.error.type == "CommandError" and "Did you mean double-backward?" in bad.error.message
    assert session.submit("%explain a b").error.type == "CommandError"
    assert session.submit("%explain 'unbalanced").error.type == "CommandError"


def test_hints_off_and_on():
    session, _ = run(*FORUM[:3])
    assert session.submit("%hints off").ok and session.hints_enabled is False
    assert session.submit("y.backward()").hints == []
    assert "off" in outcome_text(session.submit("%hints"), width=80)
    assert session.submit("%hints on").ok and session.hints_enabled is True
    assert [h.id for h in session.submit("y.backward()").hints] == ["non-scalar-backward"]
    assert session.submit("%hints sometimes").error.type == "CommandError"
    listing = outcome_text(session.submit("%hints list"), width=120)
    assert all(hint_id in listing for hint_id in IDS)


def test_diagnose_inputs_for_lessons():
    result = diagnose_inputs("x = torch.ones(3, requires_grad=True)\nx += 1\n")
    assert [[h.id for h in hs] for _, hs in result] == [[], ["inplace-on-leaf"]]


ODD = [
    "1/0", "import nonexistent_module_xyz", "def f(:\n  pass", "raise KeyboardInterrupt",
    "x = torch.ones(3)\nx.grad.zero_()", "[][0]", "{}['k']", "x = torch.ones(2, 3)\nx @ x",
    "x = torch.ones(3, requires_grad=True)\nwhile True:\n    pass",
    "g = (1, 2)\ng * 2", "t = torch.tensor(1.0)\nf'{t:.3f}'", "del torch\ntorch.ones(1)",
    "x = torch.ones(3, requires_grad=True)\nx.grad", "x = torch.ones(3, requires_grad=True)\n(x * 2).backward()",
    "class A:\n    grad = None\na = A()\na.grad * 2", "None.zero_()", "x = 5\nx.backward()",
    "print(f'{3.14159:.2f}')", "torch.tensor([1, 2]) == torch.tensor([1, 2])",
]


@pytest.mark.parametrize("script", ODD)
def test_diagnosis_never_crashes_on_odd_inputs(script):
    from tutor.runner import split_inputs

    session = Session(timeout=0.3)
    session.ensure_torch()
    for text in split_inputs(script):
        outcome = session.submit(text)
        assert outcome.error is None or outcome.error.type != "TutorError", outcome.error
        for hint in outcome.hints:
            assert hint.id in IDS and hint.explanation
