"""Guarded reads of learner objects, and the time limits they run under.

Every time the tutor touches an object the learner made (isinstance through `__class__`, an
attribute, `repr`, `__rich__`, the `str()` of an exception) the learner's code may run: it may raise,
return nonsense or loop forever. `read(func, ...)` runs such a read with a time limit and turns any
failure into a default value, so one hostile object never breaks an input, let alone the session.

Time limits (`limit(seconds)`) nest: the input's limit covers evaluation, display and diagnosis;
a read inside it gets a shorter limit of its own. They share one SIGALRM handler and one interval
timer (main thread only; elsewhere they are no-ops). The handler never raises

- inside code marked `@uninterruptible` (the clean-up of a limit or a capture), so clean-up always
  finishes (the timer fires again 50 ms later and retries);
- a second time for the same limit unless the running frame is the learner's own code (a loop that
  swallowed the first `Timeout` is stopped again; the tutor's frames unwinding after it are not).

Ctrl-C gets the same protection through `interrupts()`: a press that lands in protected clean-up
is kept and raised as soon as the clean-up is over.
"""

from __future__ import annotations

import signal
import threading
import time
from typing import Any, Callable

INPUT_PREFIX = "<input-"  # filename prefix of the learner's code (evaluate registers the sources)
TICK = 0.05  # seconds between retries once a limit has run out
RETRY = 1.0  # a Timeout swallowed outside learner code (in a gc callback, say) is raised again after this
READ_SECONDS = 2.0  # default limit of one guarded read (repr, __rich__, str of an exception)


class Timeout(BaseException):
    """Raised inside running code when a time limit runs out; `.limit` says which one."""

    def __init__(self, message: str = "time limit", limit: "limit | None" = None):
        super().__init__(message)
        self.limit = limit


_PROTECTED: set = set()  # code objects the handlers never raise in


def uninterruptible(func):
    """Mark a function (or generator) whose frames a Timeout or Ctrl-C must never interrupt."""
    _PROTECTED.add(func.__code__)
    return func


class _State:
    def __init__(self):
        self.stack: list[limit] = []
        self.installed = False
        self.previous = None
        self.pending_interrupt = False
        self.presses = 0  # Ctrl-C presses raised as KeyboardInterrupt (see `presses`)
        self.frozen = 0  # the first `frozen` limits of the stack are paused (see `paused`)


_state = _State()


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _is_learner(frame) -> bool:
    return frame is not None and frame.f_code.co_filename.startswith(INPUT_PREFIX)


def _protected(frame) -> bool:
    if frame is None:
        return False
    if frame.f_code in _PROTECTED:
        return True
    import gc  # an exception raised in a gc callback is only printed ("Exception ignored"), so wait

    return any(getattr(cb, "__code__", None) is frame.f_code for cb in gc.callbacks)


def _on_alarm(signum, frame):
    stack = _state.stack[_state.frozen:]
    if not stack:
        return
    now = time.monotonic()
    expired = next((lim for lim in stack if lim.when <= now), None)
    if expired is None:
        _arm()
        return
    if _protected(frame):
        return  # clean-up runs to its end; the interval timer brings us back in TICK s
    if expired.fired and not _is_learner(frame) and now - expired.fired_at < RETRY:
        return  # the tutor's own frames unwinding after the first Timeout are left alone
    expired.fired, expired.fired_at = True, now
    raise Timeout(expired.message, expired)


@uninterruptible
def _arm() -> None:
    stack = _state.stack[_state.frozen:]
    if not stack:
        signal.setitimer(signal.ITIMER_REAL, 0)
        return
    when = min(lim.when for lim in stack)
    signal.setitimer(signal.ITIMER_REAL, max(when - time.monotonic(), 0.001), TICK)


class limit:
    """`with limit(seconds):` raises Timeout in the block once `seconds` have passed.

    `seconds=None` (or off the main thread, or without setitimer) means no limit. After the block,
    `.fired` says whether this limit raised. The block's Timeout is not swallowed: callers catch
    `Timeout` and check `exc.limit is lim` to tell their own limit from an outer one.
    """

    def __init__(self, seconds: float | None, message: str | None = None):
        self.seconds = seconds
        self.message = message or (f"stopped after {seconds:g} s (time limit)" if seconds else "time limit")
        self.when = float("inf")
        self.fired = False
        self.fired_at = 0.0
        self.active = False

    @uninterruptible
    def __enter__(self) -> "limit":
        if self.seconds is None or self.seconds <= 0 or not hasattr(signal, "setitimer") or not _main_thread():
            return self
        current = signal.getsignal(signal.SIGALRM)
        if current is not _on_alarm:
            if not _state.stack:
                _state.previous = current
            signal.signal(signal.SIGALRM, _on_alarm)
        self.when = time.monotonic() + self.seconds
        self.active = True
        _state.stack.append(self)
        _arm()
        return self

    @uninterruptible
    def __exit__(self, *exc) -> bool:
        if not self.active:
            return False
        self.active = False
        if self in _state.stack:
            _state.stack.remove(self)
        if _state.stack:
            if signal.getsignal(signal.SIGALRM) is not _on_alarm:  # learner code replaced it
                signal.signal(signal.SIGALRM, _on_alarm)
            _arm()
        else:
            signal.setitimer(signal.ITIMER_REAL, 0)
            previous, _state.previous = _state.previous, None
            signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
        return False

    @property
    def remaining(self) -> float:
        return max(self.when - time.monotonic(), 0.0)


