"""The prompt_toolkit shell, driven in process through a pipe (no terminal needed)."""

from __future__ import annotations

import io

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from tutor.render import make_console
from tutor.session import Session
from tutor.shell import Shell, is_complete, next_indent


def drive(keys: str, session: Session | None = None) -> tuple[int, str, Session]:
    """Type `keys` into a fresh shell; returns (exit status, plain screen text, session)."""
    session = session or Session(timeout=10)
    console = make_console(io.StringIO(), width=80, plain=True)
    session.echo = console.file
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()  # end of input: the shell sees EOF once the keys are read
        shell = Shell(session, input=pipe, output=DummyOutput(), console=console)
        status = shell.run()
    return status, console.file.getvalue(), session


def test_evaluates_and_shows_value_and_gradients():
    status, screen, session = drive(
        "x = torch.arange(4.0, requires_grad=True)\r(2 * torch.dot(x, x)).backward()\rx.grad\r\x04"
    )
    assert status == 0
    assert "x.grad = tensor([ 0.,  4.,  8., 12.])" in screen
    assert session.namespace["x"].grad is not None


def test_enter_continues_a_block_and_a_blank_line_runs_it():
    status, screen, session = drive("for i in range(3):\rprint(i * 10)\r\r\x04")
    assert status == 0 and "0\n10\n20" in screen


def test_enter_continues_an_open_bracket():
    _, _, session = drive("v = [1,\r2]\r\x04")
    assert session.namespace["v"] == [1, 2]


def test_syntax_error_keeps_the_text_and_runs_nothing():
    # Enter on an invalid line runs nothing; Ctrl-C clears it and the shell goes on.
    _, screen, session = drive("ran = 1)\r\x03ok = 2\r\x04")
    assert "ran" not in session.namespace and session.namespace["ok"] == 2
    assert "SyntaxError" not in screen  # nothing ran, so nothing was printed
    # The text stays in the buffer: Ctrl-E (end of line) and Backspace remove only the stray ')',
    # and Enter runs what was typed before. Had the line been dropped, `ran` would not exist.
    _, _, session = drive("ran = 1)\r\x05\x7f\rok = 2\r\x04")
    assert session.namespace["ran"] == 1 and session.namespace["ok"] == 2


def test_commands_and_help_work_in_the_shell():
    _, screen, _ = drive("x = torch.ones(2)\r%who\rtorch.ones?\r\x04")
    lines = screen.splitlines()
    # %who's table at 80 columns: the row of x, exactly
    assert " x      (2,)    float32   False           None " in lines, screen
    # torch.ones? shows its signature
    assert any(line.startswith("torch.ones(*size, *, out=None, dtype=None") for line in lines), screen


def test_quit_command_and_exit_leave_with_status_zero():
    status, _, session = drive("a = 1\r%quit\rb = 2\r")
    assert status == 0 and "b" not in session.namespace
    status, _, session = drive("exit()\rb = 2\r")
    assert status == 0 and "b" not in session.namespace


def test_end_of_input_exits_zero():
    status, _, _ = drive("")
    assert status == 0


@pytest.mark.parametrize(
    "text, complete",
    [("x = 1", True), ("def f():", False), ("for i in r:\n    print(i)", False),
     ("for i in r:\n    print(i)\n", True), ("x = [1,", False), ("x = 1)", True), ("%who", True),
     ("torch.ones?", True), ("", True)],
)
def test_is_complete(text, complete):
    assert is_complete(text) is complete


def test_next_indent_after_a_colon():
    assert next_indent("def f(x):") == "    "
    assert next_indent("def f(x):\n    y = 1") == "    "


def test_prose_answers_an_explain_step_in_the_shell():
    from tutor.lessons import builtin_entries

    lesson = next(e.lesson for e in builtin_entries() if e.lesson is not None and e.lesson.id == "derivatives")
    first_explain = next(i for i, step in enumerate(lesson.steps) if step.kind == "explain")
    keys = "%lesson derivatives\r" + "%skip\r" * first_explain
    keys += "The difference quotient of a constant is always zero, so is its limit.\r\x04"
    status, screen, session = drive(keys)
    assert status == 0
    assert "Your answer is saved" in screen and "SyntaxError" not in screen


def test_ctrl_d_says_goodbye_and_where_progress_is_kept(tutor_home):
    status, screen, _ = drive("a = 1\r\x04")
    assert status == 0
    goodbye = screen[screen.index("Goodbye."):]
    assert "progress" in goodbye and str(tutor_home) in goodbye.replace("\n", "")


def test_start_up_names_a_lesson_in_progress_and_how_to_resume(tutor_home):
    _, first, _ = drive("%lesson autograd-basics\r%next\r\x04")
    assert "in progress" not in first.split("Lesson")[0]  # a fresh home: nothing to resume
    _, screen, _ = drive("\x04")
    opening = " ".join(screen.split("Goodbye.")[0].split())
    assert "A lesson is in progress: autograd-basics" in opening
    assert "%lesson autograd-basics resumes it" in opening


def test_history_command_lists_this_sessions_inputs():
    _, screen, _ = drive("a = 41\rprint(a + 1)\r%history\r\x04")
    assert "   1 a = 41\n   2 print(a + 1)" in screen


LESSON_STATUS = "lesson 6: autograd-basics · step 3/15 task · 2 done · make x require grad"


@pytest.mark.parametrize("width, status, loading, expected", [
    (80, "", "", " autograd-tutor · %help · %lessons · Tab complete · Ctrl-C stop · Ctrl-D quit"),
    (120, "", "", " autograd-tutor · %help · %lessons · Tab complete · Ctrl-R search · Ctrl-C stop · Ctrl-D quit"),
    (80, "", "loading torch…", " autograd-tutor · loading… · %help · %lessons · Ctrl-C stop · Ctrl-D quit"),
    (80, LESSON_STATUS, "", " autograd-tutor · lesson 6: autograd-basics · step 3/15… · %help · Ctrl-D quit"),
    (120, LESSON_STATUS, "",
     " autograd-tutor · lesson 6: autograd-basics · step 3/15 task · 2 done · make x require grad · %help · Ctrl-D quit"),
])
def test_toolbar_fits_80_and_120_columns(width, status, loading, expected):
    from tutor.render_shell import toolbar_plain

    text = toolbar_plain(width, status, loading)
    assert text == expected
    assert len(text) < width and "Ctrl-D quit" in text


def test_lesson_option_starts_the_shell_in_a_lesson():
    from tutor.cli import build_parser

    session = Session(timeout=10)
    console = make_console(io.StringIO(), width=80, plain=True)
    session.echo = console.file
    with create_pipe_input() as pipe:
        pipe.send_text("\x04")
        pipe.close()
        status = Shell(session, input=pipe, output=DummyOutput(), console=console).run(lesson="6")
    assert status == 0 and "Lesson 6 · Autograd basics" in console.file.getvalue()
    assert session.status().startswith("lesson 6: autograd-basics")
    assert build_parser().parse_args(["--lesson", "detaching"]).lesson == "detaching"
    assert build_parser().parse_args(["shell", "--lesson", "2"]).lesson == "2"


def test_lessons_listing_says_the_bash_way_and_the_shell_way(capsys):
    from tutor.cli import main

    main(["lessons", "--width", "120"])
    out = " ".join(capsys.readouterr().out.split())
    assert "autograd-tutor --lesson ID" in out and "%lesson ID" in out
