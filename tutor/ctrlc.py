"""An honest message when Ctrl-C cannot stop an input at once.

Python acts on Ctrl-C between two steps of Python code. One long call into C code never returns to
Python until it is done (`sum(range(10**12))`, a huge matrix product): the press waits, and the
learner sees nothing happen. Code that catches KeyboardInterrupt itself (a bare `except:` in a loop)
goes on after the press. Neither can be helped from inside the process, and a thread cannot speak
either (the C call holds the interpreter lock).

So the shell starts one tiny watcher process (plain Python, no torch, in a session of its own so
the terminal's Ctrl-C never reaches it). While an input runs, Python's own C-level signal handler
writes each signal's number to the watcher's pipe (`signal.set_wakeup_fd`), which needs no lock; the
tutor adds a byte when its Ctrl-C handler ran and another when the input is over. A Ctrl-C that
has not ended the input `DELAY` seconds later gets one message, written by the watcher straight to
the terminal: why the press did not work, and that Ctrl-\\ ends the tutor.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

DELAY = 1.0  # seconds after a Ctrl-C before the watcher speaks
HANDLED, DONE = 0xF0, 0xF1  # bytes the tutor writes (signal numbers are all below 0x80)

NOT_REACHED = ("\r\n⏳ Ctrl-C has not stopped this input yet: Python acts on it only between steps of Python "
               "code, and this input is inside one long call to C code (a PyTorch or Python built-in "
               "function) or still unwinding a very deep recursion. It stops when that is done. {quit} "
               "to end the tutor now (your variables are lost).\r\n")
CAUGHT = ("\r\n⏳ Ctrl-C has not stopped this input: your code caught the KeyboardInterrupt (a bare `except:` or "
          "`except BaseException:`) and went on. {quit} to end the tutor (your variables are lost), "
          "or wait for the code to finish.\r\n")

WATCHER = r"""
import os, select, sys, time
fd, out, delay = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
not_reached, caught = sys.argv[4].encode(), sys.argv[5].encode()
pressed, handled = None, False
while True:
    wait = None if pressed is None else max(pressed + delay - time.monotonic(), 0)
    if not select.select([fd], [], [], wait)[0]:
        try:
            os.write(out, caught if handled else not_reached)
        except OSError:
            pass
        pressed = None
        continue
    data = os.read(fd, 512)
    if not data:
        break
    for byte in data:
        if byte == 2 and pressed is None:
            pressed, handled = time.monotonic(), False
        elif byte == 0xF0:
            handled = True
        elif byte == 0xF1:
            pressed = None
"""


def quit_hint() -> str:
    """How to end the tutor when an input cannot be stopped: Ctrl-\\ (SIGQUIT) unless it is ignored
    (a shell that started the tutor in the background ignores it), else kill -9 from elsewhere."""
    if signal.getsignal(signal.SIGQUIT) == signal.SIG_DFL:
        return "Press Ctrl-\\"
    return f"Run `kill -9 {os.getpid()}` in another terminal"


class Watcher:
    """`with watcher.running():` around one input, in the main thread."""

    def __init__(self, out_fd: int = 1, enabled: bool = True):
        self.out_fd, self.enabled = out_fd, enabled
        self.proc: subprocess.Popen | None = None
        self.write_fd: int | None = None

    def _start(self) -> bool:
        if not self.enabled:
            return False
        if self.proc is not None:
            return self.proc.poll() is None
        try:
            read_fd, write_fd = os.pipe()
            os.set_blocking(write_fd, False)
            self.proc = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", WATCHER, str(read_fd), str(self.out_fd), str(DELAY),
                 NOT_REACHED.format(quit=quit_hint()), CAUGHT.format(quit=quit_hint())],
                pass_fds=(read_fd, self.out_fd), stdin=subprocess.DEVNULL, start_new_session=True)
            os.close(read_fd)
            self.write_fd = write_fd
            return True
        except (OSError, ValueError, subprocess.SubprocessError):
            return False

    def tell(self, byte: int) -> None:
        if self.write_fd is not None:
            try:
                os.write(self.write_fd, bytes([byte]))
            except OSError:
                pass

    def running(self) -> "_Running":
        return _Running(self)

    def close(self) -> None:
        if self.write_fd is not None:
            os.close(self.write_fd)
            self.write_fd = None
        if self.proc is not None:
            try:
                self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None


class _Running:
    def __init__(self, watcher: Watcher):
        self.watcher, self.previous = watcher, None

    def __enter__(self):
        from tutor import guard

        if threading.current_thread() is threading.main_thread() and self.watcher._start():
            try:
                self.previous = signal.set_wakeup_fd(self.watcher.write_fd, warn_on_full_buffer=False)
            except (ValueError, OSError):
                self.previous = None
            else:
                guard.on_interrupt = lambda: self.watcher.tell(HANDLED)
        return self

    def __exit__(self, *exc) -> bool:
        from tutor import guard

        if self.previous is not None:
            guard.on_interrupt = None
            self.watcher.tell(DONE)
            try:
                signal.set_wakeup_fd(self.previous)
            except (ValueError, OSError):
                pass
            self.previous = None
        return False
