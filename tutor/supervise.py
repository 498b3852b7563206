"""Process handling for `run`: tamper-proof records, `--json-out`, and a hard time limit.

Tamper-proof records. Learner code may write anywhere Python lets it: `sys.__stdout__`, `os.write(1,
...)`. None of that may land in the stream of records a grader reads. `Isolation` keeps a private
duplicate of the real standard output for the records (or writes them to `--json-out FILE`) and,
while the file runs, points file descriptor 1 and `sys.__stdout__` at a capture file; whatever an
input wrote there is added to that input's `stdout`.

The hard limit (`run --timeout S`). The soft limit (a Timeout raised in the running code) cannot stop
C code that never returns to Python (`sum(range(10**12))`), nor code that cancelled its timer or
ignores SIGALRM. So the inputs run in a forked worker process and the parent watches the clock: when
an input has not finished `GRACE` seconds after its limit, the parent kills the worker, records a
Timeout for that input, and forks a new worker that replays the earlier inputs silently (the record
says which) and goes on with the rest of the file. A worker that dies (a crash in C code) is handled
the same way. Where `fork` is missing, inputs run in process with the soft limit only.
"""

from __future__ import annotations

import io
import json
import os
import select
import signal
import sys
import tempfile
import time

from tutor.runner import dumps, echo_input, run_inputs

GRACE = 1.5  # seconds after an input's limit before the worker is killed
READY_SECONDS = 120.0  # a new worker may take this long to import torch and replay


class Isolation:
    """`with Isolation(json_out) as iso:` records go to `iso.records`; fd 1 and sys.__stdout__ go to a
    capture file whose new text `iso.take()` returns."""

    def __init__(self, json_out: str | None = None, records=None):
        self.json_out, self.given = json_out, records
        self.private_fd: int | None = None

    def __enter__(self) -> "Isolation":
        sys.stdout.flush()
        self.saved_fd = os.dup(1)
        self.saved_dunder, self.saved_stdout = sys.__stdout__, sys.stdout
        if self.json_out:
            self.records = open(self.json_out, "w", encoding="utf-8")
        elif self.given is not None:
            self.records = self.given
        elif sys.stdout is sys.__stdout__ or _fd_of(sys.stdout) == 1:
            # The real stdout: records get a private duplicate that learner code never sees.
            self.private_fd = os.dup(1)
            self.records = io.TextIOWrapper(os.fdopen(self.private_fd, "wb", buffering=0), encoding="utf-8",
                                            errors="backslashreplace", line_buffering=True)
        else:
            self.records = sys.stdout  # already a stream of its own (a test's capture)
        self.capture = tempfile.TemporaryFile()
        self.read_at = 0
        os.dup2(self.capture.fileno(), 1)
        learner_out = io.TextIOWrapper(os.fdopen(os.dup(1), "wb", buffering=0), encoding="utf-8",
                                       errors="backslashreplace", line_buffering=True)
        sys.__stdout__ = learner_out
        if sys.stdout is self.saved_dunder:
            sys.stdout = learner_out
        self.learner_out = learner_out
        return self

    def take(self) -> str:
        """What was written to fd 1 or sys.__stdout__ since the last call."""
        try:
            sys.__stdout__.flush()
        except Exception:  # noqa: BLE001 - learner code may have replaced or closed it
            pass
        try:
            size = os.fstat(self.capture.fileno()).st_size
            if size <= self.read_at:
                return ""
            data = os.pread(self.capture.fileno(), min(size - self.read_at, 1_000_000), self.read_at)
            self.read_at = size
            return data.decode("utf-8", "replace")
        except OSError:
            return ""

    def __exit__(self, *exc) -> bool:
        try:
            self.records.flush()
        except Exception:  # noqa: BLE001
            pass
        os.dup2(self.saved_fd, 1)
        os.close(self.saved_fd)
        sys.__stdout__, sys.stdout = self.saved_dunder, self.saved_stdout
        for stream in (self.learner_out, self.capture):
            try:
                stream.close()
            except Exception:  # noqa: BLE001
                pass
        if self.json_out or self.private_fd is not None:
            self.records.close()
        return False


