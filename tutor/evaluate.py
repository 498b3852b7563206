"""Run learner code like IPython does: statements, then the value of a last expression.

Captures stdout/stderr and warnings, stops on Ctrl-C or a timeout, and turns every exception
(SystemExit, KeyboardInterrupt, RecursionError and MemoryError included) into data.
"""

from __future__ import annotations

import ast
import io
import linecache
import sys
import traceback
import warnings
from dataclasses import dataclass, field
from typing import Any

from tutor import guard
from tutor.guard import INPUT_PREFIX, Timeout  # noqa: F401 - re-exported: the public names live here too
from tutor.outcome import ErrorInfo, WarningInfo


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
    """A text stream that keeps what is written and optionally echoes it live.

    It keeps at most the first and the last KEEP characters (a loop that prints without end would
    otherwise fill the memory, and its record would take longer to write than the input ran), with a
    line in between that says how much was left out. The echo shows everything."""

    KEEP = 200_000

    def __init__(self, echo=None):
        self._head: list[str] = []
        self._head_len = 0
        self._tail: list[str] = []
        self._tail_len = 0
        self._dropped = 0
        self._echo = echo

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if self._head_len < self.KEEP:
            room = self.KEEP - self._head_len
            self._head.append(text[:room])
            self._head_len += min(len(text), room)
            rest = text[room:]
        else:
            rest = text
        if rest:
            self._tail.append(rest)
            self._tail_len += len(rest)
            if self._tail_len > 2 * self.KEEP:
                joined = "".join(self._tail)
                self._dropped += len(joined) - self.KEEP
                self._tail, self._tail_len = [joined[-self.KEEP:]], self.KEEP
        if self._echo is not None:
            try:
                self._echo.write(text)
                self._echo.flush()
            except Exception:  # noqa: BLE001 - a broken terminal must not break the input
                pass
        return len(text)

    def getvalue(self) -> str:
        if not self._dropped:
            return "".join(self._head) + "".join(self._tail)
        return ("".join(self._head) + f"\n… {self._dropped:,} characters of output left out …\n"
                + "".join(self._tail))


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


PARSE_DEPTH = 1000  # recursion allowed to Python's parser and compiler (its default limit)


class bounded_recursion:
    """`with bounded_recursion():` Python's parser and compiler recurse in C, checked against the
    recursion limit; learner code may have raised that limit to 10**6, which would let a deeply
    nested expression overflow the C stack. Inside, the limit is the default again."""

    @guard.uninterruptible
    def __enter__(self):
        self.old = sys.getrecursionlimit()
        depth, frame = 0, sys._getframe()
        while frame is not None and depth < self.old:
            depth, frame = depth + 1, frame.f_back
        new = depth + PARSE_DEPTH
        if new < self.old:
            sys.setrecursionlimit(new)
        return self

    @guard.uninterruptible
    def __exit__(self, *exc) -> bool:
        if sys.getrecursionlimit() != self.old:
            sys.setrecursionlimit(self.old)
        return False


def parse(source: str, filename: str) -> ast.Module:
    """Parse learner code; raises SyntaxError (also for input nested too deeply to parse)."""
    try:
        with bounded_recursion():
            return ast.parse(source, filename=filename, mode="exec")
    except (RecursionError, MemoryError) as exc:
        raise _too_deep(exc, "parse") from None


def _too_deep(exc: BaseException, stage: str) -> SyntaxError:
    """The SyntaxError Python's parser or compiler means when it runs out of stack on deep nesting."""
    error = SyntaxError(f"too deeply nested for Python to {stage} ({type(exc).__name__}): "
                        "split the expression into several statements")
    error.lineno, error.offset = 1, None
    return error


def parse_input(source: str, filename: str) -> tuple[ast.Module | None, ErrorInfo | None, list[WarningInfo]]:
    """Parse learner code: (tree, None, compile-time warnings) or (None, the syntax error, warnings)."""
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        try:
            tree = parse(source, filename)
        except SyntaxError as exc:
            return None, syntax_error_info(exc), _warning_infos(records, filename)
        except ValueError as exc:  # e.g. source code string cannot contain null bytes
            return None, ErrorInfo("SyntaxError", guard.exc_text(exc), exc=exc), _warning_infos(records, filename)
    return tree, None, _warning_infos(records, filename)


