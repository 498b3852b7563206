"""The hostile and unlucky cases of issue 14, shared by `tests/reliability/run.py` (which measures them
all) and the normal suite (tests/test_reliability.py runs the cheap ones).

- RUNAWAY: 20 runaway shapes for `run --timeout 2` (the file: setup, `print("before")`, the shape,
  `print("after")`).
- CTRL_C: 11 runaway inputs for one Ctrl-C in the real shell.
- DAMAGE: 16 damaged or unusable progress stores, each a function that damages a tutor home.
- TWO_SHELLS: 5 scenarios of two shells on one lesson.
- helpers to start the tutor as a learner does (`tutor_env`, `run_cli`, `PipeShell`).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the tree whose `tutor` is measured
STORE = "progress.sqlite3"


def tutor_env(home: Path | str | None = None, **extra) -> dict:
    """The environment of a child tutor: this tree's code, its own home, no colour."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if home is not None:
        env["AUTOGRAD_TUTOR_HOME"] = str(home)
    env.update(extra)
    return env


def run_cli(*args, stdin=None, timeout=180, env=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "tutor", *args], input=stdin, capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=cwd)


# -- runaway inputs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    name: str
    code: str  # one input (a top-level statement)
    setup: str = ""  # inputs before it
    what: str = ""  # which defect of the issue it reproduces

    def script(self) -> str:
        parts = [self.setup.strip("\n")] if self.setup.strip() else []
        return "\n".join(parts + ['print("before")', self.code, 'print("after")']) + "\n"


_FOREVER = "sum(1 for _ in iter(int, 1))"  # a Python-level loop in one expression

RUNAWAY = [
    Shape("python-loop", "while True: pass", what="a plain loop"),
    Shape("recursion-raised-limit", "r(0)", "import sys; sys.setrecursionlimit(10**6)\ndef r(n): return r(n + 1)",
          "defect 2: the limit firing in the tutor's clean-up"),
    Shape("c-sum-range", "sum(range(10**12))", what="defect 9: C code that never returns to Python"),
    Shape("matmul-8000", "torch.randn(8000, 8000) @ torch.randn(8000, 8000)", what="defect 9: one long C call"),
    Shape("huge-allocation", "a = torch.ones(20000, 20000)", what="defect 2: 1.6 GB filled in C"),
    Shape("timer-cancelled", f"import signal; signal.setitimer(signal.ITIMER_REAL, 0); {_FOREVER}",
          what="defect 9: learner code cancels the timer"),
    Shape("sigalrm-ignored", f"import signal; signal.signal(signal.SIGALRM, signal.SIG_IGN); {_FOREVER}",
          what="defect 9: learner code ignores SIGALRM"),
    Shape("repr-loops", "R()", "class R:\n    def __repr__(self):\n        while True: pass",
          "defect 3: showing a value"),
    Shape("rich-console-flood", "Flood()",
          "class Flood:\n    def __rich_console__(self, console, options):\n        yield 'x' * 10_000_000",
          "defect 3: rendering ten million characters"),
    Shape("exception-str-loops", "raise Odd()", "class Odd(Exception):\n    def __str__(self):\n        while True: pass",
          "defect 5: describing the learner's error"),
    Shape("helper-while", "train(-1)",
          "def train(steps):\n    w = 1.0\n    while steps != 0:\n        w -= 0.1 * 2 * w\n        steps -= 1\n    return w",
          "a while loop in a helper that never meets its end"),
    Shape("generator", "sum(naturals())", "def naturals():\n    n = 0\n    while True:\n        yield n\n        n += 1",
          "an endless generator"),
    Shape("sleep", "import time; time.sleep(100)", what="blocked in a system call"),
    Shape("input-stdin", 'name = input("your name? ")', what="waiting for stdin"),
    Shape("thread", f"import threading; t = threading.Thread(target=lambda: {_FOREVER}); t.start(); t.join()",
          what="a thread that never ends (and would keep the process alive)"),
    Shape("line-1mb", "x = [" + ", ".join(["0.25"] * 170_000) + "]", what="defect 6: a quadratic hint rule"),
    Shape("expression-100k", "x = " + "+".join(["1"] * 100_000), what="defects 4-5: deep nesting"),
    Shape("bare-except-swallows", "while True:\n    try:\n        time.sleep(0.05)\n    except:\n        pass",
          "import time", "a loop that swallows the Timeout"),
    Shape("graph-grows", "while True: y = y * 1.0001", "w = torch.ones(3, requires_grad=True)\ny = w",
          "a graph that grows until stopped (and must be freed)"),
    Shape("print-flood", 'while True: print("loss", 0.25)', what="output without end"),
]


