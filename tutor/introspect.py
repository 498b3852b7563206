"""`name?`: the signature and docstring of an object in the learner's namespace."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass

HELP_PATTERN = re.compile(r"^\s*(?:\?\s*(?P<pre>[A-Za-z_][\w.]*)|(?P<post>[A-Za-z_][\w.]*)\s*\?)\s*$")
MAX_DOC_LINES = 30


@dataclass
class HelpText:
    name: str
    kind: str  # function, class, module, tensor, ...
    signature: str | None
    doc: str


def help_target(text: str) -> str | None:
    """The dotted name asked about in `name?` or `?name`, else None."""
    match = HELP_PATTERN.match(text)
    if not match:
        return None
    return match.group("pre") or match.group("post")


def signature_of(obj) -> str | None:
    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):
        pass
    doc = inspect.getdoc(obj) or ""
    first = doc.strip().splitlines()[0] if doc.strip() else ""
    # Builtins documented as "name(args) -> result" (torch functions are documented this way).
    match = re.match(r"^[\w.]+(\(.*\))", first)
    return match.group(1) if match else None


def describe(obj, name: str) -> HelpText:
    if inspect.ismodule(obj):
        kind = "module"
    elif inspect.isclass(obj):
        kind = "class"
    elif callable(obj):
        kind = "function" if inspect.isroutine(obj) else type(obj).__name__
    else:
        kind = type(obj).__name__
    signature = signature_of(obj) if callable(obj) else None
    doc = inspect.getdoc(obj) or "(no documentation)"
    lines = doc.splitlines()
    if len(lines) > MAX_DOC_LINES:
        lines = lines[:MAX_DOC_LINES] + [f"… ({len(doc.splitlines()) - MAX_DOC_LINES} more lines)"]
    return HelpText(name, kind, signature, "\n".join(lines))
