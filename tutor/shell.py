"""The interactive front: a prompt_toolkit prompt over a Session, with rich output.

Enter runs complete input and continues incomplete input (an open bracket, a block); a syntax error
keeps the text and points at the position before anything runs. Ctrl-C at the prompt clears the
line, Ctrl-C while code runs stops it; Ctrl-D (or %quit, or exit()) says goodbye and leaves with
status 0. Ctrl-R searches the history: Enter runs the line found (as in bash), Esc or an arrow key
puts it in the line to edit. A paste (bracketed paste) lands in the line whole and never runs
half-way. Tab completes in a multi-column menu; `torch.` completes even while torch is still
importing (the completion waits for it in prompt_toolkit's completion thread, with a note).
"""

from __future__ import annotations

import ast
import asyncio
import codeop
import os
import sys
import warnings

from prompt_toolkit import PromptSession
from prompt_toolkit.application.current import get_app_or_none
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.filters import is_searching
from prompt_toolkit.formatted_text import HTML
from prompt_toolkit.history import FileHistory, InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit import search
from prompt_toolkit.lexers import PygmentsLexer
from prompt_toolkit.shortcuts import CompleteStyle
from prompt_toolkit.styles import Style
from prompt_toolkit.validation import ValidationError, Validator
from pygments.lexers.python import PythonLexer

from tutor import __version__, commands, ctrlc, torchload
from tutor.complete import NamespaceCompleter, needs_torch
from tutor.introspect import help_target
from tutor.render import make_console, outcome_renderables
from tutor.render_shell import goodbye_text, resume_text, toolbar_items
from tutor.session import Session

INDENT = "    "
STYLE = Style.from_dict({"bottom-toolbar": "noreverse bg:#303030 #d0d0d0", "toolbar-key": "bold #ffd75f"})


def is_complete(text: str) -> bool:
    """Whether Enter should run `text` (True) or open a new line (False)."""
    if not text.strip():
        return True
    stripped = text.strip()
    if stripped.startswith("%") or help_target(stripped):
        return True
    lines = text.split("\n")
    last = lines[-1]
    if len(lines) > 1 and not last.strip():
        # A blank line ends a block, unless a bracket is still open.
        try:
            return codeop.compile_command(text, "<input>", "exec") is not None or text.endswith("\n\n")
        except (SyntaxError, ValueError, OverflowError):
            return True
    if last[:1].isspace() or last.rstrip().endswith(":"):
        return False  # inside a block: keep going until a blank line
    try:
        return codeop.compile_command(text, "<input>", "exec") is not None
    except (SyntaxError, ValueError, OverflowError):
        return True  # let the validator point at the error


def next_indent(text: str) -> str:
    last = text.split("\n")[-1]
    indent = last[: len(last) - len(last.lstrip())]
    return indent + INDENT if last.rstrip().endswith(":") else indent


class SyntaxValidator(Validator):
    """Refuses input that does not parse, with the cursor at the error (unless a lesson step wants words)."""

    def __init__(self, session: Session | None = None):
        self.session = session

    def _prose_wanted(self) -> bool:
        coach = self.session.state.get("coach") if self.session is not None else None
        return bool(coach is not None and getattr(coach, "wants_prose", lambda: False)())

    def validate(self, document) -> None:
        text = document.text
        stripped = text.strip()
        if not stripped or stripped.startswith("%") or help_target(stripped) or self._prose_wanted():
            return
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ast.parse(text)
        except SyntaxError as exc:
            lines = text.split("\n")
            row = min(max((exc.lineno or 1) - 1, 0), len(lines) - 1)
            col = min(max((exc.offset or 1) - 1, 0), len(lines[row]))
            position = sum(len(line) + 1 for line in lines[:row]) + col
            raise ValidationError(
                cursor_position=position,
                message=f"SyntaxError: {exc.msg} (line {row + 1}, column {col + 1}); fix it or Ctrl-C to clear",
            ) from None
        except ValueError as exc:
            raise ValidationError(message=f"SyntaxError: {exc}") from None


def key_bindings() -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add("enter", filter=is_searching)
    def _accept_search_and_run(event):
        """Ctrl-R, then Enter: take the line found and run it (Esc takes it to edit)."""
        search.accept_search()
        buffer = event.app.current_buffer
        if buffer.text.strip() and is_complete(buffer.text):
            buffer.validate_and_handle()

    @bindings.add("enter", filter=~is_searching)
    def _enter(event):
        buffer = event.current_buffer
        if buffer.complete_state and buffer.complete_state.current_completion:
            buffer.apply_completion(buffer.complete_state.current_completion)
            return
        if is_complete(buffer.text):
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n" + next_indent(buffer.document.text_before_cursor))

    @bindings.add("escape", "enter")
    def _newline(event):
        """Alt-Enter always opens a new line."""
        event.current_buffer.insert_text("\n")

    return bindings


def history():
    """A file history in the data dir, or in-memory history when that is not writable."""
    from tutor.home import data_dir, private_file

    try:
        path = private_file(data_dir() / "history")  # 0600: everything typed is in it
        return FileHistory(str(path))
    except OSError:
        return InMemoryHistory()