def runaway_records(shape: Shape, workdir: Path, timeout: float = 2.0, limit: float = 120.0) -> dict:
    """Run `shape` under `run --timeout`; the clock times from the record of `print("before")` to the
    shape's record. Returns {seconds, after_ran, error, internal, status, records}."""
    script = workdir / f"{shape.name}.py"
    script.write_text(shape.script(), encoding="utf-8")
    env = tutor_env(workdir / "home")
    proc = subprocess.Popen([sys.executable, "-m", "tutor", "run", str(script), "--timeout", f"{timeout:g}",
                             "--json"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, start_new_session=True)
    records, times = [], []
    deadline = time.monotonic() + limit
    import selectors

    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    buffer = b""
    while time.monotonic() < deadline:
        if not sel.select(timeout=max(deadline - time.monotonic(), 0)):
            break
        chunk = os.read(proc.stdout.fileno(), 1 << 20)
        now = time.monotonic()
        if not chunk:
            break
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            try:
                records.append(json.loads(line))
                times.append(now)
            except ValueError:
                pass
    sel.close()
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    stderr = proc.stderr.read().decode("utf-8", "replace")
    proc.stdin.close()
    proc.stdout.close()
    proc.stderr.close()
    by = {r.get("input"): (r, t) for r, t in zip(records, times)}
    before, shape_rec, after = by.get('print("before")'), by.get(shape.code), by.get('print("after")')
    return {
        "seconds": (shape_rec[1] - before[1]) if before and shape_rec else None,
        "after_ran": bool(after and after[0].get("stdout") == "after\n"),
        "error": (shape_rec[0].get("error") or {}).get("type") if shape_rec else None,
        "internal": [r["input"][:60] for r in records if (r.get("error") or {}).get("type") == "TutorError"],
        "status": proc.returncode,
        "stderr": stderr[-600:],
    }


# -- Ctrl-C in the shell -----------------------------------------------------------------------


@dataclass(frozen=True)
class Interrupt:
    name: str
    code: str
    setup: str = ""
    stoppable: bool = True  # False: Python cannot stop it at once; an honest message is the goal


CTRL_C = [
    Interrupt("python-loop", "while True: pass"),
    Interrupt("sleep", "import time; time.sleep(100)"),
    Interrupt("input", 'name = input("your name? ")'),
    # each call does a little work, so the press lands deep in the recursion, not after its RecursionError
    Interrupt("recursion-raised-limit", "r(0)",
              "import sys; sys.setrecursionlimit(10**6)\ndef r(n):\n    sum(range(30))\n    return r(n + 1)"),
    Interrupt("repr-loops", "R()", "class R:\n    def __repr__(self):\n        while True: pass"),
    Interrupt("exception-str-loops", "raise Odd()", "class Odd(Exception):\n    def __str__(self):\n        while True: pass"),
    Interrupt("tensor-loop", "while True: torch.randn(300, 300) @ torch.randn(300, 300)"),
    Interrupt("graph-grows", "while True: y = y * 1.0001", "w = torch.ones(3, requires_grad=True)\ny = w"),
    Interrupt("print-flood", 'while True: print("loss", 0.25)'),
    Interrupt("thread-join", "t = threading.Thread(target=time.sleep, args=(100,), daemon=True); t.start(); t.join()",
              "import threading, time"),
    Interrupt("c-sum-range", "sum(range(10**12))", stoppable=False),
]


# -- damaged or unusable progress stores -------------------------------------------------------


def _valid_store(path: Path) -> None:
    from tutor.progress import ProgressStore, StepRecord

    store = ProgressStore(path)
    for i in range(40):
        store.save_step("derivatives", f"s{i}", StepRecord("passed", attempts=1, answer="x" * 200))
    store.close()


def _truncated(home: Path) -> None:
    _valid_store(home / STORE)
    data = (home / STORE).read_bytes()
    (home / STORE).write_bytes(data[: len(data) // 2 + 7])


def _zero_bytes(home: Path) -> None:
    (home / STORE).write_bytes(b"")


def _random_bytes(home: Path) -> None:
    (home / STORE).write_bytes(random.Random(7).randbytes(50_000))


def _damaged_page(home: Path) -> None:
    _valid_store(home / STORE)
    data = bytearray((home / STORE).read_bytes())
    page = 4096
    data[page + 20: page * 3] = random.Random(3).randbytes(page * 2 - 20)  # inside the tables
    (home / STORE).write_bytes(bytes(data))


def _wrong_schema(home: Path) -> None:
    conn = sqlite3.connect(home / STORE)
    conn.executescript("CREATE TABLE steps (id INTEGER, note TEXT); INSERT INTO steps VALUES (1, 'x');"
                       "CREATE TABLE lessons (name TEXT); CREATE TABLE meta (k TEXT);")
    conn.close()


def _garbage_rows(home: Path) -> None:
    _valid_store(home / STORE)
    conn = sqlite3.connect(home / STORE)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    conn.execute("INSERT INTO steps VALUES ('norms', 'l1', 'bogus', 'many', 'none', 'yes', X'FF00', 'later')")
    conn.execute("INSERT INTO lessons VALUES ('norms', 'no-such-step', 'then', 'now', 'soon')")
    conn.commit()
    conn.close()


def _directory(home: Path) -> None:
    (home / STORE).mkdir()


def _read_only_file(home: Path) -> None:
    _valid_store(home / STORE)
    (home / STORE).chmod(0o444)


def _read_only_dir(home: Path) -> None:
    _valid_store(home / STORE)
    home.chmod(0o555)


def _home_is_a_file(home: Path) -> None:
    home.rmdir()
    home.write_text("not a directory\n")


def _wal_leftovers(home: Path) -> None:
    _valid_store(home / STORE)
    rng = random.Random(5)
    (home / (STORE + "-wal")).write_bytes(rng.randbytes(9000))
    (home / (STORE + "-shm")).write_bytes(rng.randbytes(32768))


def _symlink_loop(home: Path) -> None:
    (home / STORE).symlink_to(home / STORE)


def _dangling_symlink(home: Path) -> None:
    (home / STORE).symlink_to(home / "gone" / "away" / STORE)


def _fifo(home: Path) -> None:
    os.mkfifo(home / STORE)


def _huge_file(home: Path) -> None:
    with open(home / STORE, "wb") as f:  # 4 GB of zeros (sparse: no disk used)
        f.truncate(4 << 30)


def _intact(home: Path) -> None:  # intact, but another process holds its write lock (see `lock`)
    _valid_store(home / STORE)


LOCKED = "locked-by-another-process"

# name -> (damage, file modes must apply (root ignores them: see without_root_powers), the step is saved after)
DAMAGE = {
    "truncated": (_truncated, False, True),
    "zero-bytes": (_zero_bytes, False, True),
    "random-bytes": (_random_bytes, False, True),
    "damaged-page": (_damaged_page, False, True),
    "wrong-schema": (_wrong_schema, False, True),
    "garbage-rows": (_garbage_rows, False, True),
    "directory": (_directory, False, False),
    "read-only-file": (_read_only_file, True, False),
    "read-only-dir": (_read_only_dir, True, False),
    "home-is-a-file": (_home_is_a_file, False, False),
    LOCKED: (_intact, False, True),
    "wal-shm-leftovers": (_wal_leftovers, False, True),
    "symlink-loop": (_symlink_loop, False, False),
    "dangling-symlink": (_dangling_symlink, False, False),
    "fifo": (_fifo, False, False),
    "huge-file": (_huge_file, False, True),
}


def lock(path: Path):
    """Another process holding the store's write lock (until `.kill()`)."""
    code = ("import sqlite3, sys, time\nc = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN EXCLUSIVE')\nprint('locked', flush=True)\ntime.sleep(600)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def without_root_powers() -> list[str]:
    """A command prefix under which file modes apply even to root (it drops CAP_DAC_OVERRIDE and
    CAP_DAC_READ_SEARCH with util-linux's setpriv); empty when not root."""
    if os.getuid() != 0:
        return []
    import shutil

    if shutil.which("setpriv") is None:
        raise RuntimeError("running as root without setpriv: file modes cannot be made to apply")
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}"]


# -- the shell reading a pipe ------------------------------------------------------------------


class PipeShell:
    """`autograd-tutor` with stdin a pipe (it reads line by line, as it arrives): `do(text)` sends one
    input and waits until it has run (a sentinel print after it), returning what it showed."""

    def __init__(self, home: Path, args=(), prefix=()):
        self.proc = subprocess.Popen([*prefix, sys.executable, "-m", "tutor", *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=tutor_env(home),
                                     start_new_session=True)
        self.n = 0
        self.seen = b""

    def send(self, text: str) -> None:
        self.proc.stdin.write((text.rstrip("\n") + "\n\n").encode("utf-8"))
        self.proc.stdin.flush()

    def do(self, text: str, timeout: float = 120) -> str:
        self.n += 1
        mark = f"--sentinel {self.n}--"
        self.send(text)
        self.send(f"print('{mark}')")
        return self.read_until(mark, timeout)

    def read_until(self, mark: str, timeout: float = 120) -> str:
        import selectors

        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        try:
            while mark.encode() not in self.seen:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(timeout=left):
                    raise TimeoutError(f"no {mark!r} within {timeout} s; last output: {self.seen[-400:]!r}")
                chunk = os.read(self.proc.stdout.fileno(), 1 << 16)
                if not chunk:
                    raise EOFError(f"the shell ended (status {self.proc.wait()}): {self.seen[-400:]!r}")
                self.seen += chunk
        finally:
            sel.close()
        shown, _, self.seen = self.seen.partition(mark.encode())
        return shown.decode("utf-8", "replace")

    def close(self, timeout: float = 60) -> int:
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            rest = self.proc.stdout.read()
            self.seen += rest or b""
            return self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            self.proc.stdout.close()

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass


def lesson_script(lesson_id: str) -> list[tuple[str, list[str]]]:
    """(step id, the inputs that answer it with its reference answer, then %next) for every step."""
    from tutor.cli_lessons import solution_inputs
    from tutor.lessons import default_catalog

    lesson = default_catalog().find(lesson_id)
    return [(step.id, [*solution_inputs(step), "%next"]) for step in lesson.steps]


def saved_steps(home: Path, lesson_id: str) -> dict[str, str]:
    """step id -> status as the store on disk holds it (read without changing it)."""
    path = Path(home) / STORE
    if not path.is_file():
        return {}
    conn = sqlite3.connect(path, timeout=10)
    try:
        return dict(conn.execute("SELECT step, status FROM steps WHERE lesson = ?", (lesson_id,)).fetchall())
    finally:
        conn.close()
