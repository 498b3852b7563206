"""How `run` cuts a file into inputs and what it prints, pinned by exact inputs and exact text.

The oracle is the rule in tutor/runner.py's docstring (and the README): `%` lines and `name?` lines
are inputs of their own; other lines are cut into top-level statements; Python that does not parse is
cut at each line starting at column 0, continuations (`)`, `else`, `except`, `#`, `@` ...) staying put.
"""

from __future__ import annotations

import io
import json

import pytest

from tutor.runner import echo_input, run_inputs, split_inputs
from tutor.session import Session


@pytest.mark.parametrize("text, inputs", [
    ("", []),
    ("\n\n  \n", []),
    ("a = 1\nb = 2\n", ["a = 1", "b = 2"]),
    ("a = 1; b = 2\nc = 3", ["a = 1; b = 2", "c = 3"]),
    ("for i in range(2):\n    print(i)\n\nprint('end')\n", ["for i in range(2):\n    print(i)", "print('end')"]),
    ("@dec\ndef f():\n    return 1\nf()", ["@dec\ndef f():\n    return 1", "f()"]),
    ("x = (1,\n     2)\n", ["x = (1,\n     2)"]),
    ("%who\na = 1\n%graph a\n", ["%who", "a = 1", "%graph a"]),
    ("torch.ones?\na = 1\n", ["torch.ones?", "a = 1"]),
    ("a = 1\n  %who\n", ["a = 1\n  %who"]),  # indented: not a command line (and it does not parse)
    ("a = 1 +\nb = 2\nc = (3\n)\n", ["a = 1 +", "b = 2", "c = (3\n)"]),
    ("if x:\n    y = (\nelse:\n    z = 1\nw = 2", ["if x:\n    y = (\nelse:\n    z = 1", "w = 2"]),
    ("try:\n    a(\nexcept E:\n    pass\nfinally:\n    b\n", ["try:\n    a(\nexcept E:\n    pass\nfinally:\n    b"]),
    ("a = (\n# note\n]\n}\n@d\nq = 1", ["a = (\n# note\n]\n}\n@d", "q = 1"]),
    ("a = 1 +\n\n\nb = 2\n", ["a = 1 +", "b = 2"]),
    ("match p:\n    case 1: (\ncase 2:\nz", ["match p:\n    case 1: (\ncase 2:", "z"]),
    ("elif_x = (\nelif y:\n", ["elif_x = (\nelif y:"]),
    ("if a:\n  torch.ones?\n", ["if a:\n  torch.ones?"]),  # an indented `?` line is not help
    ("if a:\n torch.ones?\n", ["if a:\n torch.ones?"]),
    ("if a:\n x = (\nb = 1\n", ["if a:\n x = (", "b = 1"]),  # one space of indent continues too
    ("a = 1 +  \nb = 2", ["a = 1 +  ", "b = 2"]),  # bad Python: only newlines are cut off
    ("a = [X\nb = 2", ["a = [X", "b = 2"]),
    ("a = 1   \nb = 2", ["a = 1   ", "b = 2"]),  # good Python: the same
    ("a = X\nb = 2", ["a = X", "b = 2"]),
])
def test_split_inputs(text, inputs):
    assert split_inputs(text) == inputs


def test_a_null_byte_is_cut_like_bad_python():
    assert split_inputs("a = 1\nb = '\0'\nc = 3\n") == ["a = 1", "b = '\0'", "c = 3"]


def test_echo_input_uses_prompts():
    assert echo_input("a = 1") == ">>> a = 1"
    assert echo_input("for i in r:\n    f(i)") == ">>> for i in r:\n...     f(i)"
    assert echo_input("") == ">>> "


def test_plain_run_prints_inputs_and_what_the_shell_shows():
    out = io.StringIO()
    status = run_inputs(Session(), ["a = 1", "a + 1", "print('p')", "a / 0", "a * 3"], out=out, width=40)
    assert status == 1
    assert out.getvalue() == (
        ">>> a = 1\n>>> a + 1\n2\n>>> print('p')\np\n>>> a / 0\n"
        "╭─ ZeroDivisionError ─╮\n│ division by zero    │\n│   line 1: a / 0     │\n╰─────────────────────╯\n"
        ">>> a * 3\n3\n")


def test_no_echo_and_status_zero():
    out = io.StringIO()
    assert run_inputs(Session(), ["a = 2", "a * 2"], out=out, echo=False) == 0
    assert out.getvalue() == "4\n"


