"""The core: `Session.submit(text) -> Outcome`, independent of any terminal.

One input flows through: `%command` or `name?` or code → evaluation (output, warnings, errors
captured) → gradient changes → diagnosis (hints) → observers (lesson checks). Every failure,
the tutor's own included, ends up in the Outcome; `submit` never raises.
"""

from __future__ import annotations

import ast
import builtins
import difflib
import math
import time
from typing import Any, Callable

from tutor import commands, evaluate, gradwatch, guard, hints, standins, torchload, verify
from tutor.commands import CommandError
from tutor.introspect import describe, help_target, wants_source
from tutor.outcome import ErrorInfo, Outcome

HISTORY_LIMIT = 500  # outcomes kept for diagnosis
DIAGNOSE_SECONDS = 3.0  # diagnosis of one input stops after this (no hints rather than a hang)


class Session:
    """A learner's namespace and everything that happens to it, one input at a time."""

    def __init__(self, *, timeout: float | None = None, echo=None, hints: bool = True):
        self.timeout = timeout  # seconds per input; None means no limit
        self.echo = echo  # a stream that sees stdout live (the shell); None captures only
        self.hints_enabled = hints
        self.count = 0
        self.history: list[Outcome] = []
        self.observers: list[Callable[[Session, Outcome], None]] = []
        # Tried in order before an input is dispatched: `handler(session, text, outcome) -> bool`;
        # True means the handler filled `outcome` and the input is not evaluated (a quiz letter).
        self.input_handlers: list[Callable[[Session, str, Outcome], bool]] = []
        self.status_providers: list[Callable[[Session], str]] = []
        # Asked about a candidate fix that cleared the mistake on a copy, before a hint shows it:
        # `judge(session, outcome, replaces) -> str | None`, a reason to refuse it (lesson mode: the
        # active step's checks would reject it), so the next candidate is tried instead.
        self.fix_judges: list[Callable[[Session, Outcome, dict], str | None]] = []
        self.state: dict[str, Any] = {}  # per-feature state (lesson mode, last hint, ...)
        # How hints name an earlier input (a notebook's "In [3]"); None for fronts that do not number them.
        self.input_label: Callable[[int], str] | None = None
        self.code_index: Callable[[str], int | None] | None = None  # see hints.Scene (a notebook sets it)
        self.namespace: dict[str, Any] = {}
        self._torch_installed = False
        standins.install()  # `from d2l import torch as d2l`, `import matplotlib.pyplot` work without them
        self.reset()

    # -- namespace -------------------------------------------------------------------------

    def reset(self) -> None:
        """Start from a fresh namespace (torch, np, math and the tutor's helpers)."""
        self.namespace.clear()
        self.namespace.update({"__name__": "__main__", "__builtins__": builtins, "math": math})
        self._torch_installed = False
        if torchload.ready():
            self._install_torch()

    def _install_torch(self) -> None:
        torch = torchload.wait()
        import numpy as np

        self.namespace.setdefault("torch", torch)
        self.namespace.setdefault("np", np)
        commands.load()
        for name, func in commands.HELPERS.items():
            self.namespace.setdefault(name, func)
        self._torch_installed = True

    def ensure_torch(self) -> None:
        """Wait for torch (if still importing) and put it in the namespace (not counted in the time limit)."""
        if not self._torch_installed:
            with guard.paused():
                self._install_torch()

    def _needs_torch(self, tree: ast.AST) -> bool:
        """Whether this code may use torch: an import, or a name it loads that nothing defines."""
        if self._torch_installed:
            return False
        defined, loaded = set(self.namespace), set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                return True
            if isinstance(node, ast.Name):
                (loaded if isinstance(node.ctx, ast.Load) else defined).add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                defined.add(node.name)
            elif isinstance(node, ast.arg):
                defined.add(node.arg)
        return any(name not in defined and not hasattr(builtins, name) for name in loaded)

    def learner_tensors(self) -> list[tuple[str, Any]]:
        """(name, tensor) for every tensor the learner has named (and their modules' parameters)."""
        return list(gradwatch.named_tensors(self.namespace))

    # -- submitting input ------------------------------------------------------------------

    def submit(self, text: str) -> Outcome:
        """Run one input (code, `%command` or `name?`) and return what it produced.

        The time limit covers the whole input: evaluation, showing the value, gradient changes and
        diagnosis. When it runs out after the learner's code finished, the input is a Timeout too.
        """
        started = time.perf_counter()
        self.count += 1
        outcome = Outcome(input=text, index=self.count)
        self._limit = None
        _preload()
        with guard.interrupts():
            # Phase 1: evaluation, showing the value, gradient changes. Phase 2: hooks, diagnosis and
            # lesson checks, with a limit of their own (a timed-out input still gets its hint).
            if self._guarded_phase(self._dispatch, text, outcome):
                self._guarded_phase(self._after, text, outcome)
        if outcome.has_value and outcome.view is None and outcome.display is None:
            outcome.has_value = False  # stopped before it could be shown: never show it unguarded
        return self._record(outcome, started)

    def _record(self, outcome: Outcome, started: float) -> Outcome:
        outcome.elapsed = time.perf_counter() - started
        outcome.stdout_shown = self.echo is not None
        self.history.append(outcome)
        del self.history[:-HISTORY_LIMIT]
        return outcome

    def observe(self, text: str, before: dict, *, value: Any = None, has_value: bool = False,
                error: BaseException | None = None, index: int | None = None,
                warnings: list | None = None, is_learner_file: Callable[[str], bool] | None = None) -> Outcome:
        """Diagnose code that another front already ran in `self.namespace` (IPython runs notebook cells).

        The same after-input pipeline as `submit` (after-input hooks, hints, observers such as lesson
        checks), minus evaluation: `before` is `gradwatch.snapshot(self.namespace)` taken before the code
        ran, `value`/`has_value` its displayed value, `error` the exception it raised (None if it ran),
        `index` the front's own input number (a notebook's execution count, so hints can name the cell),
        `warnings` the WarningInfo it raised, `is_learner_file(filename)` which traceback frames are the
        learner's. Never raises.
        """
        started = time.perf_counter()
        self.count = index if index is not None else self.count + 1
        outcome = Outcome(input=text, index=self.count, value=value, has_value=has_value)
        try:
            if error is not None:
                outcome.error = evaluate.error_info(error, is_learner_file)
            outcome.warnings = list(warnings or [])
            outcome.gradients = gradwatch.changes(before, self.namespace)
            self._after(outcome)
        except BaseException as exc:  # noqa: BLE001 - the tutor itself must never crash
            outcome.hints, outcome.feedback = [], [_internal_error(exc).message]
        return self._record(outcome, started)

    def _guarded_phase(self, phase, text: str, outcome: Outcome) -> bool:
        """Run one phase of an input under the time limit; False when it ended the input."""
        try:
            with guard.limit(self.timeout) as self._limit:
                if phase == self._after:
                    phase(outcome)
                else:
                    phase(text, outcome)
            return True
        except guard.Timeout as exc:
            if outcome.error is None:
                what = "showing the result" if phase == self._dispatch else "diagnosing the result"
                outcome.error = ErrorInfo("Timeout", f"{exc.limit.message if exc.limit else 'time limit'}"
                                          f" (while {what})", exc=exc)
        except KeyboardInterrupt as exc:
            if outcome.error is None or outcome.error.type != "KeyboardInterrupt":
                outcome.error = ErrorInfo("KeyboardInterrupt", "interrupted (Ctrl-C)", exc=exc)
        except BaseException as exc:  # noqa: BLE001 - the tutor itself must never crash
            outcome.error = _internal_error(exc)
        return False

    def _dispatch(self, text: str, outcome: Outcome) -> None:
        stripped = text.strip()
        if any(handler(self, text, outcome) for handler in list(self.input_handlers)):
            pass
        elif not stripped:
            outcome.kind = "empty"
        elif stripped.startswith("%"):
            self._run_command(stripped, outcome)
        elif help_target(stripped):
            self._run_help(help_target(stripped), outcome, source=wants_source(stripped))
        else:
            self._run_code(text, outcome)

    def _timed_out(self) -> bool:
        """Whether this input's time limit has already run out (then nothing more is shown)."""
        return self._limit is not None and self._limit.fired

    def _filename(self) -> str:
        return f"{evaluate.INPUT_PREFIX}{self.count}>"

    def _run_code(self, text: str, outcome: Outcome) -> None:
        filename = self._filename()
        tree, error, parse_warnings = evaluate.parse_input(text, filename)
        outcome.warnings = parse_warnings
        if tree is None:
            outcome.error = error
            return
        if self._needs_torch(tree):
            self.ensure_torch()
        before = gradwatch.snapshot(self.namespace)
        verify.remember_before(self, outcome.index, before)
        result = evaluate.execute(text, self.namespace, filename, echo=self.echo, tree=tree)
        outcome.value, outcome.has_value = result.value, result.has_value
        outcome.stdout, outcome.stderr = result.stdout, result.stderr
        outcome.error, outcome.warnings = result.error, parse_warnings + result.warnings
        outcome.exit_requested = result.exit_requested
        if outcome.has_value:
            self.namespace["_"] = outcome.value
            if not self._timed_out():
                self._show(outcome)
        outcome.gradients = gradwatch.changes(before, self.namespace)

    def _show(self, outcome: Outcome) -> None:
        from tutor.display import TensorView, safe_repr, value_view

        view = outcome.view = value_view(outcome.value)
        outcome.display = view.text() if type(view) is TensorView else view if type(view) is str else safe_repr(view)

    def _display(self, value) -> str:
        from tutor.display import value_text

        return value_text(value)

    def _run_help(self, name: str, outcome: Outcome, source: bool = False) -> None:
        outcome.kind = "help"
        if name.split(".")[0] not in self.namespace:
            self.ensure_torch()
        try:
            obj = self.resolve(name)
        except CommandError as exc:
            outcome.error = ErrorInfo("NameError", str(exc))
            return
        outcome.command_output = describe(obj, name, source=source)

    def _run_command(self, text: str, outcome: Outcome) -> None:
        outcome.kind = "command"
        name, _, args = text[1:].partition(" ")
        name = name.strip()
        cmd = commands.find(name)
        if cmd is None:
            known = sorted(commands.COMMANDS)
            close = difflib.get_close_matches(name, known, n=1)
            suggestion = f" Did you mean %{close[0]}?" if close else ""
            outcome.error = ErrorInfo(
                "CommandError", f"unknown command %{name}.{suggestion} %help lists the commands."
            )
            return
        if cmd.needs_torch:
            self.ensure_torch()
        before = gradwatch.snapshot(self.namespace)
        with evaluate.capture(echo=self.echo) as cap:  # the input's time limit covers it
            outcome.command_output = cmd.func(self, args.strip())
        cap.fill(outcome)
        outcome.exit_requested = bool(self.state.pop("exit_requested", False))
        err = outcome.error
        if err is not None and isinstance(err.exc, CommandError):
            outcome.error = ErrorInfo("CommandError", str(err.exc), exc=err.exc)
        elif err is not None and err.type not in ("KeyboardInterrupt", "Timeout", "SystemExit"):
            outcome.error = ErrorInfo(
                err.type, f"%{cmd.name}: {err.message}", err.traceback, err.line, err.lineno, exc=err.exc
            )
        outcome.gradients = gradwatch.changes(before, self.namespace)

    def _after(self, outcome: Outcome) -> None:
        if outcome.kind == "code":
            for hook in list(commands.AFTER_INPUT):
                hook(self, outcome)
        if self.hints_enabled and outcome.kind == "code":
            if hints.STRICT:  # tests: a broken rule fails loudly
                outcome.hints = hints.diagnose(outcome, self.scene(outcome))
            else:  # a rule stuck on a hostile object gives no hint, never a hang or a crash
                outcome.hints = guard.read(lambda: hints.diagnose(outcome, self.scene(outcome)), default=[],
                                           seconds=DIAGNOSE_SECONDS)
        for observer in list(self.observers):
            observer(self, outcome)

    def scene(self, outcome: Outcome) -> hints.Scene:
        """What diagnosis may look at for `outcome`, and how it may try a fix (on a copy of the session)."""
        try_fix = None
        if not self.state.get(verify.CHILD_KEY):
            def try_fix(replaces, check=None, hint_id=None):
                result = verify.try_fix(self, replaces, check, hint_id=hint_id, outcome=outcome)
                for judge in list(self.fix_judges) if result.ok else []:
                    started = time.monotonic()
                    try:
                        with guard.paused():  # the tutor's own work, like trying the fix: not the input's time
                            reason = judge(self, outcome, dict(replaces))
                    except Exception:  # noqa: BLE001 - a judge that fails refuses nothing
                        reason = None
                    result.judged += time.monotonic() - started
                    if reason:
                        result.ok, result.why = False, reason
                        break
                return result
        return hints.Scene(self.namespace, self.history, self.state, try_fix, input_label=self.input_label,
                           code_index=self.code_index)

    # -- helpers for commands --------------------------------------------------------------

    def resolve(self, dotted: str) -> Any:
        """The object a dotted name refers to in the learner's namespace (no calls are made)."""
        head, *rest = dotted.split(".")
        if head in self.namespace:
            obj = self.namespace[head]
        elif hasattr(builtins, head):
            obj = getattr(builtins, head)
        else:
            raise CommandError(f"name '{head}' is not defined")
        for i, part in enumerate(rest):
            try:
                obj = getattr(obj, part)
            except AttributeError:
                where = ".".join([head, *rest[:i]])
                raise CommandError(f"{where} has no attribute '{part}'") from None
        return obj

    def eval_expr(self, expr: str, what: str = "expression") -> Any:
        """Evaluate a Python expression in the learner's namespace for a command."""
        if not expr.strip():
            raise CommandError(f"expected an {what}")
        try:
            code = compile(expr.strip(), "<command>", "eval")
        except SyntaxError as exc:
            raise CommandError(f"could not read the {what} {expr.strip()!r}: {exc.msg}") from None
        try:
            return eval(code, self.namespace)
        except Exception as exc:  # noqa: BLE001 - reported as one line
            raise CommandError(
                f"evaluating {expr.strip()!r} raised {type(exc).__name__}: {exc}"
            ) from None

    def status(self) -> str:
        """Short status text for the toolbar (lesson, step, ...)."""
        parts = []
        for provider in self.status_providers:
            try:
                text = provider(self)
            except Exception:  # noqa: BLE001
                text = ""
            if text:
                parts.append(text)
        return " · ".join(parts)