class paused:
    """`with paused():` the tutor's own work (importing torch, describing an error that already
    happened) neither counts toward nor is stopped by the limits active so far: they are pushed back
    by the time spent inside. Limits started inside (a guarded read's) still apply."""

    @uninterruptible
    def __enter__(self):
        self.active = len(_state.stack) > _state.frozen and _main_thread()
        if self.active:
            self.before, _state.frozen = _state.frozen, len(_state.stack)
            self.start = time.monotonic()
            _arm()
        return self

    @uninterruptible
    def __exit__(self, *exc) -> bool:
        if self.active:
            spent = time.monotonic() - self.start
            for lim in _state.stack[self.before:_state.frozen]:
                lim.when += spent
            _state.frozen = self.before
            _arm()
        return False


def read(func: Callable[..., Any], *args, default: Any = None, seconds: float | None = READ_SECONDS,
         on_error: Callable[[BaseException], Any] | None = None, **kwargs) -> Any:
    """`func(*args, **kwargs)`, or `default` (or `on_error(exc)`) when it raises or runs past `seconds`.

    Ctrl-C and the Timeout of an outer limit (the input's) go through: they stop the whole input.
    Anything else the learner's code raises (SystemExit and RecursionError included) is caught.
    """
    with limit(seconds) as lim:
        try:
            return func(*args, **kwargs)
        except KeyboardInterrupt:
            raise
        except Timeout as exc:
            if exc.limit is not lim:
                raise
            return on_error(exc) if on_error is not None else default
        except BaseException as exc:  # noqa: BLE001 - learner code may raise anything
            if on_error is None:
                return default
            try:
                return on_error(exc)
            except Exception:  # noqa: BLE001
                return default


def attempt(func: Callable[..., Any], *args, default: Any = None, **kwargs) -> Any:
    """Like `read` without a timer of its own (for many cheap reads inside a limited phase)."""
    return read(func, *args, default=default, seconds=None, **kwargs)


def type_name(obj) -> str:
    """The name of an object's type, read without running any of its code."""
    try:
        return type.__dict__["__name__"].__get__(type(obj))
    except Exception:  # noqa: BLE001
        return "object"


def is_instance(obj, cls) -> bool:
    """isinstance by the object's real type (never runs a `__class__` property)."""
    try:
        return issubclass(type(obj), cls)
    except Exception:  # noqa: BLE001
        return False


def exc_text(exc: BaseException, seconds: float | None = 1.0) -> str:
    """`str(exc)` for any exception, even one whose `__str__` raises, loops or returns a non-string."""

    def text():
        value = str(exc)
        return value if type(value) is str else f"<{type_name(exc)} with an unprintable message>"

    return read(text, seconds=seconds,
                on_error=lambda e: f"<{type_name(exc)}: str() of this exception failed ({type_name(e)})>")


def short_repr(obj, max_chars: int = 200, seconds: float | None = READ_SECONDS) -> str:
    """repr(obj), cut to `max_chars`, or a description of why it cannot be shown."""

    def text():
        value = repr(obj)
        if type(value) is not str:
            raise TypeError("__repr__ returned a non-string")
        return value if len(value) <= max_chars else value[: max_chars - 1] + "…"

    def failed(exc):
        if isinstance(exc, Timeout):
            return f"<{type_name(obj)} object; its repr did not finish within {seconds:g} s>"
        return f"<{type_name(obj)} object; repr failed: {type_name(exc)}>"

    return read(text, seconds=seconds, on_error=failed)


# -- Ctrl-C ---------------------------------------------------------------------------------------


on_interrupt = None  # called (no arguments) whenever the handler below runs; see tutor/ctrlc.py


def _on_interrupt(signum, frame):
    if on_interrupt is not None:
        try:
            on_interrupt()
        except Exception:  # noqa: BLE001 - a note to the watcher must never stop the tutor
            pass
    if _protected(frame):
        _state.pending_interrupt = True
        return
    _state.presses += 1
    raise KeyboardInterrupt


def raise_pending() -> None:
    """Raise a Ctrl-C that arrived during protected clean-up (call at a safe point)."""
    if _state.pending_interrupt:
        _state.pending_interrupt = False
        _state.presses += 1
        raise KeyboardInterrupt


def presses() -> int:
    """How many Ctrl-C presses have been raised so far (inside `interrupts()`): a KeyboardInterrupt that
    comes with a new press is the learner's Ctrl-C, not code that raised KeyboardInterrupt itself."""
    return _state.presses


class interrupts:
    """`with interrupts():` Ctrl-C raises KeyboardInterrupt as usual, except inside protected clean-up,
    where it is kept and raised right after. Only where the default Python handler is installed."""

    @uninterruptible
    def __enter__(self):
        self.previous = None
        if _main_thread() and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self.previous = signal.signal(signal.SIGINT, _on_interrupt)
        return self

    @uninterruptible
    def __exit__(self, *exc) -> bool:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
        _state.pending_interrupt = False
        return False