def parses(source: str) -> bool:
    """Whether `source` is valid Python (quietly: no SyntaxWarning for odd escapes and the like)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(source)
        return True
    except (SyntaxError, ValueError):
        return False


FRAMES_KEPT = 100  # of a deep traceback (a runaway recursion), the first few and the last frames


def _learner_frames(tb, is_learner_file=None) -> list[traceback.FrameSummary]:
    """The learner's frames of a traceback; of a very deep one, the first 3 and the last ones."""
    is_learner = is_learner_file or (lambda filename: filename.startswith(INPUT_PREFIX))
    first, last, verdicts = [], [], {}  # verdicts: code object -> is the learner's (a deep recursion
    while tb is not None:               # repeats a few code objects hundreds of thousands of times)
        code = tb.tb_frame.f_code
        learner = verdicts.get(id(code))  # (hashing a code object hashes its contents)
        if learner is None:
            learner = verdicts[id(code)] = bool(is_learner(code.co_filename))
        if learner:
            if len(first) < 3:
                first.append(tb)
            else:
                last.append(tb)
                if len(last) > 2 * FRAMES_KEPT:
                    del last[: FRAMES_KEPT]
        tb = tb.tb_next
    chosen = first + last[-(FRAMES_KEPT - 3):]
    return [traceback.FrameSummary(t.tb_frame.f_code.co_filename, t.tb_lineno, t.tb_frame.f_code.co_name,
                                   lookup_line=True) for t in chosen]


def error_info(exc: BaseException, is_learner_file=None) -> ErrorInfo:
    """ErrorInfo for an exception raised by learner code, trimmed to the learner's frames.

    `is_learner_file(filename)` says which frames are the learner's (default: this module's inputs);
    the notebook front passes IPython's cell filenames. The exception is the learner's object: its
    message is read through the guard (a `__str__` that raises, loops or returns a non-string gives a
    placeholder, never an internal error)."""
    is_a = guard.is_instance
    if is_a(exc, SyntaxError) and not _learner_frames(exc.__traceback__, is_learner_file):
        return guard.read(syntax_error_info, exc, on_error=lambda e: ErrorInfo(
            guard.type_name(exc), guard.exc_text(exc), exc=exc))
    name = guard.type_name(exc)
    if is_a(exc, Timeout):
        name = "Timeout"
    message = guard.exc_text(exc)
    if is_a(exc, KeyboardInterrupt):
        message = message or "interrupted (Ctrl-C)"
    if is_a(exc, KeyError):
        args = guard.attempt(lambda: tuple(exc.args), default=())
        if args:
            message = guard.short_repr(args[0], 500)
    frames = _learner_frames(exc.__traceback__, is_learner_file)
    lines = ["Traceback (most recent call last):\n"] if frames else []
    lines += traceback.format_list(frames)
    if is_a(exc, Timeout):
        lines.append(f"Timeout: {message}\n")
    else:
        lines.append(f"{name}: {message}\n" if message else f"{name}\n")
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


