"""The real shell in a pseudo-terminal (pexpect): start, evaluate, Ctrl-C, Ctrl-D."""

from __future__ import annotations

import os
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


def test_ctrl_d_exits_with_status_zero(shell):
    shell.sendline("print('sum', 1 + 1)")
    shell.expect_exact("sum 2")  # (a bare "2" would match the terminal's escape codes)
    settle(shell)
    shell.sendcontrol("d")
    shell.expect(pexpect.EOF)
    shell.close()
    assert shell.exitstatus == 0


def test_history_persists_across_sessions(shell, tutor_home):
    shell.sendline("remembered_value = 12345; remembered_value + 1")
    shell.expect_exact("12346")
    settle(shell)
    shell.sendcontrol("d")
    shell.expect(pexpect.EOF)
    assert "remembered_value = 12345" in (tutor_home / "history").read_text()
