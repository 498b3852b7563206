"""The real shell in a pseudo-terminal (pexpect): start, evaluate, Ctrl-C, Ctrl-D."""

from __future__ import annotations

import os
import re
import sys
import time

import pytest

pexpect = pytest.importorskip("pexpect")

pytestmark = pytest.mark.terminal
PROMPT = ">>>"  # prompt_toolkit moves the cursor over the trailing space


@pytest.fixture
def shell(tutor_home):
    env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", AUTOGRAD_TUTOR_HOME=str(tutor_home), TERM="xterm")
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(sys.executable, ["-m", "tutor"], env=env, encoding="utf-8",
                          dimensions=(40, 100), timeout=60)
    child.expect_exact(PROMPT)
    yield child
    if child.isalive():
        child.terminate(force=True)


def settle(child) -> None:
    """Wait for the next prompt to be drawn, so keys reach prompt_toolkit and not the cooked tty."""
    child.expect_exact(PROMPT)
    time.sleep(0.3)


def test_starts_and_evaluates(shell):
    shell.sendline("x = torch.arange(4.0, requires_grad=True); y = 2 * torch.dot(x, x); y.backward()")
    shell.expect_exact("x.grad")
    shell.expect(r"tensor\(\[ 0\.,\s+4\.,\s+8\., 12\.\]\)")
    shell.sendline("x.grad.sum().item()")
    shell.expect_exact("24.0")


def test_ctrl_c_stops_a_runaway_loop_and_the_shell_goes_on(shell):
    shell.sendline("kept = torch.tensor(41.0); print('ready', 6 * 7)")  # waits until torch is loaded
    shell.expect_exact("ready 42")
    settle(shell)
    shell.sendline("while True: pass")
    shell.expect_exact("\x1b[?2004l")  # bracketed paste off: the prompt is done and the loop runs
    time.sleep(0.5)
    shell.sendintr()
    shell.expect_exact("Interrupted")
    shell.sendline("int(kept) + 1")
    shell.expect_exact("42")


def test_ctrl_c_that_c_code_cannot_hear_gets_an_honest_message(shell):
    shell.sendline("print('ready', 6 * 7)")
    shell.expect_exact("ready 42")
    settle(shell)
    shell.sendline("sum(range(10**12))")  # one C call: Python acts on Ctrl-C only after it returns
    shell.expect_exact("\x1b[?2004l")
    time.sleep(0.5)
    pressed = time.monotonic()
    shell.sendintr()
    shell.expect_exact("Ctrl-C has not stopped this input yet", timeout=15)
    shell.expect_exact("Ctrl-\\ to end the tutor")
    assert time.monotonic() - pressed < 10  # about 1 s; the bound is generous for a busy machine


def test_ctrl_d_says_goodbye_and_exits_with_status_zero(shell, tutor_home):
    shell.sendline("print('sum', 1 + 1)")
    shell.expect_exact("sum 2")  # (a bare "2" would match the terminal's escape codes)
    settle(shell)
    shell.sendcontrol("d")
    shell.expect_exact("Goodbye.")
    shell.expect_exact("kept in")
    shell.expect(pexpect.EOF)
    shell.close()
    assert shell.exitstatus == 0


_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")


def expect_plain(child, pattern: str, timeout: float = 60) -> str:
    """Wait until the output, without escape codes, matches `pattern`; consume up to the match and leave
    the rest (a prompt drawn in the same chunk, say) for the next expect."""
    seen = ""
    deadline = time.monotonic() + timeout
    while True:
        match = re.search(pattern, _ESCAPE.sub("", seen))
        if match:
            low, high = 0, len(seen)  # the shortest raw prefix whose plain text holds the match
            while low < high:
                mid = (low + high) // 2
                if len(_ESCAPE.sub("", seen[:mid])) >= match.end():
                    high = mid
                else:
                    low = mid + 1
            rest = seen[low:] + child.buffer
            child.buffer = rest  # pexpect 4.8 searches only what it counts as fresh: _before too
            child._before = child.buffer_type()
            child._before.write(rest)
            return match.group(0)
        if time.monotonic() > deadline:
            raise AssertionError(f"no {pattern!r} in the output; the end of it: {_ESCAPE.sub('', seen)[-600:]!r}")
        try:
            seen += child.read_nonblocking(4096, timeout=0.5)
        except pexpect.TIMEOUT:
            pass


def test_ctrl_r_then_enter_runs_the_line_found(shell):
    shell.sendline("print('found', 40 + 2)")
    shell.expect_exact("found 42")
    settle(shell)
    shell.sendline("print('other', 1)")
    shell.expect_exact("other 1")
    settle(shell)
    shell.sendcontrol("r")
    shell.expect_exact("I-search backward")
    shell.send("found")
    time.sleep(0.5)
    shell.send("\r")
    shell.expect_exact("found 42")  # ran again: its output, not just the history line
    settle(shell)
    shell.sendline("print('still', 'alive')")  # the search is over: typing and Enter work
    shell.expect_exact("still alive")