class Shell:
    """The read-eval-print loop. Input and output can be injected (tests use pipe input)."""

    def __init__(self, session: Session | None = None, *, input=None, output=None, console=None):
        self.console = console or make_console()
        self.session = session or Session(echo=self.console.file)
        if self.session.echo is None:
            self.session.echo = self.console.file
        self.ctrl_c = ctrlc.Watcher(enabled=output is None and _stdout_is_a_terminal())
        self.prompt = PromptSession(
            message=">>> ",
            multiline=True,
            prompt_continuation=lambda width, line, wrap: "... ".rjust(width),
            lexer=PygmentsLexer(PythonLexer),
            completer=NamespaceCompleter(self._completion_namespace, self._command_names),
            complete_while_typing=False,
            complete_in_thread=True,
            complete_style=CompleteStyle.MULTI_COLUMN,
            auto_suggest=AutoSuggestFromHistory(),
            history=history(),
            validator=SyntaxValidator(self.session),
            validate_while_typing=False,
            key_bindings=key_bindings(),
            bottom_toolbar=self.toolbar,
            refresh_interval=0.5,
            enable_history_search=False,
            style=STYLE,
            input=input,
            output=output,
        )

    _waiting_for_torch = False

    def _completion_namespace(self, text: str) -> dict:
        """The namespace to complete from; waits for torch when the text needs it (`torch.ara`)."""
        namespace = self.session.namespace
        if not needs_torch(text, namespace):
            return namespace
        if not torchload.ready():
            self._waiting_for_torch = True
            _invalidate()
            torchload.start()
        try:
            torch = torchload.wait()
            import numpy as np
        except Exception:  # noqa: BLE001 - no torch: complete nothing from it
            return namespace
        finally:
            self._waiting_for_torch = False
            _invalidate()
        return {"torch": torch, "np": np, **namespace}

    @staticmethod
    def _command_names():
        commands.load()
        return commands.COMMANDS.keys()

    def toolbar(self):
        loading = ""
        if self._waiting_for_torch:
            loading = "Tab: waiting for torch to finish loading…"
        elif not torchload.ready():
            loading = "loading torch…"
        return HTML(toolbar_markup(_columns(), self.session.status(), loading))

    def banner(self) -> None:
        self.console.print(
            f"[bold]autograd-tutor {__version__}[/bold]: type Python; [cyan]torch[/cyan], [cyan]np[/cyan]"
            " and [cyan]math[/cyan] are ready. [cyan]%help[/cyan] lists the commands,"
            " [cyan]%lessons[/cyan] the lessons.",
            highlight=False,
        )
        note = resume_text(_lessons_in_progress())
        if note is not None:
            self.console.print(note)

    def goodbye(self) -> None:
        self.console.print(goodbye_text(_where_kept()))

    def show(self, outcome) -> None:
        for part in outcome_renderables(outcome):
            self.console.print(part)

    def run(self, lesson: str | None = None) -> int:
        """The loop; `lesson` (an id or number) starts that lesson first, as `%lesson ID` would."""
        self.banner()
        if lesson:
            self.show(self.session.submit(f"%lesson {lesson}"))
        while True:
            try:
                text = self.prompt.prompt(pre_run=start_torch_after_draw)
            except KeyboardInterrupt:
                continue  # Ctrl-C at the prompt clears the line
            except EOFError:
                self.goodbye()
                return 0  # Ctrl-D
            try:
                with self.ctrl_c.running():  # an honest message when Ctrl-C cannot stop the input
                    outcome = self.session.submit(text)
                    self.show(outcome)
            except KeyboardInterrupt:
                self.console.print("⏹ Interrupted. Your variables are kept.", style="yellow")
                continue
            except Exception as exc:  # noqa: BLE001 - the loop must go on
                self.console.print(f"autograd-tutor: could not show the result ({type(exc).__name__}: {exc})",
                                   style="red", markup=False)
                continue
            if outcome.exit_requested:
                self.goodbye()
                return 0


def _stdout_is_a_terminal() -> bool:
    try:
        return os.isatty(sys.stdout.fileno())
    except (AttributeError, ValueError, OSError):
        return False


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def toolbar_markup(width: int, status: str, loading: str) -> str:
    """The bottom toolbar as prompt_toolkit HTML, fitted to `width` columns."""
    parts = []
    for kind, text in toolbar_items(width, status, loading):
        text = _escape(text)
        parts.append({"key": f"<toolbar-key>{text}</toolbar-key>", "name": f"<b>{text}</b>"}.get(kind, text))
    return "".join(parts)


def _columns() -> int:
    app = get_app_or_none()
    try:
        return app.output.get_size().columns if app is not None else 80
    except Exception:  # noqa: BLE001 - a dummy output
        return 80


def _invalidate() -> None:
    app = get_app_or_none()
    if app is not None:
        try:
            app.invalidate()
        except Exception:  # noqa: BLE001 - from a thread after the app ended
            pass


def _lessons_in_progress() -> list[tuple[str, str | None]]:
    """(lesson id, current step id) of lessons started and not completed."""
    try:
        from tutor.progress import ProgressStore

        store = ProgressStore()
        try:
            records = store.all()
        finally:
            store.close()
        return [(r.lesson, r.current) for r in records.values() if not r.completed and r.steps]
    except Exception:  # noqa: BLE001 - a start-up note must never stop the shell
        return []


def _where_kept() -> str | None:
    try:
        from tutor.home import data_dir

        return str(data_dir(create=False))
    except Exception:  # noqa: BLE001
        return None


def start_torch_after_draw() -> None:
    """Begin importing torch in the background once the prompt is drawn (a prompt_toolkit pre_run hook).

    The import holds the GIL for long stretches: started before the shell, it tripled the time to
    the first prompt and did not bring the first result sooner (tests/benchmarks/run.py).
    """
    try:
        asyncio.get_running_loop().call_soon(torchload.start)  # runs after the first draw
    except RuntimeError:  # no running loop
        torchload.start()


def run_shell(*, timeout: float | None = None, hints: bool = True, lesson: str | None = None) -> int:
    console = make_console(sys.stdout)
    session = Session(timeout=timeout, echo=console.file, hints=hints)
    return Shell(session, console=console).run(lesson=lesson)
