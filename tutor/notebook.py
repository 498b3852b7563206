"""The notebook front: the tutor inside IPython, Jupyter and Colab (`%load_ext autograd_tutor`).

IPython runs every cell itself (its traceback, its `Out[n]`, its magics stay as they are). This front
only listens: before a cell it notes the learner's gradients, after it hands the cell to
`Session.observe` (the same hooks, hints and lesson checks as the shell) and shows what the shell
would add under the cell: the gradient changes, the hints, lesson feedback, plots drawn inside it.
The tutor's `%` commands become line magics that go through `Session.submit`, like the shell's.

Everything it adds to IPython is recorded, and `unload()` puts back exactly what was there: event
callbacks, magics, input transformers, display formatters, and the helper functions it put in the
learner's namespace.
"""

from __future__ import annotations

import dataclasses
import warnings as _warnings
from typing import Any

from tutor import commands, gradwatch, torchload
from tutor.outcome import Outcome, WarningInfo
from tutor.session import Session

UMBRELLA = "tutor"  # `%tutor NAME ARGS` runs any tutor command, even one IPython already names
SKIPPED = {"quit", "exit"}  # commands that make no sense inside a kernel


class NotebookSession(Session):
    """A Session whose namespace is IPython's `user_ns` (the names the learner's cells define).

    In free play the tutor adds only its helper functions (graph, plot, ...) to the namespace: the
    learner's cells import torch themselves. A namespace the tutor made (a lesson's, %tutor reset)
    gets torch, np and math too, as in the shell.
    """

    def __init__(self, shell, **kwargs):
        self.added: dict[str, Any] = {}  # helpers the tutor put in user_ns (removed again on unload)
        self.on_install = None  # called once torch and the helpers are in (the front registers formatters)
        self._own_namespace = False
        super().__init__(**kwargs)
        self.shell = shell
        self.namespace = shell.user_ns
        self._torch_installed = False  # the helpers go in on first need (ensure_torch)
        self.input_label = lambda n: f"In [{n}]"  # hints name cells by their execution count
        self.code_index = self._cell_of_file  # functions defined in cells are found by diagnosis

    def _cell_of_file(self, filename: str) -> int | None:
        """The execution count of the cell whose code has this filename (IPython 8's
        `compile._filename_map`), or the Session's own `<input-N>`; None for anything else."""
        from tutor.hints import input_of_file

        cells = getattr(getattr(self.shell, "compile", None), "_filename_map", None) or {}
        found = cells.get(filename) if isinstance(cells, dict) else None
        return found if isinstance(found, int) else input_of_file(filename)

    def _install_torch(self) -> None:
        if self._own_namespace:
            self._own_namespace = False
            super()._install_torch()
            if self.on_install is not None:
                self.on_install()
            return
        torchload.wait()
        commands.load()
        for name, func in commands.HELPERS.items():
            if name not in self.namespace:
                self.namespace[name] = self.added[name] = func
        self._torch_installed = True
        if self.on_install is not None:
            self.on_install()

    def reset(self) -> None:
        """A fresh namespace for the learner (%tutor reset, a lesson's start) that IPython still works in."""
        if getattr(self, "shell", None) is None:  # Session.__init__: our own namespace is not user_ns yet
            super().reset()
            return
        keep = {k: v for k, v in self.namespace.items() if k.startswith("__") and k.endswith("__")}
        self._own_namespace = True
        super().reset()
        self.namespace.update(keep)
        self.shell.init_user_ns()  # In, Out, _ih, get_ipython, exit, ...


