"""The shell's input read from a pipe (`echo '1+1' | autograd-tutor`): no prompt, no full-screen UI.

Like `python` reading a script from a pipe, stdin is read line by line, as it arrives; each complete
input (a statement, a block ended by a blank line or by a line back at column 0, a `%command`) runs as
soon as it is complete, and what the shell would show is printed as plain text.
Exit status: 0 when every input ran without error, 1 otherwise.
"""

from __future__ import annotations

import codeop

from tutor.introspect import help_target


_CONTINUE = ("else", "elif", "except", "finally", "case", "#")


def _complete(text: str) -> bool:
    stripped = text.strip()
    if not stripped or stripped.startswith("%") or help_target(stripped):
        return True
    try:
        return codeop.compile_command(text, "<input>", "exec") is not None
    except (SyntaxError, ValueError, OverflowError):
        return True  # runs, and reports the error


def _block(text: str) -> bool:
    """A compound statement (ended by a blank line or a line back at column 0)."""
    first = text.lstrip("\n").split("\n", 1)[0].rstrip()
    return first.endswith(":") or first.startswith("@")


def inputs(stream):
    """The complete inputs of a stream of lines, yielded as soon as each is complete."""
    pending = ""
    for line in stream:
        line = line if line.endswith("\n") else line + "\n"
        if (pending.strip() and _block(pending) and line.strip() and not line[:1].isspace()
                and not line.lstrip().startswith(_CONTINUE)):
            yield pending.rstrip("\n")  # a block ended by a line back at column 0
            pending = ""
        pending += line
        done = pending.endswith("\n\n") if _block(pending) else _complete(pending)
        if done:
            if pending.strip():
                yield pending.rstrip("\n")
            pending = ""
    if pending.strip():
        yield pending.rstrip("\n")


def run_pipe(stdin, stdout, *, timeout=None, hints=True) -> int:
    from tutor.render import outcome_text
    from tutor.runner import _SafeWriter
    from tutor.session import Session

    out = _SafeWriter(stdout)
    session = Session(timeout=timeout, hints=hints)
    status = 0
    for text in inputs(stdin):
        outcome = session.submit(text)
        if not outcome.ok:
            status = 1
        shown = outcome_text(outcome)
        if shown:
            out.write(shown + "\n")
        out.flush()
        if outcome.exit_requested:
            break
    return status
