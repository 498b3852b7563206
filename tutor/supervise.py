"""Process handling for `run`: tamper-proof records, `--json-out`, and a hard time limit.

Tamper-proof records. Learner code may write anywhere Python lets it: `sys.__stdout__`, `os.write(1,
...)`. None of that may land in the stream of records a grader reads. `Isolation` keeps a private
duplicate of the real standard output for the records (or writes them to `--json-out FILE`) and,
while the file runs, points file descriptor 1 and `sys.__stdout__` at a capture file; whatever an
input wrote there is added to that input's `stdout`.

The hard limit (`run --timeout S`, `play --timeout S`). The soft limit (a Timeout raised in the running
code) cannot stop C code that never returns to Python (`sum(range(10**12))`), nor code that cancelled
its timer or ignores SIGALRM. So the inputs run in a forked worker process and the parent watches the
clock: when an input has not finished `GRACE` seconds after its limit, the parent kills the worker,
records a Timeout for that input, and forks a new worker that replays the earlier inputs silently (the
record says which) and goes on with the rest. A worker that dies (a crash in C code) is handled the
same way. `Supervisor` serves both fronts: it runs the front's own loop (`drive`) in each worker.
Where `fork` is missing, inputs run in process with the soft limit only.
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

from tutor.outcome import ErrorInfo, Outcome
from tutor.runner import run_inputs, write_outcome

GRACE = 1.0  # seconds after an input's limit before the worker is killed (soft stops took 0-0.7 s here)
READY_SECONDS = 120.0  # a new worker may take this long to import torch and replay
REPLAYING = "supervise.replaying"  # session.state key: True while a worker replays an earlier input


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
    as_json = as_json or bool(json_out)
    with Isolation(json_out) as iso:
        def drive(out) -> int:
            return run_inputs(session, inputs, out=out, as_json=as_json, echo=echo, width=width,
                              extra_stdout=iso.take)

        if not supervised(session.timeout):
            return drive(iso.records)

        def lost(outcome) -> None:  # a stop no later worker got to show
            write_outcome(iso.records, outcome, as_json=as_json, echo=echo, width=width)

        supervisor = Supervisor(session, iso, drive, terminal=_isatty(iso.records) and not as_json, on_lost=lost)
        status = supervisor.run()
        return max(supervisor.status, status if isinstance(status, int) else 1)


def supervised(timeout: float | None) -> bool:
    """Whether a front should run its inputs under a Supervisor: a time limit, and `fork` to enforce it."""
    return bool(timeout) and hasattr(os, "fork")


def stopped_outcome(stop: dict) -> Outcome:
    """The outcome of an input whose worker was ended: what every front shows and records for it."""
    outcome = Outcome(input=stop["input"], index=stop["index"], error=ErrorInfo(stop["type"], stop["message"]),
                      elapsed=stop["elapsed"])
    outcome.hard_stop = {key: stop[key] for key in ("index", "type", "message", "replayed")}
    return outcome


class _PipeOut(io.StringIO):
    """The worker's output stream: what the parent would print, sent to it after each input (nothing
    while `muted`: the display of a replayed input)."""

    def __init__(self, send, terminal: bool):
        super().__init__()
        self.send, self.terminal = send, terminal
        self.muted = False

    def isatty(self) -> bool:
        return self.terminal

    def flush(self) -> None:
        text = self.getvalue()
        if text:
            self.seek(0)
            self.truncate()
            if not self.muted:
                self.send({"event": "text", "text": text})


class Supervisor:
    """Runs a front's loop in forked workers and enforces the hard limit from the parent.

    `drive(out)` is the front's own loop (`run_inputs` for run; a lesson and its answers for play). It
    runs in the worker, submits every input through `session.submit` and writes what it shows to `out`.
    Every worker runs `drive` from the start, so the inputs must come in the same order each time (a
    file's; a lesson's answers or solutions): the inputs an earlier worker finished are replayed with
    their display dropped, and an input whose worker was ended is not run again: `session.submit` gives
    `stopped_outcome` (a Timeout naming the replayed inputs), which the worker after it shows like any
    other outcome. What `drive` returns (JSON data) in the worker that finishes is what `run()` returns
    (None if no worker finished). `context()`, when given, is called in the worker before each input and
    its value kept with a stop (play: the lesson step); `on_lost(outcome)` shows a stop no worker got to.
    """

    def __init__(self, session, iso: Isolation, drive, *, terminal: bool = False, context=None, on_lost=None):
        self.session, self.iso, self.drive = session, iso, drive
        self.terminal, self.context, self.on_lost = terminal, context, on_lost
        self.stops: list[dict] = []  # the inputs whose worker was ended, in order
        self.indices: dict[int, int] = {}  # position (n-th submit) -> the input's number
        self.status = 0
        self.result = None
        self.finished = False

    # -- the parent -------------------------------------------------------------------------

    def run(self):
        # torch is imported once, here, rather than by every worker (each new one would import it again);
        # a forked worker runs it single-threaded (see _worker)
        self.session.ensure_torch()
        start = 0
        while not self.finished:
            start = self._one_worker(start)
        return self.result

    def _one_worker(self, start: int) -> int:
        """Fork a worker that goes on from position `start`; returns where the next one must go on."""
        pending = self.stops[-1] if self.stops and self.stops[-1]["position"] == start - 1 else None
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
        position, index, text, context, began = start, None, "", None, 0.0
        deadline = time.monotonic() + READY_SECONDS
        limit = self.session.timeout
        buffer = b""
        try:
            while True:
                wait = max(deadline - time.monotonic(), 0)
                ready, _, _ = select.select([reader], [], [], wait)
                if not ready:  # the worker did not finish the input in time: end it
                    self._kill(pid)
                    if index is None:
                        return self._give_up(pending)  # could not even start
                    self._stop(position, index, text, context, began, f"stopped after {limit:g} s (hard limit:"
                               " the input did not stop at its time limit, so its process was ended)")
                    return position + 1
                chunk = os.read(read_fd, 65536)
                if not chunk:  # the worker ended
                    _, wstatus = os.waitpid(pid, 0)
                    if index is not None:  # it died in an input
                        sig = os.WTERMSIG(wstatus) if os.WIFSIGNALED(wstatus) else None
                        why = f"signal {sig}" if sig else f"exit status {os.WEXITSTATUS(wstatus)}"
                        self._stop(position, index, text, context, began,
                                   f"the input ended the tutor's worker process ({why})", kind="WorkerCrash")
                        return position + 1
                    return self._give_up(pending)
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    try:
                        message = json.loads(line)
                        event = message["event"]
                    except (ValueError, KeyError, TypeError):
                        continue  # not the worker's own message: ignored
                    if event == "start":
                        pending = None  # shown: the worker flushes what it showed before each input
                        position, index = message["position"], message["index"]
                        text, context, began = message["input"], message.get("context"), time.monotonic()
                        self.indices[position] = index
                        deadline = began + limit + GRACE
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
                        self.result, self.finished = message["result"], True
                        self._reap(pid)
                        return position
        except BaseException:
            self._kill(pid)
            raise
        finally:
            reader.close()

    def _give_up(self, pending: dict | None) -> int:
        """A worker ended outside any input (or never got going): the run is over."""
        self.finished, self.status = True, 1
        if pending is not None and self.on_lost is not None:
            self.on_lost(stopped_outcome(pending))
        return 0

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

    def _stop(self, position: int, index: int, text: str, context, began: float, message: str,
              kind: str = "Timeout") -> None:
        stopped = {s["position"] for s in self.stops}
        replayed = [self.indices[p] for p in sorted(self.indices) if p < position and p not in stopped]
        if len(replayed) == 1:
            note = f"input {replayed[0]} was replayed in a new worker"
        else:
            note = f"inputs {_ranges(replayed)} were replayed in a new worker" if replayed else "a new worker goes on"
        self.stops.append({"position": position, "index": index, "input": text, "type": kind,
                           "message": f"{message}; {note}", "replayed": replayed, "context": context,
                           "elapsed": time.monotonic() - began})
        self.status = 1

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
        stops = {s["position"]: s for s in self.stops}
        live = start - 1 if start - 1 in stops else start  # the stop just before `start` is shown here
        out = _PipeOut(send, terminal=self.terminal)
        out.muted = live > 0
        submit_for_real = session.submit
        positions = iter(range(1 << 62))

        def submit(text):
            position = next(positions)
            out.flush()  # what the previous input showed goes out (or is dropped, for a replay)
            out.muted = position < live
            if position in stops:  # never run again: it gets the outcome its stop recorded
                session.count += 1
                return stopped_outcome(stops[position])
            if position < start:
                session.state[REPLAYING] = True
                try:
                    outcome = submit_for_real(text)
                finally:
                    session.state[REPLAYING] = False
                self.iso.take()  # what a replay wrote to fd 1 is not shown again
                return outcome
            context = self.context() if self.context is not None else None
            send({"event": "start", "position": position, "index": session.count + 1, "input": text,
                  "context": context})
            outcome = submit_for_real(text)
            send({"event": "done", "position": position, "ok": outcome.ok})
            return outcome

        session.submit = submit
        result = self.drive(out)
        out.flush()
        send({"event": "end", "result": result})
        return 0


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
