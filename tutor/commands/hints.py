"""%explain (the last hint in full, or any catalog entry) and %hints off|on|list."""

from __future__ import annotations

from dataclasses import dataclass, field

from tutor.commands import CommandError, command, split_args
from tutor.outcome import Hint


@dataclass
class Explanation:
    """Hints shown in full: each with the catalog's explanation and a runnable example."""

    hints: list[Hint]
    input: str | None = None  # the input they were about (None for %explain ID)
    index: int | None = None


@dataclass
class HintList:
    """The catalog: (id, title, section) rows."""

    rows: list[tuple[str, str, str]] = field(default_factory=list)
    enabled: bool = True


@command("explain", "the last hint in full, with an example to run; %explain ID for any hint",
         usage="%explain [ID]", needs_torch=False, group="hints")
def explain_command(session, args: str):
    """Without an argument: the hints of your latest input that had any, in full.
    With an id (see %hints list): that catalog entry."""
    from tutor.hints import CATALOG, STATE_KEY, entry

    parts = split_args(args)
    if len(parts) > 1:
        raise CommandError("%explain takes at most one hint id, e.g. %explain double-backward")
    if parts:
        hint_id = parts[0].strip("[]")
        if hint_id not in CATALOG:
            import difflib

            close = difflib.get_close_matches(hint_id, list(CATALOG), n=1)
            extra = f" Did you mean {close[0]}?" if close else " %hints list shows them all."
            raise CommandError(f"no hint called {hint_id!r}.{extra}")
        e = entry(hint_id)
        return Explanation([Hint(e.id, e.title, "", "", e.section, e.example)])
    record = session.state.get(STATE_KEY)
    if not record:
        return ("No hint yet: hints appear under an input when something goes wrong. "
                "%explain ID shows any of them (%hints list).")
    return Explanation(list(record["hints"]), record["input"], record["index"])


@command("hints", "turn hints off or on, or list every hint: %hints off|on|list",
         usage="%hints [off|on|list]", needs_torch=False, group="hints")
def hints_command(session, args: str):
    """%hints off stops the hints under your inputs; %hints on brings them back; %hints list shows them all."""
    from tutor.hints import CATALOG

    word = args.strip().lower()
    if word in ("off", "0", "false", "no"):
        session.hints_enabled = False
        return "Hints are off. %hints on brings them back."
    if word in ("on", "1", "true", "yes"):
        session.hints_enabled = True
        return "Hints are on: a short hint appears under an input when something goes wrong."
    if word == "list":
        return HintList([(e.id, e.title, e.section) for e in CATALOG.values()], session.hints_enabled)
    if word == "":
        state = "on" if session.hints_enabled else "off"
        return f"Hints are {state}. %hints off|on switches them; %hints list shows every hint."
    raise CommandError(f"unknown option {args.strip()!r}: use %hints off, %hints on or %hints list")


def _register() -> None:
    from rich import box
    from rich.console import Group
    from rich.panel import Panel
    from rich.syntax import Syntax
    from rich.table import Table
    from rich.text import Text

    from tutor.hints import entry
    from tutor.render import fix_label, renders

    @renders(Explanation)
    def _explanation(data: Explanation):
        panels = []
        for hint in data.hints:
            e = entry(hint.id)
            parts = [Text(e.title, style="bold")]
            if hint.explanation:
                mine = Text("In your input: ", style="bold")
                mine.append(hint.explanation)
                parts.append(mine)
            if hint.fix:
                label = fix_label(hint, capital=True)
                fix = Text(label + ("" if label.endswith("\n") else "\n" if "\n" in hint.fix else " "), style="bold green")
                fix.append(hint.fix, style="cyan")
                parts.append(fix)
            elif hint.fix_words:
                fix = Text("To fix: ", style="bold green")
                fix.append(hint.fix_words)
                parts.append(fix)
            if hint.tried:
                parts.append(Text("Tried first, on a copy of your session, and rejected:", style="bold"))
                for code, why in hint.tried:
                    line = Text("  ")
                    line.append(code.replace("\n", "; ") if len(code) < 80 else code.splitlines()[0] + " ...",
                                style="cyan")
                    line.append(f": {why}", style="dim")
                    parts.append(line)
            if parts:
                parts.append(Text(""))
            parts.append(Text(e.about))
            parts.append(Text(""))
            parts.append(Text("Try it (paste into the shell):", style="bold"))
            parts.append(Syntax(e.example, "python", theme="ansi_dark", background_color="default",
                                word_wrap=True))
            title = Text(e.id, style="bold green")
            panels.append(Panel(Group(*parts), title=title, title_align="left",
                                subtitle=Text(f"D2L {e.section}", style="dim"), subtitle_align="right",
                                border_style="green", box=box.ROUNDED))
        return Group(*panels)

    @renders(HintList)
    def _hint_list(data: HintList):
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("id", style="green", no_wrap=True)
        table.add_column("what it is about")
        table.add_column("D2L", no_wrap=True)
        for row in data.rows:
            table.add_row(*row)
        state = "on" if data.enabled else "off (%hints on)"
        return Group(table, Text(f"Hints are {state}. %explain ID shows one in full.", style="dim"))


_register()
