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
    silent = FakeTerminal()
    run_inputs(Session(), ["a = 1", "a + 1"], out=silent, width=40, echo=False)
    assert ">>>" not in silent.getvalue() and "2" in silent.getvalue()