def _fd_of(stream) -> int | None:
    try:
        return stream.fileno()
    except Exception:  # noqa: BLE001
        return None


def run_file(session, inputs: list, *, as_json: bool, echo: bool, width: int | None,
             json_out: str | None = None) -> int:
    """`run`: the inputs through the session, records isolated; supervised when there is a time limit."""
    with Isolation(json_out) as iso:
        if session.timeout and hasattr(os, "fork"):
            return Supervisor(session, inputs, iso, as_json=as_json or bool(json_out), echo=echo,
                              width=width).run()
        return run_inputs(session, inputs, out=iso.records, as_json=as_json or bool(json_out), echo=echo,
                          width=width, extra_stdout=iso.take)


class _PipeOut(io.StringIO):
    """The worker's output stream: what the parent would print, sent to it after each input."""

    def __init__(self, send, terminal: bool):
        super().__init__()
        self.send, self.terminal = send, terminal

    def isatty(self) -> bool:
        return self.terminal

    def flush(self) -> None:
        text = self.getvalue()
        if text:
            self.seek(0)
            self.truncate()
            self.send({"event": "text", "text": text})


class Supervisor:
    """Runs the inputs in forked workers and enforces the hard limit from the parent."""

    def __init__(self, session, inputs, iso: Isolation, *, as_json: bool, echo: bool, width):
        self.session, self.inputs, self.iso = session, list(inputs), iso
        self.as_json, self.echo, self.width = as_json, echo, width
        self.killed: set[int] = set()  # positions whose worker was killed
        self.status = 0

    # -- the parent -------------------------------------------------------------------------

    def run(self) -> int:
        start = 0
        while start < len(self.inputs):
            start = self._one_worker(start)
        return self.status

    def _one_worker(self, start: int) -> int:
        """Fork a worker for inputs[start:]; returns where the next worker must begin (len when done)."""
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker
            os.close(read_fd)
            code = 1
            try:
                code = self._worker(start, write_fd)
            finally:
                os._exit(code)
        os.close(write_fd)
        reader = os.fdopen(read_fd, "rb")
        position, index, deadline = start, None, time.monotonic() + READY_SECONDS
        limit = self.session.timeout
        buffer = b""
        try:
            while True:
                wait = max(deadline - time.monotonic(), 0)
                ready, _, _ = select.select([reader], [], [], wait)
                if not ready:  # the worker did not finish the input in time: end it
                    self._kill(pid)
                    if index is None:
                        return len(self.inputs)  # could not even start
                    self._hard_timeout(position, index, f"stopped after {limit:g} s (hard limit: the input "
                                       "did not stop at its time limit, so its process was ended)")
                    return position + 1
                chunk = os.read(read_fd, 65536)
                if not chunk:  # the worker ended
                    _, wstatus = os.waitpid(pid, 0)
                    if index is not None and position < len(self.inputs):  # it died in an input
                        sig = os.WTERMSIG(wstatus) if os.WIFSIGNALED(wstatus) else None
                        why = f"signal {sig}" if sig else f"exit status {os.WEXITSTATUS(wstatus)}"
                        self._hard_timeout(position, index, f"the input ended the tutor's worker process "
                                           f"({why})", kind="WorkerCrash")
                        return position + 1
                    return len(self.inputs)
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    try:
                        message = json.loads(line)
                        event = message["event"]
                    except (ValueError, KeyError, TypeError):
                        continue  # not the worker's own message: ignored
                    if not isinstance(message, dict):
                        continue
                    if event == "start":
                        position, index = message["position"], message["index"]
                        deadline = time.monotonic() + limit + GRACE
                    elif event == "text":
                        self.iso.records.write(message["text"])
                        self.iso.records.flush()
                        deadline = time.monotonic() + READY_SECONDS
                    elif event == "done":
                        if not message["ok"]:
                            self.status = 1
                        position, index = message["position"] + 1, None
                        deadline = time.monotonic() + READY_SECONDS
                    elif event == "end":
                        self.status = max(self.status, message["status"])
                        self._reap(pid)
                        return len(self.inputs)
        except BaseException:
            self._kill(pid)
            raise
        finally:
            reader.close()

    def _kill(self, pid: int) -> None:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        self._reap(pid)

    @staticmethod
    def _reap(pid: int) -> None:
        try:
            os.waitpid(pid, 0)
        except OSError:
            pass

    def _hard_timeout(self, position: int, index: int, message: str, kind: str = "Timeout") -> None:
        self.killed.add(position)
        self.status = 1
        text = self.inputs[position]
        replayed = [i + 1 for i in range(position) if i not in self.killed and _submitted(self.inputs[i])]
        note = (f"inputs {_ranges(replayed)} were replayed in a new worker" if replayed else
                "the rest of the file runs in a new worker")
        output = f"⏹ {message}; {note}."
        if self.as_json:
            record = {"index": index, "input": text, "ok": False, "value": None, "output": output,
                      "stdout": "", "stderr": "", "error": {"type": kind, "message": message}, "warnings": [],
                      "hints": [], "gradients": {}, "elapsed_ms": round((self.session.timeout + GRACE) * 1000, 3),
                      "replayed": replayed}
            self.iso.records.write(dumps(record) + "\n")
        else:
            self.iso.records.write((echo_input(text) + "\n" if self.echo else "") + output + "\n")
        self.iso.records.flush()

    # -- the worker -------------------------------------------------------------------------

    def _worker(self, start: int, write_fd: int) -> int:
        os.setpgid(0, 0)  # its own process group, so the parent can end it and all it started
        if self.iso.private_fd is not None:  # the records' stream is the parent's alone
            os.close(self.iso.private_fd)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        pipe = os.fdopen(write_fd, "wb", buffering=0)

        def send(message: dict) -> None:
            pipe.write((json.dumps(message) + "\n").encode("utf-8"))

        from tutor import torchload

        torch = torchload.loaded()
        if torch is not None:
            torch.set_num_threads(1)  # OpenMP is not fork-safe: a forked child hangs on its first parallel op
        session = self.session
        session.ensure_torch()
        self.iso.take()
        replay = [i for i in range(start) if _submitted(self.inputs[i])]
        for i in replay:
            if i in self.killed:
                session.count += 1  # the killed input keeps its number
            else:
                session.submit(self.inputs[i])
        self.iso.take()  # what the replays printed is not shown again
        positions = iter(range(start, len(self.inputs)))
        current = {"position": start}

        def on_start(text):
            position = next(positions)
            while not _submitted(self.inputs[position]):
                position = next(positions)
            current["position"] = position
            send({"event": "start", "position": position, "index": session.count + 1})

        out = _PipeOut(send, terminal=_isatty(self.iso.records) and not self.as_json)
        original_submit = session.submit

        def submit(text):
            outcome = original_submit(text)
            send({"event": "done", "position": current["position"], "ok": outcome.ok})
            return outcome

        session.submit = submit
        status = run_inputs(session, self.inputs[start:], out=out, as_json=self.as_json, echo=self.echo,
                            width=self.width, on_start=on_start, extra_stdout=self.iso.take)
        out.flush()
        send({"event": "end", "status": status})
        return 0


def _submitted(item) -> bool:
    return not getattr(item, "show_only", False)


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except Exception:  # noqa: BLE001
        return False


def _ranges(numbers: list[int]) -> str:
    parts, i = [], 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        parts.append(str(numbers[i]) if i == j else f"{numbers[i]}-{numbers[j]}")
        i = j + 1
    return ", ".join(parts)
