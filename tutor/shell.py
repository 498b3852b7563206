"""The interactive front: a prompt_toolkit prompt over a Session, with rich output.

Enter runs complete input and continues incomplete input (an open bracket, a block); a syntax error
keeps the text and points at the position before anything runs. Ctrl-C at the prompt clears the
line, Ctrl-C while code runs stops it; Ctrl-D (or %quit, or exit()) leaves with status 0.
"""

from __future__ import annotations

import ast
import asyncio
import codeop
import sys
import warnings

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.formatted_text import HTML
from prompt_toolkit.history import FileHistory, InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.lexers import PygmentsLexer
from prompt_toolkit.styles import Style
from prompt_toolkit.validation import ValidationError, Validator
from pygments.lexers.python import PythonLexer

from tutor import __version__, commands, torchload
from tutor.complete import NamespaceCompleter
from tutor.introspect import help_target
from tutor.render import make_console, outcome_renderables
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

    @bindings.add("enter")
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
    from tutor.home import data_dir

    try:
        path = data_dir() / "history"
        path.touch(exist_ok=True)
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
        self.prompt = PromptSession(
            message=">>> ",
            multiline=True,
            prompt_continuation=lambda width, line, wrap: "... ".rjust(width),
            lexer=PygmentsLexer(PythonLexer),
            completer=NamespaceCompleter(lambda: self.session.namespace, self._command_names),
            complete_while_typing=False,
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

    @staticmethod
    def _command_names():
        commands.load()
        return commands.COMMANDS.keys()

    def toolbar(self):
        status = self.session.status()
        loading = " · loading torch…" if not torchload.ready() else ""
        if status:  # in a lesson the step comes first; keep the keys short
            keys = " · <toolbar-key>%help</toolbar-key> · <toolbar-key>Ctrl-D</toolbar-key> quit"
            return HTML(f" <b>autograd-tutor</b> · {_escape(status)}{loading}{keys}")
        return HTML(
            f" <b>autograd-tutor</b>{loading} · <toolbar-key>%help</toolbar-key>"
            " · <toolbar-key>%lessons</toolbar-key> · <toolbar-key>Tab</toolbar-key> complete"
            " · <toolbar-key>Ctrl-R</toolbar-key> search · <toolbar-key>Ctrl-C</toolbar-key> stop"
            " · <toolbar-key>Ctrl-D</toolbar-key> quit"
        )

    def banner(self) -> None:
        self.console.print(
            f"[bold]autograd-tutor {__version__}[/bold]: type Python; [cyan]torch[/cyan], [cyan]np[/cyan]"
            " and [cyan]math[/cyan] are ready. [cyan]%help[/cyan] lists the commands,"
            " [cyan]%lessons[/cyan] the lessons.",
            highlight=False,
        )

    def show(self, outcome) -> None:
        for part in outcome_renderables(outcome):
            self.console.print(part)

    def run(self) -> int:
        self.banner()
        while True:
            try:
                text = self.prompt.prompt(pre_run=start_torch_after_draw)
            except KeyboardInterrupt:
                continue  # Ctrl-C at the prompt clears the line
            except EOFError:
                return 0  # Ctrl-D
            try:
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
                return 0


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def start_torch_after_draw() -> None:
    """Begin importing torch in the background once the prompt is drawn (a prompt_toolkit pre_run hook).

    The import holds the GIL for long stretches: started before the shell, it tripled the time to
    the first prompt and did not bring the first result sooner (tests/benchmarks/run.py).
    """
    try:
        asyncio.get_running_loop().call_soon(torchload.start)  # runs after the first draw
    except RuntimeError:  # no running loop
        torchload.start()


def run_shell(*, timeout: float | None = None, hints: bool = True) -> int:
    console = make_console(sys.stdout)
    session = Session(timeout=timeout, echo=console.file, hints=hints)
    return Shell(session, console=console).run()
