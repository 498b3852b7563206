"""Lesson mode: the coach in a Session, and in the real shell through prompt_toolkit pipe input."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import torch

from tutor.coach import Coach
from tutor.lessons import load_catalog
from tutor.progress import ProgressStore
from tutor.render import outcome_text
from tutor.session import Session

FIXTURES = Path(__file__).parent / "fixtures" / "lessons"


@pytest.fixture
def catalog():
    return load_catalog([str(FIXTURES)], builtin=False, packs=False)


def make(catalog, store_path):
    session = Session(timeout=20)
    coach = Coach(session, catalog=catalog, store=ProgressStore(store_path))
    return session, coach


@pytest.fixture
def lesson_session(catalog, tmp_path):
    return make(catalog, tmp_path / "progress.sqlite3")


def text_of(outcome) -> str:
    return outcome_text(outcome, 100)


def test_starting_a_lesson_shows_the_first_step_and_sets_up_its_namespace(lesson_session):
    session, coach = lesson_session
    out = session.submit("%lesson tiny")
    assert out.ok, out.error
    text = text_of(out)
    assert "A tiny lesson (D2L 2.5.1)" in text and "step 1 of 5 · text" in text
    assert "press Enter (or %next)" in text
    torch.testing.assert_close(session.namespace["x"], torch.arange(4.0))
    assert session.namespace["x"].requires_grad
    assert "lesson 1: tiny · step 1/5 text" in session.status()


def test_a_task_is_checked_after_each_input_with_targeted_feedback(lesson_session):
    session, coach = lesson_session
    session.submit("%lesson tiny")
    session.submit("%next")
    first = session.submit("y = (x * x).sum()")
    text = text_of(first)
    # a first input that begins an answer: the Mistake's message, without a ✗
    assert "… So far so good: You built y: now call y.backward()." in text and "✗" not in text
    second = session.submit("y.backward()")
    text = text_of(second)
    assert "✓ Passed: x.grad is right" in text and "step 3 of 5 (quiz)" in text
    record = coach.store.lesson("tiny").steps["square-grad"]
    assert record.status == "passed" and record.attempts == 2
    # once passed, further inputs are not checked again
    assert text_of(session.submit("1 + 1")).strip() == "2"


def test_the_closed_form_is_rejected_by_the_ast_check(lesson_session):
    session, coach = lesson_session
    session.submit("%lesson tiny")
    session.submit("%next")
    out = session.submit("y = (x * x).sum(); y.backward(); torch.cos(x)")
    assert "this step asks you not to call cos()" in text_of(out)
    assert coach.records["square-grad"].status == "started"


def test_hints_unfold_one_by_one_then_the_solution(lesson_session):
    session, coach = lesson_session
    session.submit("%lesson tiny")
    session.submit("%next")
    early = text_of(session.submit("%solution"))
    assert "still 2 hints" in early and "%solution again" in early
    assert "hint 1 of 2" in text_of(session.submit("%hint"))
    out = text_of(session.submit("%hint"))
    assert "hint 2 of 2" in out and "Then call y.backward()" in out and "last hint" in out
    assert "That was the last hint (2 of 2)" in text_of(session.submit("%hint"))
    solution = text_of(session.submit("%solution"))
    assert "y = (x * x).sum()" in solution and "y.backward()" in solution
    saved = coach.store.lesson("tiny").steps["square-grad"]
    assert saved.hints_used == 2 and saved.solution_shown


def test_the_solution_is_shown_when_asked_twice(lesson_session):
    session, _ = lesson_session
    session.submit("%lesson tiny")
    session.submit("%next")
    session.submit("%solution")
    assert "y.backward()" in text_of(session.submit("%solution"))


def test_next_is_refused_until_the_step_is_done_and_skip_moves_on(lesson_session):
    session, coach = lesson_session
    session.submit("%lesson tiny")
    session.submit("%next")
    refused = session.submit("%next")
    assert refused.error is not None and refused.error.type == "CommandError"
    assert "%skip" in refused.error.message and coach.index == 1
    assert "step 3 of 5 · quiz" in text_of(session.submit("%skip"))
    assert coach.store.lesson("tiny").steps["square-grad"].status == "skipped"
    assert "step 2 of 5 · task · » skipped" in text_of(session.submit("%back"))


def test_a_quiz_is_answered_by_typing_just_the_letter(lesson_session):
    session, coach = lesson_session
    session.submit("%lesson tiny")
    session.submit("%next")
    session.submit("%skip")
    wrong = session.submit("a")
    assert wrong.ok and "✗ Not yet: a) is not it." in text_of(wrong) and "backward adds" in text_of(wrong)
    right = session.submit("B)")
    assert "✓ Passed: b) is right." in text_of(right)
    assert coach.store.lesson("tiny").steps["accumulate"].attempts == 2
    # the learner's own single-letter names still work when they are not choices
    session.submit("%back")
    session.submit("q = 5")
    session.submit("%next")
    assert text_of(session.submit("q")).strip() == "5"
    assert "one of the letters" in session.submit("%answer z").error.message


def test_predict_runs_the_code_after_the_answer(lesson_session):
    session, coach = lesson_session
    session.submit("%lesson tiny")
    for _ in range(3):
        session.submit("%skip")
    assert "%answer YOUR PREDICTION" in text_of(session.submit("%where"))
    out = session.submit("%answer (2, 2)")
    text = text_of(out)
    assert ">>> x.grad.shape" in text and "✗ you said (2, 2), but the shape is (4,)." in text  # %skip left x.grad
    assert coach.store.lesson("tiny").steps["shape"].status == "missed"
    assert "already" in text_of(session.submit("%answer (4,)"))


def test_explain_shows_the_model_answer_and_the_lesson_ends_in_free_play(lesson_session):
    session, coach = lesson_session
    session.submit("mine = 42")
    session.submit("%lesson tiny")
    assert "mine" not in session.namespace
    for _ in range(4):
        session.submit("%skip")
    short = session.submit("%answer too short")
    assert short.error is not None and "at least 5 words" in short.error.message
    out = text_of(session.submit("%answer every entry of x gets its own partial derivative"))
    assert "model answer" in out and "one partial derivative of the scalar y" in out
    done = text_of(session.submit(""))  # Enter continues once a step is done
    assert "Lesson complete" in done and "1 of 5 steps done, 4 skipped" in done
    assert session.namespace["mine"] == 42 and "x" not in session.namespace
    assert session.status() == ""
    assert coach.store.lesson("tiny").completed


def test_enter_continues_past_a_text_step_but_not_an_unfinished_task(lesson_session):
    session, coach = lesson_session
    session.submit("%lesson tiny")
    assert session.submit("").kind == "command" and coach.index == 1
    assert session.submit("").kind == "empty" and coach.index == 1


def test_resuming_in_a_new_session_returns_to_the_step_with_the_namespace_replayed(catalog, tmp_path):
    path = tmp_path / "progress.sqlite3"
    session, coach = make(catalog, path)
    session.submit("%lesson tiny")
    session.submit("%next")
    session.submit("y = (x * x).sum()")
    session.submit("y.backward()")
    session.submit("%next")
    assert coach.index == 2
    coach.store.close()

    later, coach2 = make(catalog, path)
    out = text_of(later.submit("%lesson 1"))
    assert "resuming at step 3 of 5" in out and "step 3 of 5 · quiz" in out
    torch.testing.assert_close(later.namespace["x"].grad, 2 * torch.arange(4.0))
    assert coach2.records["square-grad"].status == "passed"


def test_switching_lessons_keeps_each_namespace(catalog, tmp_path, monkeypatch):
    from tutor.lesson import Lesson, Task, Text, close
    from tutor.lessons import Catalog, LessonEntry

    other = Lesson(id="other", title="Other", section="2.3", steps=[
        Text("a", markdown="hi"),
        Task("b", goal="z = 3", checks=[close("z", 3)], solution="z = 3", wrong=["z = 2"])])
    both = Catalog(list(catalog.entries) + [LessonEntry("other", "test", lesson=other)])
    session, coach = make(both, tmp_path / "p.sqlite3")
    session.submit("%lesson tiny")
    session.submit("mark = 'tiny'")
    session.submit("%lesson other")
    assert "mark" not in session.namespace and "x" not in session.namespace
    session.submit("%lesson tiny")
    assert session.namespace["mark"] == "tiny"
    out = text_of(session.submit("%lesson stop"))
    assert "progress is saved" in out and coach.lesson is None and "mark" not in session.namespace


def test_reset_step_and_lesson(lesson_session):
    session, coach = lesson_session
    session.submit("%lesson tiny")
    session.submit("%next")
    session.submit("x = 'broken'")
    out = text_of(session.submit("%reset"))
    assert "starts again" in out and isinstance(session.namespace["x"], torch.Tensor)
    session.submit("%skip")
    assert "starts again from step 1" in text_of(session.submit("%reset lesson"))
    assert coach.index == 0 and coach.store.lesson("tiny").steps.keys() == {"intro"}
    assert "'step' or 'lesson'" in session.submit("%reset everything").error.message


def test_reset_outside_a_lesson_is_the_plain_reset(session):
    session.submit("v = 1")
    out = session.submit("%reset")
    assert out.ok and "v" not in session.namespace
    assert "inside a lesson" in session.submit("%reset step").error.message


def test_commands_without_a_lesson_say_what_to_do(session):
    for cmd in ("%next", "%hint", "%solution", "%skip", "%where", "%back", "%answer 3"):
        out = session.submit(cmd)
        assert out.error is not None and out.error.type == "CommandError", cmd
        assert "%lessons" in out.error.message


def test_unknown_lesson_is_one_clear_line(lesson_session):
    session, _ = lesson_session
    out = session.submit("%lesson nosuch")
    assert out.error.type == "CommandError" and "no lesson called 'nosuch'" in out.error.message
    assert "numbered 1 to 1" in session.submit("%lesson 7").error.message


def test_lessons_lists_progress_marks(catalog, tmp_path):
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "lesson09_broken.py").write_text("raise RuntimeError('oops')\n")
    both = load_catalog([str(FIXTURES), str(tmp_path / "lessons")], builtin=False, packs=False)
    session, coach = make(both, tmp_path / "p.sqlite3")
    before = text_of(session.submit("%lessons"))
    assert "tiny" in before and "5 steps" in before and "A tiny lesson" in before
    assert "lesson09_broken" in before and "RuntimeError: oops" in before
    session.submit("%lesson tiny")
    session.submit("%next")
    during = text_of(session.submit("%lessons"))
    assert "▸ 1/5 (at step 2)" in during and "you are here" in during


def test_a_corrupt_progress_file_is_reported_once(catalog, tutor_home):
    tutor_home.mkdir(parents=True, exist_ok=True)
    (tutor_home / "progress.sqlite3").write_bytes(b"junk" * 1000)
    session = Session(timeout=20)
    Coach(session, catalog=catalog)
    first = text_of(session.submit("%lesson tiny"))
    assert "damaged" in first and "fresh one started" in first
    assert "damaged" not in text_of(session.submit("%where"))


# -- the real shell, through prompt_toolkit pipe input ----------------------------------------------


def test_lesson_mode_in_the_shell(catalog, tmp_path):
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from tutor.render import make_console
    from tutor.shell import Shell

    console = make_console(io.StringIO(), width=80, plain=True)
    session = Session(timeout=20, echo=console.file)
    coach = Coach(session, catalog=catalog, store=ProgressStore(tmp_path / "p.sqlite3"))
    lines = ["%lesson tiny", "", "y = (x * x).sum()", "%hint", "y.backward()", "%next", "c", "b", "%next",
             "%answer (4,)", ""]
    with create_pipe_input() as pipe:
        shell = Shell(session, input=pipe, output=DummyOutput(), console=console)
        toolbar = []
        session.observers.append(lambda s, o: toolbar.append(s.status()))
        pipe.send_text("".join(line + "\r" for line in lines))
        pipe.close()
        assert shell.run() == 0
    out = console.file.getvalue()
    assert "step 1 of 5 · text" in out and "step 2 of 5 · task" in out
    assert "hint 1 of 2" in out and "✓ Passed: x.grad is right" in out
    assert "✗ Not yet: c) is not it." in out and "✓ Passed: b) is right." in out
    assert "your prediction (4,) is right" in out and "step 5 of 5 · explain" in out
    assert "lesson 1: tiny · step 2/5 task" in toolbar[2]
    assert "step 5/5 explain · 4 done" in toolbar[-1]
    assert coach.store.lesson("tiny").current == "why"


def test_exploring_with_a_forbidden_call_does_not_block_the_step(lesson_session):
    session, coach = lesson_session
    session.submit("%lesson tiny")
    session.submit("%next")
    out = text_of(session.submit("torch.cos(x)"))  # exploring: the task avoids cos
    assert "✗ Not yet" in out
    session.submit("y = (x * x).sum()")
    assert "✓ Passed" in text_of(session.submit("y.backward()"))
    assert coach.records["square-grad"].status == "passed"


def test_a_forbidden_call_in_the_answer_itself_still_fails(lesson_session):
    session, coach = lesson_session
    session.submit("%lesson tiny")
    session.submit("%next")
    out = text_of(session.submit("y = (x * x).sum(); y.backward(); c = torch.cos(x)"))
    assert "not to call cos()" in out and coach.records["square-grad"].status == "started"


# -- verdicts only the learner's own work can earn ------------------------------------------------


def _at_task(session):
    session.submit("%lesson tiny")
    session.submit("%next")


def test_an_input_that_raised_never_passes_even_with_the_right_gradient_left_over(lesson_session):
    session, coach = lesson_session
    _at_task(session)
    session.submit("x.grad = 2 * x.detach()")  # rejected: no backward
    out = session.submit("y = (x * x).sum(); y.backward(); undefined_name")
    assert out.error is not None and "✓" not in text_of(out)
    assert "✗ Not yet: that input raised NameError" in text_of(out)
    assert coach.records["square-grad"].status == "started"


def test_a_leftover_gradient_neither_passes_nor_fails_the_step(lesson_session):
    session, coach = lesson_session
    _at_task(session)
    session.submit("z = x.sum(); z.backward()")  # a wrong attempt: x.grad is all ones
    out = session.submit("y = (x * x).sum(); y.backward()")  # the answer: live x.grad is 2x + 1
    text = text_of(out)
    assert "✓ Passed" in text and "set aside" in text, text
    torch.testing.assert_close(session.namespace["x"].grad, 2 * session.namespace["x"].detach())
    # and the leftover alone cannot pass: a fresh step where only the leftover is right
    session.submit("%back")
    session.submit("%reset step")
    session.submit("w = (x * x).sum(); w.backward()")  # right gradient, but via w ...
    assert coach.records["square-grad"].status == "passed"


def test_a_rebound_leaf_is_named_with_the_input_that_broke_it_and_reset_step_restores_it(lesson_session):
    session, coach = lesson_session
    _at_task(session)
    text = text_of(session.submit("x = x.detach()"))
    assert "`x` is no longer the leaf tensor this step starts from: input 1 (`x = x.detach()`)" in text, text
    assert "%reset step" in text and coach.records["square-grad"].status == "started"
    again = text_of(session.submit("y = (x * x).sum(); y.backward()"))
    assert "input 1 (`x = x.detach()`)" not in again and "raised RuntimeError" in again  # said once
    solution = session.submit("%solution")
    session.submit("%solution")
    assert "%reset step first" in text_of(session.submit("%solution"))
    session.submit("%reset step")
    assert session.namespace["x"].is_leaf
    assert "✓ Passed" in text_of(session.submit("y = (x * x).sum(); y.backward()"))
    assert solution is not None


def test_skip_leaves_the_state_the_solution_would_have_left(lesson_session):
    session, coach = lesson_session
    _at_task(session)
    session.submit("x.grad = torch.ones(4)")  # a wrong attempt, then give up
    session.submit("%skip")
    torch.testing.assert_close(session.namespace["x"].grad, 2 * session.namespace["x"].detach())
    assert coach.records["square-grad"].status == "skipped"


def test_a_quiz_letter_that_is_also_a_variable_asks_which_was_meant(lesson_session):
    session, coach = lesson_session
    _at_task(session)
    session.submit("%skip")
    session.submit("b = 5")
    asked = text_of(session.submit("b"))
    assert "`b` is a variable here and also choice b)" in asked and "%answer b" in asked
    assert coach.records["accumulate"].status == "started"
    assert text_of(session.submit("d = 7")) == ""
    assert text_of(session.submit("d")).strip() == "7"  # not a choice: the variable
    assert "✓ Passed: b) is right" in text_of(session.submit("%answer b"))
    assert text_of(session.submit("b")).strip() == "5"  # answered: a letter is code again


def test_a_prediction_can_be_typed_without_answer_and_code_still_runs(lesson_session):
    session, coach = lesson_session
    _at_task(session)
    session.submit("%skip")
    session.submit("%answer b")
    session.submit("%next")
    assert text_of(session.submit("len(x)")).strip() == "4"  # valid code runs as code
    out = text_of(session.submit("4"))
    assert out.strip() == "4" and coach.records["shape"].status == "started"
    assert "✓ Passed: your prediction shape 4 is right" in text_of(session.submit("shape 4"))
    assert coach.records["shape"].status == "passed"


def test_the_blank_line_after_a_block_does_not_move_on(lesson_session):
    session, coach = lesson_session
    _at_task(session)
    session.submit("y = (x * x).sum()")
    session.submit("if True: y.backward()")
    assert coach.records["square-grad"].status == "passed" and coach.index == 1
    out = session.submit("")
    assert coach.index == 1 and "Enter or %next" in text_of(out)
    session.submit("")
    assert coach.index == 2


# -- Ctrl-C while a lesson or a step is being set up: all or nothing --------------------------------

INTERRUPTED = '''\
from tutor.lesson import Lesson, Task, Text, true

lesson = Lesson(
    id="interrupted",
    title="A lesson whose setup is interrupted",
    section="2.5",
    minutes=1,
    setup={setup!r},
    steps=[
        Text("intro", markdown="Read this.", examples=[]),
        Task("t", goal="Make `z = 3`.", checks=[true("z == 3", "z is 3")], hints=["z = 3"], solution="z = 3",
             wrong=["z = 4"], setup={step_setup!r}),
    ],
)
'''
# A real Ctrl-C in the middle of the code, sent to the main thread: os.kill(os.getpid(), ...) lets the OS hand
# the signal to any thread (torch's among them), and the main thread may then notice it only after the code
# ended, in the tutor's own protected clean-up, where a press is held back: the test was flaky under load.
CTRL_C = "import signal, threading\nsignal.pthread_kill(threading.main_thread().ident, signal.SIGINT)"


@pytest.fixture(autouse=True)
def ctrl_c_reaches_python():
    """Python's own SIGINT handler, as in a terminal. A test run started in the background by a
    non-interactive shell inherits SIGINT ignored (bash does that to background jobs), and then no press
    reaches the code: the real-Ctrl-C tests below failed only in such runs."""
    import signal

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def interrupted_session(tmp_path, setup="half = 1\n" + CTRL_C + "\nrest = 2", step_setup="ready = 1"):
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "lesson01_interrupted.py").write_text(INTERRUPTED.format(setup=setup, step_setup=step_setup))
    store = ProgressStore(tmp_path / "progress.sqlite3")
    session = Session(timeout=20)
    coach = Coach(session, catalog=load_catalog([str(folder)], builtin=False, packs=False), store=store)
    return session, coach, store


@pytest.mark.parametrize("where", ["setup code", "the tutor's replay"])
def test_ctrl_c_during_a_lessons_setup_leaves_it_not_started(tmp_path, monkeypatch, where):
    if where == "setup code":
        session, coach, store = interrupted_session(tmp_path)
    else:  # the press lands in the tutor's own code, after the setup's first statement ran
        from tutor import judge

        session, coach, store = interrupted_session(tmp_path, setup="half = 1\nrest = 2")
        real = judge.run_in

        def run_in(namespace, codes, **kwargs):
            real(namespace, codes[:1], **kwargs)
            raise KeyboardInterrupt

        monkeypatch.setattr(judge, "run_in", run_in)
    session.submit("mine = 41")
    out = session.submit("%lesson interrupted")
    assert out.error is not None and out.error.type == "CommandError"
    assert "Ctrl-C stopped the setup of lesson interrupted, so it was not started" in out.error.message
    assert "you are still in free play" in out.error.message and "\n" not in out.error.message
    assert coach.lesson is None and session.status() == ""
    assert session.namespace["mine"] == 41 and "half" not in session.namespace and "rest" not in session.namespace
    assert store.all() == {} and ProgressStore(tmp_path / "progress.sqlite3").all() == {}  # progress untouched
    assert session.submit("mine + 1").display == "42"  # back at the prompt, free play as it was


def test_ctrl_c_during_a_steps_setup_stays_at_the_step_before(tmp_path):
    session, coach, store = interrupted_session(tmp_path, setup="base = 1", step_setup="half = 1\n" + CTRL_C)
    assert session.submit("%lesson interrupted").ok
    session.submit("mine = 41")
    out = session.submit("%next")
    assert out.error is not None and out.error.type == "CommandError"
    assert out.error.message.startswith("Ctrl-C stopped the setup of step 2: you are still at step 1")
    assert coach.lesson is not None and coach.index == 0 and "step 1/2 text" in session.status()
    assert session.namespace["mine"] == 41 and "half" not in session.namespace and session.namespace["base"] == 1
    saved = ProgressStore(tmp_path / "progress.sqlite3").lesson("interrupted")
    assert set(saved.steps) == {"intro"} and saved.current == "intro"  # the text step was read; step 2 not begun
    assert session.submit("mine + 1").display == "42"


def test_ctrl_c_during_skip_leaves_the_step_as_it_was(tmp_path, monkeypatch):
    session, coach, store = interrupted_session(tmp_path, setup="base = 1", step_setup="ready = 1")
    session.submit("%lesson interrupted")
    session.submit("%next")
    monkeypatch.setattr(coach.lesson.steps[1], "solution", "z = 3\n" + CTRL_C)
    out = session.submit("%skip")
    assert out.error is not None and "Ctrl-C stopped %skip" in out.error.message and "\n" not in out.error.message
    assert coach.index == 1 and coach.records["t"].status == "started" and "z" not in session.namespace
    assert ProgressStore(tmp_path / "progress.sqlite3").lesson("interrupted").steps["t"].status == "started"


def test_code_that_raises_keyboardinterrupt_itself_is_not_a_ctrl_c(lesson_session):
    # it stays on the lesson's path (replayed to rebuild each step's start), and must never stop a replay
    session, coach = lesson_session
    session.submit("%lesson tiny")
    assert session.submit("raise KeyboardInterrupt").error.type == "KeyboardInterrupt"
    session.submit("%next")
    assert session.submit("%reset step").ok
    session.submit("y = (x * x).sum()")
    out = session.submit("y.backward()")
    assert out.ok and "✓ Passed" in text_of(out)


@pytest.mark.parametrize("answer,mark", [("yes", "✗"), ("error", "✓")])
def test_the_status_line_marks_a_step_with_its_own_verdict(tmp_path, answer, mark):
    """A wrong prediction ends the step (it is done) but was not right: the status line must not show ✓
    beside the ✗ the step just gave (one voice)."""
    session = Session(timeout=20)
    Coach(session, catalog=load_catalog(), store=ProgressStore(tmp_path / "p.sqlite3"))
    session.submit("%lesson non-scalar-backward")
    session.submit("%next")
    assert "step 2/18 predict ·" in session.status()
    out = session.submit(f"%answer {answer}")
    verdict = text_of(out)
    assert (f"✗ you said {answer}" in verdict) == (mark == "✗")
    status = session.status()
    assert f"step 2/18 predict {mark} ·" in status, status
    assert ("✓" in status) == (mark == "✓")
