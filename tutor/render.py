"""Every rich construction: Outcomes and command results to renderables, and to plain text.

Feature modules teach this module to draw their own data with `@renders(TheirType)`; objects with
`__rich__` render themselves. Plain text (the runner, JSON `output`) is the same rendering with no
colour, so the shell and the runner always agree.
"""

from __future__ import annotations

import io
import os
import re
from typing import Any, Callable

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from tutor.display import TensorView, clip, is_tensor, safe_repr, view_tensor
from tutor.outcome import ErrorInfo, GradChange, Hint, Outcome, WarningInfo

DEFAULT_WIDTH = 80
_RENDERERS: dict[type, Callable[[Any], RenderableType]] = {}
_TRIGGERED = re.compile(r"\s*\(Triggered internally at [^)]*\)\.?")


def renders(cls: type):
    """Register a function that turns an instance of `cls` into a rich renderable."""

    def register(func):
        _RENDERERS[cls] = func
        return func

    return register


def make_console(file=None, *, width: int | None = None, plain: bool | None = None) -> Console:
    """A console that respects NO_COLOR and the terminal width; plain when not a terminal."""
    if plain:
        return Console(file=file or io.StringIO(), width=width or DEFAULT_WIDTH, color_system=None,
                       force_terminal=False, highlight=False, emoji=False, soft_wrap=False)
    return Console(file=file, width=width, no_color="NO_COLOR" in os.environ or None,
                   highlight=False, emoji=False)


def plain_text(renderables: list[RenderableType], width: int | None = None) -> str:
    """Render to plain text (no colour, no escape codes) at a fixed width."""
    console = make_console(io.StringIO(), width=width or DEFAULT_WIDTH, plain=True)
    for item in renderables:
        console.print(item)
    text = console.file.getvalue()
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n")


# -- values ----------------------------------------------------------------------------------


def tensor_renderable(view: TensorView) -> RenderableType:
    facts = Text(" · ".join(view.facts), style="dim")
    printed = Text(view.printed or view.values)
    printed.highlight_regex(r"grad_fn=<\w+>|requires_grad=True", style="magenta")
    return Group(printed, facts)


# modules of data types -> the render module that draws them, imported when first needed (so the
# data modules and their renderers never import each other, and numpy/plotext load only with a plot)
LAZY_RENDERERS = {"tutor.plot": "tutor.render_plot", "tutor.commands.core": "tutor.render_core",
                  "tutor.introspect": "tutor.render_core"}


def _lazy_renderer(cls: type):
    module = LAZY_RENDERERS.get(cls.__module__)
    if module is None:
        return None
    import importlib

    _RENDERERS.update(importlib.import_module(module).renderers())
    return _RENDERERS.get(cls)


def to_renderable(obj: Any) -> RenderableType:
    """Any value or command result as a renderable."""
    if type(obj) is TensorView:
        return tensor_renderable(obj)
    for cls in type(obj).__mro__:
        if cls in _RENDERERS:
            return _RENDERERS[cls](obj)
        found = _lazy_renderer(cls)
        if found is not None:
            return found(obj)
    if is_tensor(obj):
        return tensor_renderable(view_tensor(obj))
    if isinstance(obj, str):
        return Text(clip(obj))
    if hasattr(obj, "__rich__") or hasattr(obj, "__rich_console__"):
        return obj
    return Text(safe_repr(obj))


# -- outcome parts -----------------------------------------------------------------------------


def error_renderable(error: ErrorInfo) -> RenderableType:
    if error.type in ("KeyboardInterrupt", "Timeout"):
        what = "Interrupted (Ctrl-C)" if error.type == "KeyboardInterrupt" else error.message
        where = f" at line {error.lineno}: {error.line.strip()}" if error.line else ""
        return Text(f"⏹ {what}{where}. Your variables are kept.", style="yellow")
    body = Text(error.message or error.type)
    if error.type in ("SyntaxError", "IndentationError", "TabError") and error.line:
        body.append(f"\n  line {error.lineno or 1}: ", style="dim")
        body.append(error.line.rstrip())
        if error.offset:
            indent = len(f"  line {error.lineno or 1}: ") + max(error.offset - 1, 0)
            body.append("\n" + " " * indent + "^", style="bold red")
    elif error.frames:
        frames = error.frames
        if len(frames) > 3 and frames[-1] == frames[-2] == frames[-3]:
            repeats = sum(1 for f in frames if f == frames[-1])
            frames = [f for f in frames if f != frames[-1]][-2:] + [frames[-1]]
            body.append(f"\n  (the last call repeated {repeats} times)", style="dim")
        for name, lineno, line in frames[-3:]:
            where = f"line {lineno}" if name == "<module>" else f"in {name}(), line {lineno}"
            body.append(f"\n  {where}: ", style="dim")
            body.append(line)
    return Panel(body, title=Text(error.type, style="bold red"), title_align="left",
                 border_style="red", box=box.ROUNDED, expand=False)