class NotebookFront:
    """The extension's state for one IPython shell: hooks, magics, and the Session behind them."""

    def __init__(self, shell):
        self.shell = shell
        self.session = NotebookSession(shell)
        self._before: dict | None = None
        self._warnings: list[WarningInfo] = []
        self._showwarning = None
        self._magic_cell = False
        self._answer: str | None = None  # a lesson answer taken from a cell (see _route_answers)
        self._undo: list = []  # callables that take back one change each, in reverse order

    # -- loading and unloading -----------------------------------------------------------------

    def load(self) -> None:
        shell = self.shell
        for event, func in (("pre_run_cell", self.pre_run_cell), ("post_run_cell", self.post_run_cell)):
            shell.events.register(event, func)
            self._undo.append(lambda event=event, func=func: shell.events.unregister(event, func))
        self._register_magics()
        self._register_formatters()
        cleanup = shell.input_transformers_cleanup
        cleanup.append(self._route_answers)
        self._undo.append(lambda: cleanup.remove(self._route_answers) if self._route_answers in cleanup else None)

    def unload(self) -> None:
        while self._undo:
            undo = self._undo.pop()
            try:
                undo()
            except Exception:  # noqa: BLE001 - take back everything else even if one part fails
                pass
        self._stop_recording_warnings()
        ns = self.shell.user_ns
        for name, value in self.session.added.items():
            if ns.get(name) is value:
                del ns[name]

    def _register_magics(self) -> None:
        manager = self.shell.magics_manager
        line = manager.magics["line"]
        user = manager.user_magics
        names = [UMBRELLA]
        for cmd in commands.all_commands():
            for name in (cmd.name, *cmd.aliases):
                if name not in SKIPPED and name not in line and name != UMBRELLA:
                    names.append(name)
        for name in names:
            func = self._umbrella if name == UMBRELLA else self._magic(name)
            had_line, old_line = name in line, line.get(name)
            had_attr, old_attr = name in vars(user), vars(user).get(name)
            manager.register_function(func, magic_kind="line", magic_name=name)

            def undo(name=name, had_line=had_line, old_line=old_line, had_attr=had_attr, old_attr=old_attr):
                if had_line:
                    line[name] = old_line
                else:
                    line.pop(name, None)
                if had_attr:
                    setattr(user, name, old_attr)
                elif name in vars(user):
                    delattr(user, name)

            self._undo.append(undo)
        self.magic_names = set(names)

    def _register_formatters(self) -> None:
        """Tutor data returned by a cell (`graph(y)`, `plot(x, f)`) shows as it does in the shell."""
        formatters = self.shell.display_formatter.formatters
        for mime in ("text/plain", "text/html"):
            formatter = formatters.get(mime)
            if formatter is None:
                continue
            saved = dict(formatter.type_printers)

            def undo(formatter=formatter, saved=saved):
                formatter.type_printers.clear()
                formatter.type_printers.update(saved)

            self._undo.append(undo)
        self._types: set = set()
        self.session.on_install = self._register_types
        self._register_types()

    def _register_types(self) -> None:
        """Formatters for every type the renderers know by now (the helpers' results once torch is in)."""
        from tutor import render

        if self.session._torch_installed:
            import importlib

            import tutor.render_autograd  # noqa: F401 - graph(), trace(), check() ... results
            for module in sorted(set(render.LAZY_RENDERERS.values())):  # plot() results, ...
                render._RENDERERS.update(importlib.import_module(module).renderers())
        formatters = self.shell.display_formatter.formatters
        for cls in [c for c in list(render._RENDERERS) if c not in self._types]:
            self._types.add(cls)
            if "text/html" in formatters:
                formatters["text/html"].for_type(cls, lambda obj: self._format(obj, "text/html"))
            if "text/plain" in formatters:
                formatters["text/plain"].for_type(
                    cls, lambda obj, p, cycle: p.text(self._format(obj, "text/plain")))

    # -- magics -----------------------------------------------------------------------------------

    def _magic(self, name: str):
        def magic(line: str = ""):
            self.command(name, line)

        magic.__name__ = name
        magic.__doc__ = (commands.find(name).summary + f"\n\nUsage: {commands.find(name).usage}")
        return magic

    def _umbrella(self, line: str = "") -> None:
        """Run any tutor command: %tutor NAME ARGS (%tutor help lists them)."""
        name, _, args = line.strip().partition(" ")
        self.command(name or "help", args)

    def command(self, name: str, args: str) -> Outcome:
        """Run a tutor command through the Session (as the shell does) and show its outcome."""
        from tutor.render import outcome_renderables

        outcome = self.session.submit(f"%{name} {args}".rstrip())
        self._show(outcome_renderables(outcome))
        return outcome

    # -- lesson answers typed in a cell ----------------------------------------------------------

    def _route_answers(self, lines: list[str]) -> list[str]:
        """An IPython input transformer: during a lesson, a cell IPython cannot run (a quiz letter like
        `b`, a sentence answering an explain step) goes to `Session.submit`, whose input handlers take
        answers as the shell's prompt does; IPython then runs `pass` in its place."""
        text = "".join(lines)
        if not self._wants(text):
            return lines
        self._answer = text
        return ["pass\n"]

    _route_answers.has_side_effects = True  # IPython's "is this cell complete?" check must skip it

    def _in_lesson(self) -> bool:
        coach = self.session.state.get("coach")
        return coach is not None and bool(getattr(coach, "active", False))

    def _wants(self, text: str) -> bool:
        import builtins

        from tutor.evaluate import parses

        stripped = text.strip()
        if not self._in_lesson() or not stripped or stripped[0] in "%!":
            return False
        if stripped.isidentifier():  # `b` for a quiz, unless it names something
            return stripped not in self.shell.user_ns and not hasattr(builtins, stripped)
        return not parses(stripped)

    # -- the cell hooks ---------------------------------------------------------------------------

    def _is_tutor_magic(self, raw: str) -> bool:
        stripped = raw.strip()
        if not stripped.startswith("%") or stripped.startswith("%%") or "\n" in stripped:
            return False
        return stripped[1:].split(None, 1)[0] in self.magic_names if len(stripped) > 1 else False

    def _format(self, obj, mime: str) -> str:
        from tutor.render import to_renderable

        try:
            return self._bundle([to_renderable(obj)])[mime]
        except Exception as exc:  # noqa: BLE001 - a value the tutor cannot draw still shows
            return f"<{type(obj).__name__}: autograd-tutor could not draw it ({type(exc).__name__})>"

    def pre_run_cell(self, info) -> None:
        try:
            self._pre_run_cell(info)
        except Exception as exc:  # noqa: BLE001 - the learner's cell runs whatever happens here
            self._before = None
            self._tutor_failed(exc)

    def post_run_cell(self, result) -> None:
        try:
            self._post_run_cell(result)
        except Exception as exc:  # noqa: BLE001 - IPython must never see the tutor fail
            self._tutor_failed(exc)

    def _tutor_failed(self, exc: BaseException) -> None:
        from tutor.session import _log_internal_error

        print(f"autograd-tutor: internal error ({type(exc).__name__}: {exc}); your cell is not affected"
              f"{_log_internal_error(exc)}.")

    def _pre_run_cell(self, info) -> None:
        raw = getattr(info, "raw_cell", "") or ""
        self._magic_cell = self._is_tutor_magic(raw)
        self._before = None
        if self._magic_cell:
            return
        try:
            self._before = gradwatch.snapshot(self.session.namespace)
        except Exception:  # noqa: BLE001 - a learner object that cannot be read: no gradient news
            self._before = {}
        self._start_recording_warnings()

    def _post_run_cell(self, result) -> None:
        self._stop_recording_warnings()
        info = getattr(result, "info", None)
        raw = getattr(info, "raw_cell", "") or ""
        answer, self._answer = self._answer, None
        if answer is not None and answer.strip() == raw.strip():
            from tutor.render import outcome_renderables

            self._before = None
            self._show(outcome_renderables(self.session.submit(answer)))
            return
        if self._magic_cell or self._before is None or result is None:
            return
        before, self._before = self._before, None
        if not raw.strip():
            return
        error = result.error_in_exec
        if error is None and isinstance(result.error_before_exec, SyntaxError):
            error = result.error_before_exec
        value = result.result
        outcome = self.session.observe(
            self._python_text(raw, result.execution_count), before,
            value=value, has_value=value is not None, error=error, index=result.execution_count,
            warnings=self._warnings, is_learner_file=self._is_learner_file)
        self._warnings = []
        self._show_after_cell(outcome)

    def _python_text(self, raw: str, count: int | None) -> str:
        """The cell as Python (IPython's own transform of `%magic` and `!cmd` lines), same line numbers."""
        hist = getattr(getattr(self.shell, "history_manager", None), "input_hist_parsed", None)
        if count is not None and hist is not None and 0 <= count < len(hist) and hist[count]:
            return hist[count]
        try:
            return self.shell.transform_cell(raw)
        except Exception:  # noqa: BLE001
            return raw

    def _is_learner_file(self, filename: str) -> bool:
        """A cell's code (IPython 8 names its cells in `compile._filename_map`, IPython 7 caches them in
        `linecache._ipython_cache`), or an input the Session ran itself (a lesson's replay)."""
        import linecache

        from tutor.evaluate import INPUT_PREFIX

        cells = getattr(getattr(self.shell, "compile", None), "_filename_map", None) or {}
        return (filename in cells or filename in getattr(linecache, "_ipython_cache", {})
                or filename.startswith(INPUT_PREFIX))

    def _show_after_cell(self, outcome: Outcome) -> None:
        """What the shell adds to an input's output, minus what IPython already showed."""
        from tutor.render import outcome_renderables

        rest = dataclasses.replace(outcome, value=None, has_value=False, stdout="", stderr="", error=None,
                                   warnings=[])
        self._show(outcome_renderables(rest))

    # -- warnings ---------------------------------------------------------------------------------

    def _start_recording_warnings(self) -> None:
        self._warnings = []
        if self._showwarning is not None:
            return
        original = _warnings.showwarning

        def record(message, category, filename, lineno, file=None, line=None):
            self._warnings.append(WarningInfo(category.__name__, str(message), None))
            return original(message, category, filename, lineno, file, line)

        record.original = original
        self._showwarning = record
        _warnings.showwarning = record

    def _stop_recording_warnings(self) -> None:
        if self._showwarning is not None and _warnings.showwarning is self._showwarning:
            _warnings.showwarning = self._showwarning.original
        self._showwarning = None

    # -- output -----------------------------------------------------------------------------------

    def _bundle(self, renderables) -> dict:
        from tutor.render_notebook import bundle

        return bundle(renderables)

    def _show(self, renderables) -> None:
        if not renderables:
            return
        try:
            self.shell.display_pub.publish(data=self._bundle(renderables), metadata={})
        except Exception as exc:  # noqa: BLE001 - showing must never break the learner's cell
            print(f"autograd-tutor: could not show the result ({type(exc).__name__}: {exc})")


_FRONTS: dict[int, NotebookFront] = {}


def load(shell) -> NotebookFront:
    """Attach the tutor to an IPython shell (once; loading again keeps the first)."""
    front = _FRONTS.get(id(shell))
    if front is None:
        front = NotebookFront(shell)
        front.load()
        _FRONTS[id(shell)] = front
    return front


def unload(shell) -> None:
    """Take back everything `load` added to this shell."""
    front = _FRONTS.pop(id(shell), None)
    if front is not None:
        front.unload()
