"""The scripted front: `autograd-tutor run FILE` feeds a file of inputs through a Session.

How a file is cut into inputs:
- a line that starts with `%` (a command) or ends with `?` (help) is one input on its own;
- every other run of lines is Python, and each top-level statement in it is one input
  (statements that share a line, like `a = 1; b = 2`, stay together);
- Python that does not parse is cut at each line that starts at column 0, so one bad line
  gives one SyntaxError and the rest of the file still runs.
"""

from __future__ import annotations

import ast
import json
import sys
import warnings
from typing import Iterable

from tutor.introspect import help_target
from tutor.outcome import Outcome

_CONTINUATIONS = (")", "]", "}", "else", "elif", "except", "finally", "case", "#", "@")


def _is_line_input(line: str) -> bool:
    stripped = line.strip()
    return line.startswith("%") or (not line[:1].isspace() and help_target(stripped) is not None)


def _split_python(lines: list[str]) -> list[str]:
    """Cut a run of Python lines into top-level statements."""
    text = "".join(lines)
    if not text.strip():
        return []
    from tutor.evaluate import bounded_recursion

    try:
        with bounded_recursion(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the input's own run reports its SyntaxWarnings
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # deep nesting: cut by lines
        return _split_by_indent(lines)
    groups: list[list[int]] = []  # [first_line, last_line] (1-based, inclusive)
    for node in tree.body:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        last = node.end_lineno or node.lineno
        if groups and first <= groups[-1][1]:
            groups[-1][1] = max(groups[-1][1], last)
        else:
            groups.append([first, last])
    return ["".join(lines[a - 1 : b]).rstrip("\n") for a, b in groups]


def _split_by_indent(lines: list[str]) -> list[str]:
    chunks: list[list[str]] = []
    for line in lines:
        starts_new = line.strip() and not line[:1].isspace() and not line.lstrip().startswith(_CONTINUATIONS)
        if starts_new or not chunks:
            chunks.append([line])
        else:
            chunks[-1].append(line)
    return [c for c in ("".join(chunk).strip("\n") for chunk in chunks) if c.strip()]


def split_inputs(text: str) -> list[str]:
    """The inputs of a script, in order (see the module docstring for the rule)."""
    inputs: list[str] = []
    pending: list[str] = []
    for line in text.splitlines(keepends=True):
        if _is_line_input(line):
            inputs.extend(_split_python(pending))
            pending = []
            inputs.append(line.strip())
        else:
            pending.append(line)
    inputs.extend(_split_python(pending))
    return inputs


def echo_input(text: str) -> str:
    """The input as the shell shows it: `>>> ` then `... ` for continuation lines."""
    lines = text.splitlines() or [""]
    return "\n".join((">>> " if i == 0 else "... ") + line for i, line in enumerate(lines))


def hint_record(hint) -> dict:
    """A hint as data: `fix` is code that was tried on a copy of the session (else null, and `fix_words`
    says what to change); `replaces` is the exact edit tried, {input index: corrected input}; `in_place_of`
    quotes the inputs it stands in for when the code is not to be typed right after this input."""
    return {
        "id": hint.id,
        "title": hint.title,
        "text": hint.explanation,
        "fix": hint.fix or None,
        "fix_words": hint.fix_words or None,
        "verified": bool(hint.verified),
        "replaces": {str(i): text for i, text in sorted(hint.replaces.items())},
        "in_place_of": hint.fix_in_place_of or None,
    }


def outcome_record(outcome: Outcome, output: str) -> dict:
    """The JSON record of one input (`run --json`)."""
    error = outcome.error.as_json() if outcome.error is not None else None
    return {
        "index": outcome.index,
        "input": outcome.input,
        "ok": outcome.ok,
        "value": outcome.display if outcome.has_value else None,
        "output": output,
        "stdout": outcome.stdout,
        "stderr": outcome.stderr,
        "error": error,
        "warnings": [{"category": w.category, "message": w.message} for w in outcome.warnings],
        "hints": [hint_record(h) for h in outcome.hints],
        "hint_ids": [h.id for h in outcome.hints],
        "gradients": {
            g.name: (g.new.tolist() if g.new is not None else None) for g in outcome.gradients
        },
        "elapsed_ms": round(outcome.elapsed * 1000, 3),
    } | ({"replayed": outcome.hard_stop["replayed"]} if outcome.hard_stop else {})


def dumps(record: dict) -> str:
    """One JSON line; text that cannot be encoded (a lone surrogate) is escaped, never an error."""
    line = json.dumps(record, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(record)  # \ud800 escapes: valid JSON
    return line


class _SafeWriter:
    """Writes text to a stream, escaping what its encoding cannot take (a lone surrogate)."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except UnicodeEncodeError:
            encoding = getattr(self.stream, "encoding", None) or "utf-8"
            return self.stream.write(text.encode(encoding, "backslashreplace").decode(encoding))

    def __getattr__(self, name):
        return getattr(self.stream, name)


def run_inputs(
    session,
    inputs: Iterable[str],
    *,
    out=None,
    as_json: bool = False,
    echo: bool = True,
    width: int | None = None,
    extra_stdout=None,
) -> int:
    """Submit each input, print what the shell would print (or JSON lines); 0 if none failed, else 1.

    `extra_stdout()` is called after each input: text the input wrote below Python's streams (to file
    descriptor 1), added to its stdout (tutor.supervise)."""
    from tutor.render import make_console, plain_text

    out = _SafeWriter(out or sys.stdout)
    console = make_console(out, width=width) if (not as_json and _is_terminal(out)) else None
    status = 0
    for text in inputs:
        if getattr(text, "show_only", False):  # a notebook's markdown cell (run --show-markdown)
            if not as_json:
                if console is not None:
                    console.print(text)
                else:
                    out.write(plain_text([text], width) + "\n")
            continue
        outcome = session.submit(text)
        if extra_stdout is not None:
            outcome.stdout += extra_stdout()
        if not outcome.ok:
            status = 1
        write_outcome(out, outcome, as_json=as_json, echo=echo, width=width, console=console)
        if outcome.exit_requested:
            break
    return status


def write_outcome(out, outcome: Outcome, *, as_json: bool = False, echo: bool = True, width: int | None = None,
                  console=None) -> None:
    """Print one input and its outcome as `run` does: a JSON line, rich text (`console`), or plain text."""
    from tutor.render import outcome_renderables, outcome_text

    out = out if isinstance(out, _SafeWriter) else _SafeWriter(out)
    output = outcome_text(outcome, width)
    if as_json:
        out.write(dumps(outcome_record(outcome, output)) + "\n")
    elif console is not None:
        if echo:
            console.print(echo_input(outcome.input), style="bold", markup=False)
        try:
            for part in outcome_renderables(outcome):
                console.print(part)
        except UnicodeEncodeError:
            out.write(output + "\n")
    else:
        if echo:
            out.write(echo_input(outcome.input) + "\n")
        if output:
            out.write(output + "\n")
    out.flush()


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
