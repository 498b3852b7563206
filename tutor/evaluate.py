"""Run learner code like IPython does: statements, then the value of a last expression.

Captures stdout/stderr and warnings, stops on Ctrl-C or a timeout, and turns every exception
(SystemExit, KeyboardInterrupt, RecursionError and MemoryError included) into data.
"""

from __future__ import annotations

import ast
import contextlib
import io
import linecache
import signal
import threading
import traceback
import warnings
from dataclasses import dataclass, field
from typing import Any

from tutor.outcome import ErrorInfo, WarningInfo

INPUT_PREFIX = "<input-"


class Timeout(BaseException):
    """Raised inside learner code when it runs past the time limit."""


@dataclass
class Execution:
    """The raw result of running one piece of code."""

    value: Any = None
    has_value: bool = False
    stdout: str = ""
    stderr: str = ""
    error: ErrorInfo | None = None
    warnings: list[WarningInfo] = field(default_factory=list)
    tree: ast.Module | None = None
    exit_requested: bool = False


class _Tee(io.TextIOBase):
    """A text stream that keeps everything written and optionally echoes it live."""

    def __init__(self, echo=None):
        self._parts: list[str] = []
        self._echo = echo

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._parts.append(text)
        if self._echo is not None:
            try:
                self._echo.write(text)
                self._echo.flush()
            except Exception:  # noqa: BLE001 - a broken terminal must not break the input
                pass
        return len(text)

    def getvalue(self) -> str:
        return "".join(self._parts)


def register_source(filename: str, source: str) -> None:
    """Make the learner's source visible to tracebacks and inspect.getsource."""
    lines = source.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    linecache.cache[filename] = (len(source), None, lines, filename)


def syntax_error_info(exc: SyntaxError) -> ErrorInfo:
    """ErrorInfo for a SyntaxError, with its line and column."""
    return ErrorInfo(
        type=type(exc).__name__,
        message=exc.msg or str(exc),
        traceback="",
        line=(exc.text or "").rstrip("\n") or None,
        lineno=exc.lineno,
        offset=exc.offset,
        exc=exc,
    )


def parse(source: str, filename: str) -> ast.Module:
    """Parse learner code; raises SyntaxError."""
    return ast.parse(source, filename=filename, mode="exec")


def parses(source: str) -> bool:
    """Whether `source` is valid Python (quietly: no SyntaxWarning for odd escapes and the like)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(source)
        return True
    except (SyntaxError, ValueError):
        return False


def _learner_frames(tb, is_learner_file=None) -> list[traceback.FrameSummary]:
    frames = traceback.extract_tb(tb)
    if is_learner_file is None:
        return [f for f in frames if f.filename.startswith(INPUT_PREFIX)]
    return [f for f in frames if is_learner_file(f.filename)]


def error_info(exc: BaseException, is_learner_file=None) -> ErrorInfo:
    """ErrorInfo for an exception raised by learner code, trimmed to the learner's frames.

    `is_learner_file(filename)` says which frames are the learner's (default: this module's inputs);
    the notebook front passes IPython's cell filenames."""
    if isinstance(exc, SyntaxError) and not _learner_frames(exc.__traceback__, is_learner_file):
        return syntax_error_info(exc)
    name = type(exc).__name__
    if isinstance(exc, Timeout):
        name = "Timeout"
    message = str(exc)
    if isinstance(exc, KeyboardInterrupt):
        message = message or "interrupted (Ctrl-C)"
    if isinstance(exc, KeyError) and exc.args:
        message = repr(exc.args[0])
    frames = _learner_frames(exc.__traceback__, is_learner_file)
    lines = ["Traceback (most recent call last):\n"] if frames else []
    lines += traceback.format_list(frames)
    if isinstance(exc, Timeout):
        lines.append(f"Timeout: {message}\n")
    else:
        lines += traceback.format_exception_only(type(exc), exc)
    last = frames[-1] if frames else None
    return ErrorInfo(
        type=name,
        message=message,
        traceback="".join(lines),
        line=(last.line or None) if last else None,
        lineno=last.lineno if last else None,
        frames=[(f.name, f.lineno or 0, (f.line or "").strip()) for f in frames],
        exc=exc,
    )


@contextlib.contextmanager
def _time_limit(seconds: float | None):
    """Raise Timeout in the main thread after `seconds` (and again every 0.1 s until it stops)."""
    usable = (
        seconds is not None
        and seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def on_alarm(signum, frame):
        raise Timeout(f"stopped after {seconds:g} s (time limit)")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _warning_infos(records, filename: str) -> list[WarningInfo]:
    infos = []
    for w in records:
        lineno = w.lineno if str(w.filename) == filename else None
        infos.append(WarningInfo(w.category.__name__, str(w.message), lineno))
    return infos


def execute(
    source: str,
    namespace: dict,
    filename: str,
    *,
    echo=None,
    timeout: float | None = None,
    tree: ast.Module | None = None,
) -> Execution:
    """Run `source` in `namespace`; the value of a last expression is returned unless it ends in ';'."""
    result = Execution()
    try:
        tree = tree if tree is not None else parse(source, filename)
    except (SyntaxError, ValueError) as exc:
        if isinstance(exc, SyntaxError):
            result.error = syntax_error_info(exc)
        else:  # e.g. source code string cannot contain null bytes
            result.error = ErrorInfo("SyntaxError", str(exc), exc=exc)
        return result
    result.tree = tree
    register_source(filename, source)

    body, last = tree, None
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not source.rstrip().endswith(";"):
        last = ast.Expression(tree.body[-1].value)
        body = ast.Module(body=tree.body[:-1], type_ignores=[])
    try:
        code = compile(body, filename, "exec")
        last_code = compile(last, filename, "eval") if last is not None else None
    except (SyntaxError, ValueError) as exc:
        result.error = syntax_error_info(exc) if isinstance(exc, SyntaxError) else ErrorInfo(
            "SyntaxError", str(exc), exc=exc
        )
        return result

    with capture(echo=echo, timeout=timeout, filename=filename) as cap:
        exec(code, namespace)
        if last_code is not None:
            result.value = eval(last_code, namespace)
            # Like the REPL, a None from a call is not shown; `x.grad` being None is worth seeing.
            result.has_value = result.value is not None or not isinstance(last.body, ast.Call)
    cap.fill(result)
    if result.error is not None and result.error.type == "SystemExit":
        result.error, result.exit_requested = None, True
    return result


class Capture:
    """What `capture()` collected: stdout, stderr, warnings and the error, if any."""

    def __init__(self, echo=None):
        self.out, self.err = _Tee(echo), _Tee(echo)
        self.error: ErrorInfo | None = None
        self.warnings: list[WarningInfo] = []

    def fill(self, result) -> None:
        """Copy what was captured onto an Execution or Outcome."""
        result.stdout, result.stderr = self.out.getvalue(), self.err.getvalue()
        result.warnings = self.warnings
        result.error = self.error


@contextlib.contextmanager
def capture(*, echo=None, timeout: float | None = None, filename: str = ""):
    """Run a block of learner-facing work with output, warnings, interrupts and a time limit captured.

    Any exception raised inside the block is recorded in `Capture.error` and not re-raised.
    """
    cap = Capture(echo)
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        try:
            with contextlib.redirect_stdout(cap.out), contextlib.redirect_stderr(cap.err):
                with _time_limit(timeout):
                    yield cap
        except BaseException as exc:  # noqa: BLE001 - every learner exception becomes data
            cap.error = error_info(exc)
        cap.warnings = _warning_infos(records, filename)