def test_tab_completes_torch_names_right_after_the_first_prompt(shell):
    # The fixture waited for the first prompt; torch is still importing in the background.
    started = time.monotonic()
    shell.send("torch.ara")
    time.sleep(0.2)
    shell.send("\t")  # the completion waits for torch, then fills in `nge`
    expect_plain(shell, r"nge")
    shell.send("(3)\r")
    expect_plain(shell, r"tensor\(\[0, 1, 2\]\)")  # `torch.ara(3)` would be an AttributeError
    assert time.monotonic() - started < 60  # a limit that was honoured, not a timing goal


def test_question_mark_on_a_tensor_shows_its_autograd_facts(shell):
    shell.sendline("x = torch.arange(4.0, requires_grad=True); y = (x * x).sum(); y.backward()")
    shell.expect_exact("x.grad")
    settle(shell)
    shell.sendline("x?")
    expect_plain(shell, r"shape\s+\(4,\)\s+dtype\s+float32\s+device\s+cpu\s+requires_grad\s+True\s+leaf\s+yes"
                        r"[^\n]*\s+grad\s+tensor\(\[0\., 2\., 4\., 6\.\]\)\s+version\s+0")
    settle(shell)
    shell.sendline("y?")
    expect_plain(shell, r"grad_fn\s+SumBackward0")


def test_a_pasted_block_runs_as_one_input(shell):
    block = ("def double(v):\n"
             "    w = v * 2\n"
             "    return w\n"
             "print('first', double(1))\n"
             "print('second', double(2))")
    shell.send("\x1b[200~" + block + "\x1b[201~")  # bracketed paste, as a terminal sends it
    time.sleep(0.5)
    shell.send("\r")
    shell.expect_exact("first 2")
    shell.expect_exact("second 4")
    settle(shell)
    shell.sendline("print('inputs', len(__import__('sys').modules) > 0)")
    shell.expect_exact("inputs True")


def test_history_persists_across_sessions(shell, tutor_home):
    shell.sendline("remembered_value = 12345; remembered_value + 1")
    shell.expect_exact("12346")
    settle(shell)
    shell.sendcontrol("d")
    shell.expect(pexpect.EOF)
    assert "remembered_value = 12345" in (tutor_home / "history").read_text()


def test_ctrl_c_during_a_lessons_setup_leaves_it_not_started(tmp_path, tutor_home):
    from tutor.progress import ProgressStore

    marker = tmp_path / "setup-running"
    folder = tmp_path / "lessons"
    folder.mkdir()
    setup = f"open({str(marker)!r}, 'w').close()\nimport time\ntime.sleep(120)"
    (folder / "lesson01_slow.py").write_text(
        "from tutor.lesson import Lesson, Text\n"
        f"lesson = Lesson(id='slow', title='Slow', section='2.5', minutes=1, setup={setup!r},\n"
        "                steps=[Text('intro', markdown='Hi.', examples=[])])\n")
    env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", AUTOGRAD_TUTOR_HOME=str(tutor_home), TERM="xterm")
    child = pexpect.spawn(sys.executable, ["-m", "tutor", "--lesson", "slow", "--lessons-dir", str(folder)], env=env,
                          encoding="utf-8", dimensions=(40, 100), timeout=60)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():  # the setup is running
            assert time.monotonic() < deadline, "the lesson's setup never started"
            time.sleep(0.2)
        pressed = time.monotonic()
        child.sendintr()
        expect_plain(child, r"Ctrl-C stopped the setup of lesson slow, so it was not started")
        assert time.monotonic() - pressed < 20  # generous: one press stops a two-minute setup
        child.expect_exact(PROMPT)
        child.sendline("print('free', 'play', 6 * 7)")
        child.expect_exact("free play 42")
        assert ProgressStore(tutor_home / "progress.sqlite3").all() == {}
    finally:
        child.terminate(force=True)


def test_expect_plain_leaves_what_follows_the_match_for_the_next_expect():
    """The helper reads chunks; a prompt that arrives in the same chunk as the match must stay readable
    (it used to be swallowed, and the next settle() waited 60 s for a prompt already drawn)."""
    child = pexpect.spawn("sh", ["-c", "printf 'facts \\033[1mshape\\033[0m (4,)\\n>>> '; sleep 5"],
                          encoding="utf-8", timeout=5)
    time.sleep(0.5)  # both parts are in the pty before the first read
    assert expect_plain(child, r"shape \(4,\)") == "shape (4,)"
    child.expect_exact(PROMPT, timeout=2)
    child.terminate(force=True)