def test_plain_text_for_a_stream_that_is_not_a_terminal():
    # plain text: no trailing spaces, no blank lines around a table (rich's console would add them)
    out = io.StringIO()
    run_inputs(Session(), ["x = torch.ones(2)", "%who"], out=out, width=60)
    assert out.getvalue() == (">>> x = torch.ones(2)\n>>> %who\n name   shape   dtype     requires_grad   grad\n"
                              " " + "─" * 45 + "\n x      (2,)    float32   False           None\n")
    broken = BrokenIsatty()
    run_inputs(Session(), ["x = torch.ones(2)", "%who"], out=broken, width=60)
    assert broken.getvalue() == out.getvalue()


def test_json_record_values_by_hand():
    from tutor.outcome import GradChange, Outcome
    from tutor.runner import outcome_record

    outcome = Outcome(input="g", index=3)
    outcome.elapsed = 0.25
    outcome.gradients = [GradChange("w", None, None)]
    record = outcome_record(outcome, "shown")
    assert record["elapsed_ms"] == 250.0 and record["gradients"] == {"w": None} and record["output"] == "shown"
    assert record["value"] is None and record["index"] == 3 and record["input"] == "g"
    outcome.elapsed = 0.0012346
    assert outcome_record(outcome, "")["elapsed_ms"] == 1.235  # milliseconds, 3 decimals


def test_json_keeps_unicode_as_it_is():
    out = io.StringIO()
    run_inputs(Session(), ["s = 'é'", "s"], out=out, as_json=True)
    assert out.getvalue().splitlines()[1].count("é") == 2  # input and value, not \u00e9
    assert "\\u00e9" not in out.getvalue()


def test_json_lines_and_exit_stops_the_run():
    out = io.StringIO()
    status = run_inputs(Session(), ["a = 5", "exit()", "a = 6"], out=out, as_json=True)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert status == 0 and [r["input"] for r in records] == ["a = 5", "exit()"]
    assert [r["index"] for r in records] == [1, 2] and records[1]["value"] is None


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


class BrokenIsatty(io.StringIO):
    def isatty(self):
        raise ValueError("closed")


def test_a_terminal_gets_rich_output_and_other_streams_plain_text():
    term = FakeTerminal()
    assert run_inputs(Session(), ["a = 1", "a + 1"], out=term, width=40) == 0
    text = term.getvalue()
    assert ">>> a = 1" in text and "2" in text
    assert "\x1b[" in text  # styled: the echoed input is bold
    plain = BrokenIsatty()
    assert run_inputs(Session(), ["a = 1", "a + 1"], out=plain, width=40) == 0
    assert plain.getvalue() == ">>> a = 1\n>>> a + 1\n2\n"
    markup = FakeTerminal()
    run_inputs(Session(), ["s = '[red]x[/red]'"], out=markup, width=40)
    assert "[red]x[/red]" in markup.getvalue()  # the input is shown as typed, not read as markup
    narrow = FakeTerminal()
    run_inputs(Session(), ["raise ValueError('" + "word " * 30 + "')"], out=narrow, width=40)
    import re

    visible = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in narrow.getvalue().splitlines()]
    assert max(len(line) for line in visible[1:]) == 40  # the box fills the width asked for
    silent = FakeTerminal()
    run_inputs(Session(), ["a = 1", "a + 1"], out=silent, width=40, echo=False)
    assert ">>>" not in silent.getvalue() and "2" in silent.getvalue()


def test_a_notebooks_markdown_cell_is_shown_not_run():
    from tutor.ipynb import Markdown

    cell = Markdown("Some *text* here, long enough to wrap at twenty columns.")
    out = io.StringIO()
    assert run_inputs(Session(), [cell, "1 + 1"], out=out, width=20) == 0
    assert out.getvalue() == "Some text here, long\nenough to wrap at\ntwenty columns.\n>>> 1 + 1\n2\n"
    as_json = io.StringIO()
    run_inputs(Session(), [cell, "1 + 1"], out=as_json, as_json=True)
    assert [json.loads(line)["input"] for line in as_json.getvalue().splitlines()] == ["1 + 1"]  # not a record
    term = FakeTerminal()
    run_inputs(Session(), [cell, "1 + 1"], out=term, width=60)
    assert "Some " in term.getvalue() and "\x1b[3mtext" in term.getvalue()  # rich markdown: italics
    assert term.getvalue().index("Some") < term.getvalue().index(">>> 1 + 1")
