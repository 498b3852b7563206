"""The one registry of `%` commands and of the helper functions put in the learner's namespace.

A feature module in this package registers what it offers:

    @command("graph", "show the computation graph behind a tensor", usage="%graph EXPR [--dot]")
    def graph_command(session, args: str): ...      # returns data with __rich__, or text

    @namespace_function("graph")
    def graph(tensor): ...

    @after_input
    def show_something(session, outcome): ...        # after every code input

Every module in this package is imported once, on first use, by `load()`.
A command raises `CommandError("one clear sentence")` for bad input.
"""

from __future__ import annotations

import importlib
import pkgutil
import shlex
from dataclasses import dataclass, field
from typing import Callable


class CommandError(Exception):
    """Bad input to a command: shown as one line, never a traceback."""


@dataclass
class Command:
    name: str
    func: Callable
    summary: str
    usage: str = ""
    needs_torch: bool = True
    aliases: tuple[str, ...] = field(default_factory=tuple)
    group: str = "general"


COMMANDS: dict[str, Command] = {}
HELPERS: dict[str, Callable] = {}
AFTER_INPUT: list[Callable] = []  # `hook(session, outcome)` after every code input
_loaded = False


def command(name: str, summary: str, *, usage: str = "", needs_torch: bool = True,
            aliases: tuple[str, ...] = (), group: str = "general"):
    """Register a `%name` command."""

    def register(func):
        cmd = Command(name, func, summary, usage or f"%{name}", needs_torch, tuple(aliases), group)
        for key in (name, *aliases):
            COMMANDS[key] = cmd
        return func

    return register


def namespace_function(name: str):
    """Register a function that every fresh learner namespace gets under `name`."""

    def register(func):
        HELPERS[name] = func
        return func

    return register


def after_input(func):
    """Register `func(session, outcome)`, run after every code input (before the diagnosis)."""
    AFTER_INPUT.append(func)
    return func


def load() -> None:
    """Import every command module in this package (once)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")


def find(name: str) -> Command | None:
    load()
    return COMMANDS.get(name)


def all_commands() -> list[Command]:
    """Each command once, in registration order."""
    load()
    seen, result = set(), []
    for cmd in COMMANDS.values():
        if cmd.name not in seen:
            seen.add(cmd.name)
            result.append(cmd)
    return result


def split_args(args: str) -> list[str]:
    """Shell-like splitting of a command's arguments, with a clear error for unbalanced quotes."""
    try:
        return shlex.split(args)
    except ValueError as exc:
        raise CommandError(f"could not read the arguments: {exc}") from None