def diagnose_inputs(inputs, session: Session | None = None, timeout: float | None = 5.0) -> list[tuple[str, list]]:
    """Run inputs (a script's text or a list of inputs) through a Session: [(input, hints)] for each.

    Lessons use it to check that reference solutions get no hint: `all(not h for _, h in result)`.
    """
    from tutor.runner import split_inputs

    if isinstance(inputs, str):
        inputs = split_inputs(inputs)
    session = session or Session(timeout=timeout)
    session.ensure_torch()
    return [(text, list(session.submit(text).hints)) for text in inputs]


_PRELOADED = False


def _preload() -> None:
    """Import the tutor's own modules that inputs use lazily, outside any time limit (a Timeout
    landing in the middle of an import would leave it half done)."""
    global _PRELOADED
    if _PRELOADED:
        return
    with guard.paused():
        from tutor import display, hints, render  # noqa: F401
        from tutor.hints import context, rules  # noqa: F401
    _PRELOADED = True


def _internal_error(exc: BaseException) -> ErrorInfo:
    if isinstance(exc, KeyboardInterrupt):
        return ErrorInfo("KeyboardInterrupt", "interrupted (Ctrl-C)", exc=exc)
    where = ""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None:
        where = f" (in {tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno})"
    report = _log_internal_error(exc)
    return ErrorInfo(
        "TutorError",
        f"the tutor hit an internal error{where}: {guard.type_name(exc)}: {guard.exc_text(exc)}. "
        f"Your work is kept; please report this{report}.",
        exc=exc,
    )


def _log_internal_error(exc: BaseException) -> str:
    """Append the full traceback to errors.log in the data dir; returns ' (details in PATH)' or ''."""
    import traceback

    from tutor.home import data_dir

    try:
        path = data_dir() / "errors.log"
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
            handle.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        return f" (details in {path})"
    except Exception:  # noqa: BLE001 - logging must never fail the input
        return ""
