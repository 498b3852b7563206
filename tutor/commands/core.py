"""The shell's basic commands: %help, %quit, %reset, %who, %history."""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from tutor.commands import CommandError, all_commands, command, find


@dataclass
class CommandHelp:
    """The command table, or one command's usage."""

    rows: list[tuple[str, str, str]]  # (usage, summary, group)
    detail: str | None = None


@command("help", "list the commands, or show one: %help NAME", usage="%help [NAME]", needs_torch=False)
def help_command(session, args: str):
    name = args.strip().lstrip("%")
    if name:
        cmd = find(name)
        if cmd is None:
            raise CommandError(f"no command %{name}; %help lists them all")
        doc = inspect.cleandoc(cmd.func.__doc__ or "")
        return CommandHelp([(cmd.usage, cmd.summary, cmd.group)], detail=doc or None)
    rows = [(c.usage, c.summary, c.group) for c in all_commands()]
    last_general = max(i for i, row in enumerate(rows) if row[2] == "general")
    rows.insert(last_general + 1,
                ("NAME?", "signature and documentation of NAME (e.g. torch.autograd.grad?)", "general"))
    return CommandHelp(rows)


@command("quit", "leave the tutor (Ctrl-D does the same)", needs_torch=False, aliases=("exit",))
def quit_command(session, args: str):
    session.state["exit_requested"] = True
    return None


@command("reset", "start again from a fresh namespace (torch, np and math ready)", needs_torch=False)
def reset_command(session, args: str):
    session.reset()
    return "Namespace cleared: torch, np and math are ready."


@dataclass
class TensorTable:
    """The learner's tensors, one row each."""

    rows: list[tuple[str, str, str, str, str]]  # name, shape, dtype, requires_grad, grad


@command("who", "your tensors: shape, dtype, requires_grad and grad", needs_torch=False)
def who_command(session, args: str):
    from tutor import guard, torchload
    from tutor.display import dtype_text, shape_text
    from tutor.gradwatch import plain

    def row(name, t):
        grad = t.grad if (t.is_leaf or t.retains_grad) else None
        if grad is None:
            grad_text = "None" if (t.is_leaf or t.retains_grad) else "(non-leaf)"
        elif grad.numel() <= 6:
            grad_text = ", ".join(f"{v:.4g}" for v in grad.detach().flatten().tolist())
            grad_text = f"[{grad_text}]" if grad.dim() else grad_text
        else:
            grad_text = f"tensor of shape {shape_text(grad.shape)}"
        return (name, shape_text(t.shape), dtype_text(t.dtype), str(bool(t.requires_grad)), grad_text)

    rows = []
    pairs = session.learner_tensors()
    if pairs:
        with plain(torchload.loaded()):  # a subclass's __torch_function__ does not decide what %who shows
            for name, t in pairs:
                rows.append(guard.attempt(row, name, t, default=(name, "?", "?", "?", "(cannot be read)")))
    return TensorTable(rows)


@dataclass
class InputHistory:
    """Earlier inputs of this session, numbered as the session counted them."""

    rows: list[tuple[int, str]]
    total: int


@command("history", "your earlier inputs in this session, numbered: %history [N] (default 20)",
         usage="%history [N]", needs_torch=False)
def history_command(session, args: str):
    """Up and Ctrl-R reach inputs of earlier sessions too (the history file in the data directory)."""
    text = args.strip()
    try:
        count = int(text) if text else 20
    except ValueError:
        raise CommandError(f"%history takes a number of inputs, not {text!r}") from None
    if count < 1:
        raise CommandError("%history needs a number of inputs of at least 1")
    earlier = [(o.index, o.input) for o in session.history if o.input.strip()]
    return InputHistory(earlier[-count:], len(earlier))