def tensor_states_renderable(states: list) -> RenderableType:
    """One line per tensor on the failing line (name, shape, dtype, grad state, version); ▶ marks the culprit."""
    width = max(len(s.name) for s in states)
    text = Text()
    for i, s in enumerate(states):
        if i:
            text.append("\n")
        text.append("  ▶ " if s.failing else "    ", style="bold red" if s.failing else "")
        text.append(s.name.ljust(width), style="bold" if s.failing else "")
        parts = [f"{s.shape} {s.dtype}", "requires_grad" if s.requires_grad else "no grad"]
        if s.grad_fn is None:
            parts.append("leaf")
            if s.requires_grad:
                parts.append(f"grad {s.grad}" if s.grad != "None" else "grad None")
        else:
            parts.append(f"grad_fn={s.grad_fn}")
        parts.append(f"version {s.version}" if s.version >= 0 else "inference tensor")
        text.append("  " + " · ".join(parts), style="dim" if not s.failing else "")
    return text


def warning_renderable(warning: WarningInfo) -> RenderableType:
    message = _TRIGGERED.sub("", warning.message).strip().splitlines()[0] if warning.message else ""
    first, dot, rest = message.partition(". ")
    if dot and len(first) >= 20 and rest:
        message = first + ". …"  # the first sentence says what happened; %explain or a hint says more
    return Text(f"⚠ {warning.category}: {clip(message, 3, 300)}", style="yellow")


def _grad_values(t) -> str:
    return view_tensor(t).values if t is not None else "None"


def gradient_renderable(change: GradChange) -> RenderableType:
    text = Text()
    text.append(f"{change.name}.grad", style="bold cyan")
    text.append(" = " if change.new is not None else " cleared (None)")
    if change.new is not None:
        text.append(_grad_values(change.new))
    if change.old is not None:
        text.append(f"   (was {_grad_values(change.old)})", style="dim")
    elif not change.old_known:
        text.append("   (was a large tensor)", style="dim")
    return text


def fix_label(hint: Hint, capital: bool = False) -> str:
    """'fix, tried on a copy of your session:', saying what the code replaces when it is not to be typed
    right after the input (an earlier input, or one that already ran): the copy ran it in their place."""
    label = "fix, tried on a copy of your session" if hint.verified else "fix"
    if hint.verified and hint.fix_in_place_of:
        label += f" in place of {hint.fix_in_place_of}\n"
    else:
        label += ":"
    return label[0].upper() + label[1:] if capital else label


def hint_renderable(hint: Hint) -> RenderableType:
    """A hint in three to six lines: id and title, this input's explanation, the fix, where to reread."""
    from rich.padding import Padding

    head = Text()
    head.append("hint ", style="bold green")
    head.append(hint.id, style="green")
    head.append(" · ", style="dim")
    head.append(hint.title, style="bold")
    body: list[RenderableType] = []
    if hint.explanation:
        body.append(Text(hint.explanation))
    if hint.fix:
        label = fix_label(hint)
        fix = Text(label + ("" if label.endswith("\n") else "\n" if "\n" in hint.fix else " "), style="bold green")
        fix.append(hint.fix, style="cyan")
        body.append(fix)
    elif hint.fix_words:
        fix = Text("to fix: ", style="bold green")
        fix.append(hint.fix_words)
        body.append(fix)
    foot = f"reread D2L {hint.section} · " if hint.section else ""
    body.append(Text(f"{foot}%explain for more", style="dim"))
    return Group(head, Padding(Group(*body), (0, 0, 0, 2)))


def outcome_renderables(outcome: Outcome) -> list[RenderableType]:
    """What the shell shows after an input, top to bottom."""
    parts: list[RenderableType] = []
    if outcome.stdout and not outcome.stdout_shown:
        parts.append(Text(clip(outcome.stdout.rstrip("\n"), 200, 20000)))
    if outcome.stderr and not outcome.stdout_shown:
        parts.append(Text(clip(outcome.stderr.rstrip("\n"), 50, 5000), style="red"))
    if outcome.command_output is not None:
        parts.append(to_renderable(outcome.command_output))
    if outcome.has_value:  # the view was made under the guard; the learner's object is not read again
        view = outcome.view if outcome.view is not None else outcome.display
        parts.append(to_renderable(view) if view is not None else to_renderable(outcome.value))
    if outcome.error is not None:
        parts.append(error_renderable(outcome.error))
        if outcome.tensors:
            parts.append(tensor_states_renderable(outcome.tensors))
    parts.extend(warning_renderable(w) for w in outcome.warnings)
    parts.extend(gradient_renderable(g) for g in outcome.gradients)
    parts.extend(hint_renderable(h) for h in outcome.hints)
    parts.extend(to_renderable(f) for f in outcome.feedback)
    return parts


def outcome_text(outcome: Outcome, width: int | None = None) -> str:
    """The plain text the shell would show for this outcome (stdout included)."""
    shown, outcome.stdout_shown = outcome.stdout_shown, False
    try:
        return plain_text(outcome_renderables(outcome), width)
    finally:
        outcome.stdout_shown = shown




def markdown(text: str) -> RenderableType:
    """Markdown for lesson text (code blocks highlighted)."""
    from rich.markdown import Markdown  # imported here: markdown-it costs 3 MB and ~30 ms at start-up

    return Markdown(text, code_theme="ansi_dark")
