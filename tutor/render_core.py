"""Rendering the basic commands' results: %help's table, %who's tensors, %history, and `name?`.

`tutor.render` imports this module the first time it meets one of these types (LAZY_RENDERERS), so
`tutor.render` never imports the command modules.
"""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tutor.commands.core import CommandHelp, InputHistory, TensorTable
from tutor.introspect import HelpText


def _help(data: CommandHelp) -> RenderableType:
    table = Table(box=box.SIMPLE, show_header=False, pad_edge=False)
    table.add_column("command", style="bold cyan", no_wrap=True)
    table.add_column("what it does")
    group = None
    for usage, summary, kind in data.rows:
        if len(data.rows) > 1 and kind != group:
            group = kind
            table.add_row(Text(kind, style="bold"), "")
        name, _, args = usage.partition(" ")
        what = Text(summary)
        if args:
            what.append(f"\n{usage}", style="dim")
        table.add_row(f"  {name}" if len(data.rows) > 1 else name, what)
    if data.detail:
        return Group(table, Text(data.detail))
    return table


def _who(data: TensorTable) -> RenderableType:
    if not data.rows:
        return Text("No tensors yet. Try: x = torch.arange(4.0, requires_grad=True)", style="dim")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for name in ("name", "shape", "dtype", "requires_grad", "grad"):
        table.add_column(name, no_wrap=name != "grad")
    for row in data.rows:
        table.add_row(*row)
    return table


def _history(data: InputHistory) -> RenderableType:
    if not data.rows:
        return Text("No inputs yet in this session (Up and Ctrl-R reach earlier sessions).", style="dim")
    text = Text()
    for n, (index, source) in enumerate(data.rows):
        lines = source.rstrip("\n").splitlines() or [""]
        text.append(f"{index:>4} ", style="dim")
        text.append(lines[0])
        for line in lines[1:]:
            text.append("\n     " + line)
        if n + 1 < len(data.rows):
            text.append("\n")
    return text


def _helptext(data: HelpText) -> RenderableType:
    head = Text()
    head.append(data.name, style="bold cyan")
    if data.signature:
        head.append(data.signature)
    head.append(f"   [{data.kind}]", style="dim")
    parts: list[RenderableType] = [head]
    if data.facts:
        table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1, 0, 0))
        table.add_column("fact", style="bold", no_wrap=True)
        table.add_column("value")
        for label, value in data.facts:
            table.add_row(label, Text(value))
        parts.append(table)
    if data.doc:
        parts.append(Text(data.doc))
    if data.source:
        parts.append(Text("source:", style="bold"))
        parts.append(Text(data.source))
    if data.more:
        parts.append(Text(data.more, style="dim"))
    return Group(*parts)


def renderers() -> dict:
    return {CommandHelp: _help, TensorTable: _who, InputHistory: _history, HelpText: _helptext}