def _warning_infos(records, filename: str) -> list[WarningInfo]:
    infos = []
    for w in records:
        lineno = w.lineno if guard.attempt(str, w.filename, default="") == filename else None
        category = guard.attempt(lambda: w.category.__name__, default="Warning")
        infos.append(WarningInfo(category if type(category) is str else "Warning",
                                 guard.exc_text(w.message) if guard.is_instance(w.message, BaseException)
                                 else guard.attempt(str, w.message, default="?"), lineno))
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
    if tree is None:
        tree, result.error, result.warnings = parse_input(source, filename)
        if tree is None:
            return result
    result.tree = tree
    register_source(filename, source)

    body, last = tree, None
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not source.rstrip().endswith(";"):
        last = ast.Expression(tree.body[-1].value)
        body = ast.Module(body=tree.body[:-1], type_ignores=[])
    with warnings.catch_warnings(record=True) as records:  # SyntaxWarnings are the compiler's
        warnings.simplefilter("always")
        try:
            with bounded_recursion():
                code = compile(body, filename, "exec")
                last_code = compile(last, filename, "eval") if last is not None else None
        except (RecursionError, MemoryError) as exc:
            result.error = syntax_error_info(_too_deep(exc, "compile"))
        except (SyntaxError, ValueError) as exc:
            result.error = syntax_error_info(exc) if isinstance(exc, SyntaxError) else ErrorInfo(
                "SyntaxError", guard.exc_text(exc), exc=exc
            )
    compiled = _warning_infos(records, filename)
    if result.error is not None:
        result.warnings += compiled
        return result

    grad_mode = _grad_mode()
    with capture(echo=echo, timeout=timeout, filename=filename) as cap:
        exec(code, namespace)
        if last_code is not None:
            result.value = eval(last_code, namespace)
            # Like the REPL, a None from a call is not shown; `x.grad` being None is worth seeing.
            result.has_value = result.value is not None or not isinstance(last.body, ast.Call)
    if cap.error is not None and cap.error.type in ("KeyboardInterrupt", "Timeout"):
        _restore_grad_mode(grad_mode)
    early = result.warnings + compiled
    cap.fill(result)
    result.warnings = early + result.warnings
    if result.error is not None and result.error.type == "SystemExit":
        exc = result.error.exc
        code = guard.attempt(lambda: exc.code, default=None)
        if code is None or code == 0:
            result.error, result.exit_requested = None, True
        else:  # sys.exit(3): the learner asked to stop with a failure; say so
            result.exit_requested = True
            result.error.message = f"exit status {guard.short_repr(code, 200)}" if type(code) is int else \
                guard.short_repr(code, 500) if type(code) is not str else code
    return result


def _grad_mode() -> bool | None:
    """torch's grad mode before an input (None: torch not imported yet)."""
    torch = sys.modules.get("torch")
    return guard.attempt(lambda: bool(torch.is_grad_enabled()), default=None) if torch is not None else None


def _restore_grad_mode(before: bool | None) -> None:
    """After an input stopped by Ctrl-C or the time limit, grad mode as it was before it. A stop that lands
    inside `with torch.no_grad():`'s __enter__ (after it switched recording off, before the block began)
    skips its __exit__: recording stayed off for every later input, and diagnosis blamed the learner."""
    torch = sys.modules.get("torch")
    if before is not None and torch is not None:
        guard.attempt(lambda: torch.set_grad_enabled(before), default=None)


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


class capture:
    """`with capture(...) as cap:` runs a block of learner-facing work with output, warnings, interrupts
    and a time limit captured.

    Any exception raised inside the block is recorded in `Capture.error` and not re-raised. The
    clean-up (streams and warning filters restored) cannot be interrupted by the time limit or Ctrl-C.
    """

    def __init__(self, *, echo=None, timeout: float | None = None, filename: str = ""):
        self.cap = Capture(echo)
        self.timeout, self.filename = timeout, filename

    @guard.uninterruptible
    def __enter__(self) -> Capture:
        self._warnings = warnings.catch_warnings(record=True)
        self._records = self._warnings.__enter__()
        warnings.simplefilter("always")
        self._streams = (sys.stdout, sys.stderr)
        sys.stdout, sys.stderr = self.cap.out, self.cap.err
        self._limit = guard.limit(self.timeout)
        self._limit.__enter__()
        return self.cap

    @guard.uninterruptible
    def __exit__(self, exc_type, exc, tb) -> bool:
        self._limit.__exit__(None, None, None)
        sys.stdout, sys.stderr = self._streams
        records = list(self._records)
        self._warnings.__exit__(None, None, None)
        try:
            with guard.paused():  # what already happened is described in full; each read has its limit
                if exc is not None:
                    self.cap.error = error_info(exc)
                self.cap.warnings = _warning_infos(records, self.filename)
        except BaseException as stopped:  # noqa: BLE001 - even a Ctrl-C here: the input's error stays data
            if exc is not None and self.cap.error is None:
                why = "Ctrl-C" if guard.is_instance(stopped, KeyboardInterrupt) else guard.type_name(stopped)
                self.cap.error = ErrorInfo(guard.type_name(exc), f"<reading this error's message was stopped "
                                           f"({why})>", exc=exc)
        if exc is None:
            guard.raise_pending()
        return True  # every learner exception becomes data
