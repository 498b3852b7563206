"""Scripted lesson mode (`autograd-tutor play`) and `autograd-tutor lessons`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tutor import cli

FIXTURES = Path(__file__).parent / "fixtures" / "lessons"
KEYS = {"lesson", "step", "kind", "passed", "attempts", "hints_used"}


@pytest.fixture(autouse=True)
def default_catalog_reset():
    """`--lessons-dir` configures the default catalog for the process; undo it after each test."""
    from tutor import lessons

    yield
    lessons.configure(None)


def run(capsys, *argv):
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_play_with_solutions_passes_and_shows_what_the_shell_would(capsys):
    status, out, _ = run(capsys, "play", "tiny", "--solutions", "--lessons-dir", str(FIXTURES), "--width", "80")
    assert status == 0
    assert ">>> %lesson tiny" in out and "step 1 of 5 · text" in out
    assert ">>> y = (x * x).sum()" in out and "✓ Passed: x.grad is right" in out
    assert ">>> %answer b\n✓ Passed: b) is right on the first try." in out
    assert ">>> %answer (4,)\n>>> x.grad.shape\ntorch.Size([4])" in out
    assert "Lesson complete" in out
    assert "✓ tiny: 3 of 3 tasks, quizzes and predictions passed (5 steps)" in out


ANSWERS = """\
%next
y = (x * x).sum()
%hint
y.backward()
%next
a
b
%next
%answer (2, 2)
%next
%answer each entry gets one partial derivative
"""


def test_play_with_an_answers_file_and_json(capsys, tmp_path):
    answers = tmp_path / "answers.txt"
    answers.write_text(ANSWERS)
    status, out, _ = run(capsys, "play", "tiny", "--answers", str(answers), "--json",
                         "--lessons-dir", str(FIXTURES))
    assert status == 1  # the prediction was wrong
    steps = json_lines(out)
    assert [s["step"] for s in steps] == ["intro", "square-grad", "accumulate", "shape", "why"]
    assert all(KEYS <= set(s) for s in steps)
    by_id = {s["step"]: s for s in steps}
    assert by_id["intro"]["kind"] == "text" and by_id["intro"]["passed"]
    assert by_id["square-grad"] | {"diagnoses": [], "errors": []} == by_id["square-grad"]
    assert (by_id["square-grad"]["passed"], by_id["square-grad"]["attempts"], by_id["square-grad"]["hints_used"]) \
        == (True, 2, 1)
    assert (by_id["accumulate"]["passed"], by_id["accumulate"]["attempts"]) == (True, 2)
    assert (by_id["shape"]["passed"], by_id["shape"]["status"]) == (False, "missed")
    assert by_id["why"]["kind"] == "explain" and by_id["why"]["passed"]


def test_play_reads_answers_from_stdin_and_reports_steps_not_reached(capsys, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("%next\ny = (x * x).sum()\n"))
    status, out, _ = run(capsys, "play", "tiny", "--answers", "-", "--json", "--lessons-dir", str(FIXTURES))
    assert status == 1
    steps = {s["step"]: s for s in json_lines(out)}
    assert steps["square-grad"]["status"] == "started" and not steps["square-grad"]["passed"]
    assert steps["accumulate"]["status"] == "not reached" and not steps["accumulate"]["reached"]


def test_play_text_output_summarises_failures(capsys, tmp_path):
    answers = tmp_path / "a.txt"
    answers.write_text("%next\n%skip\nb\n")
    status, out, _ = run(capsys, "play", "tiny", "--answers", str(answers), "--lessons-dir", str(FIXTURES))
    assert status == 1
    assert "✗ tiny: 1 of 3 tasks, quizzes and predictions passed (5 steps)" in out
    assert "step 2 square-grad (task): skipped" in out and "step 4 shape (predict): not reached" in out


def test_play_never_touches_saved_progress(capsys, tutor_home):
    from tutor.progress import ProgressStore

    assert run(capsys, "play", "tiny", "--solutions", "--lessons-dir", str(FIXTURES))[0] == 0
    assert ProgressStore().all() == {}


def test_play_a_lesson_file_directly(capsys):
    status, out, _ = run(capsys, "play", str(FIXTURES / "lesson01_tiny.py"), "--solutions", "--json")
    assert status == 0 and len(json_lines(out)) == 5


def test_play_all_reports_broken_lessons(capsys, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "lesson01_tiny.py").write_text((FIXTURES / "lesson01_tiny.py").read_text().replace('"tiny"', '"tiny2"'))
    (folder / "lesson02_broken.py").write_text("lesson = undefined_name\n")
    status, out, _ = run(capsys, "play", "--all", "--json", "--lessons-dir", str(folder))
    assert status == 1
    records = json_lines(out)
    broken = [r for r in records if r["kind"] == "error"]
    assert len(broken) == 1 and broken[0]["lesson"] == "lesson02_broken"
    assert "NameError" in broken[0]["error"]
    mine = [r for r in records if r["lesson"] == "tiny2"]
    assert len(mine) == 5 and all(r["passed"] for r in mine)


@pytest.mark.parametrize("argv, message", [
    (["play", "nosuch", "--solutions"], "no lesson called 'nosuch'"),
    (["play", "tiny"], "play needs --answers FILE"),
    (["play"], "play needs a LESSON"),
    (["play", "tiny", "--solutions", "--answers", "x"], "not both"),
    (["play", "tiny", "--all"], "give no LESSON"),
    (["play", "tiny", "--answers", "/no/such/file"], "cannot read /no/such/file"),
])
def test_play_usage_errors_are_one_line_and_exit_2(capsys, argv, message):
    status, _, err = run(capsys, *argv, "--lessons-dir", str(FIXTURES))
    assert status == 2 and message in err and len(err.strip().splitlines()) == 1


def test_lessons_lists_with_progress(capsys, tmp_path):
    from tutor.coach import Coach
    from tutor.lessons import load_catalog
    from tutor.session import Session

    session = Session(timeout=20)
    Coach(session, catalog=load_catalog([str(FIXTURES)], builtin=False, packs=False))  # default store: the home
    session.submit("%lesson tiny")
    session.submit("%next")
    status, out, _ = run(capsys, "lessons", "--json", "--lessons-dir", str(FIXTURES))
    rows = {r["id"]: r for r in json_lines(out)}
    assert rows["tiny"]["done"] == 1 and rows["tiny"]["current"] == "square-grad"
    assert rows["tiny"]["steps"] == 5 and rows["tiny"]["kinds"]["quiz"] == 1
    assert rows["tiny"]["origin"] == str(FIXTURES)
    status, out, _ = run(capsys, "lessons", "--lessons-dir", str(FIXTURES), "--width", "100")
    assert "tiny" in out and "▸ 1/5 (at step 2)" in out


def test_lessons_exit_status_reports_broken_lessons(capsys, tmp_path):
    (tmp_path / "bad.py").write_text("1/0\n")
    status, out, _ = run(capsys, "lessons", "--lessons-dir", str(tmp_path), "--width", "100")
    assert status == 1 and "bad" in out and "ZeroDivisionError" in out


def test_the_real_command_line(tmp_path):
    """One end-to-end run through `python -m tutor` (the other tests call cli.main in-process)."""
    proc = subprocess.run([sys.executable, "-m", "tutor", "play", "tiny", "--solutions", "--json",
                           "--lessons-dir", str(FIXTURES)], capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "AUTOGRAD_TUTOR_HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    assert [r["passed"] for r in json_lines(proc.stdout)] == [True] * 5


def test_the_shell_takes_lessons_dir_and_configures_the_catalog(tmp_path, monkeypatch):
    from tutor import lessons

    for argv in (["shell", "--lessons-dir", str(FIXTURES)], ["--lessons-dir", str(FIXTURES)]):
        lessons.configure([])
        seen = {}
        monkeypatch.setattr("tutor.shell.run_shell", lambda **kw: seen.setdefault("ran", kw) and 0)
        assert cli.main(argv) == 0 and "ran" in seen
        assert "tiny" in [lesson.id for lesson in lessons.default_catalog(refresh=True).lessons]
    lessons.configure(None)


@pytest.mark.parametrize("quiz, prediction", [("B)", "%answer torch.Size([4])"), ("%answer b", "%answer 4"),
                                              ("(b)", "%answer [4]"), ("b.", "shape 4")])
def test_play_answers_accept_natural_forms(capsys, tmp_path, quiz, prediction):
    answers = tmp_path / "natural.txt"
    answers.write_text(f"%next\ny = (x * x).sum()\ny.backward()\n%next\n{quiz}\n%next\n{prediction}\n%next\n"
                       "%answer Each entry of x gets its own partial derivative of y.\n")
    status, out, _ = run(capsys, "play", "tiny", "--answers", str(answers), "--json", "--lessons-dir", str(FIXTURES))
    steps = {s["step"]: s for s in json_lines(out)}
    assert status == 0, steps
    assert steps["accumulate"]["passed"] and steps["shape"]["passed"]


# -- the hard limit (tutor.supervise, shared with `run`) ------------------------------------------

STUCK = '''\
from tutor.lesson import Lesson, Task, Text, true

lesson = Lesson(
    id="stuck",
    title="A step whose setup never stops",
    section="2.5",
    minutes=1,
    setup="big = 10**12",
    steps=[
        Task("first", goal="Make `z = 3`.", checks=[true("z == 3", "z is 3")], hints=["z = 3"],
             solution="z = 3", wrong=["z = 4"]),
        Text("read", markdown="Read this, then Enter."),
        Task("slow", goal="Use `n`.", checks=[true("n > 0", "n is positive")], hints=["n"], solution="m = n",
             wrong=["m = 0"], setup="n = sum(range(big))"),
    ],
)
'''


def play_cli(tmp_path, answers: str, *args):
    import os
    import time

    folder = tmp_path / "lessons"
    folder.mkdir(exist_ok=True)
    (folder / "lesson01_stuck.py").write_text(STUCK)
    (tmp_path / "answers.txt").write_text(answers)
    env = dict(os.environ, AUTOGRAD_TUTOR_HOME=str(tmp_path / "home"))
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "tutor", "play", "stuck", "--answers", str(tmp_path / "answers.txt"),
                             "--lessons-dir", str(folder), "--timeout", "1", *args],
                            capture_output=True, text=True, timeout=240, env=env)
    return result, time.monotonic() - started


def test_play_hard_limit_records_the_stop_rebuilds_the_lesson_and_keeps_the_killed_workers_progress(tmp_path):
    # 2: a hint; 3: C code the soft limit cannot stop; 4: the step's answer, in a new worker (1-2 replayed);
    # 6: %next marks the text step read (saved), then the next step's setup never stops and the worker is ended
    answers = "%hint\nsum(range(10**12))\nz = 3\n%next\n%next\n%lesson stop\n"
    result, elapsed = play_cli(tmp_path, answers, "--json")
    assert elapsed < 150  # two hard stops at 1 + 1.5 s each, plus three workers starting
    assert result.returncode == 1, result.stderr  # the slow step was never reached
    steps = {s["step"]: s for s in json_lines(result.stdout)}  # only records: nothing else on stdout
    first = steps["first"]
    # the input after the stop ran in the rebuilt lesson, and the replay did not count anything twice
    assert (first["status"], first["passed"], first["attempts"], first["hints_used"]) == ("passed", True, 1, 1)
    (stop,) = first["hard_stops"]
    assert set(stop) == {"input", "index", "type", "message", "replayed"}
    assert stop["input"] == "sum(range(10**12))" and stop["type"] == "Timeout"
    assert type(stop["index"]) is int and stop["index"] == 3
    assert stop["replayed"] == [1, 2] and all(type(i) is int for i in stop["replayed"])
    assert isinstance(stop["message"], str) and "hard limit" in stop["message"]
    assert first["errors"] == [f"Timeout: {stop['message']}"]
    # the killed worker had saved the text step as read before the next step's setup ran: that is kept
    read, slow = steps["read"], steps["slow"]
    assert (read["status"], read["passed"], read["reached"]) == ("passed", True, True)
    (stop,) = read["hard_stops"]
    assert (stop["input"], stop["index"], stop["replayed"], stop["type"]) == ("%next", 6, [1, 2, 4, 5], "Timeout")
    assert (slow["status"], slow["reached"], slow["hard_stops"]) == ("not reached", False, [])
    assert not (tmp_path / "home").exists() or not list((tmp_path / "home").glob("progress*"))


def test_play_hard_limit_shows_the_stop_once_and_goes_on(tmp_path):
    result, elapsed = play_cli(tmp_path, "sum(range(10**12))\nz = 3\n", "--width", "100")
    assert elapsed < 100
    assert result.returncode == 1, result.stderr  # the slow step was not reached
    out = result.stdout
    assert out.count(">>> %lesson stuck") == 1 and out.count(">>> sum(range(10**12))") == 1  # replays not shown
    stuck_at, stop_at, next_at = out.index(">>> sum(range(10**12))"), out.index("⏹ stopped after 1 s (hard limit"), \
        out.index(">>> z = 3")
    assert stuck_at < stop_at < next_at and out.count("⏹") == 1
    assert "input 1 was replayed in a new worker" in out
    assert "✓ Passed" in out[next_at:] and "✗ stuck: 1 of 2 tasks" in out
