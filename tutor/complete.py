"""Tab completion from live objects: names in the namespace, attributes, and % commands.

Attribute chains are followed with getattr only (nothing is called), and each object's dir() is
cached by identity for modules and classes, so `torch.` completes in well under 100 ms.
Whether a name is callable is read with `inspect.getattr_static`, so no property runs (a non-leaf
tensor's `.grad` would warn). Public names come first, then `_private`, then `__dunder__` ones.
"""

from __future__ import annotations

import builtins
import inspect
import keyword
import re
from dataclasses import dataclass
from typing import Callable, Iterable

from prompt_toolkit.completion import Completer, Completion

_DOTTED = re.compile(r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\.(\w*)$")
_NAME = re.compile(r"(?<![\w.])([A-Za-z_]\w*)$")
_COMMAND = re.compile(r"^\s*%(\w*)$")
# names every shell has, even before torch has finished importing
PROMISED = ("torch", "np", "math")


@dataclass(frozen=True)
class Candidate:
    """One completion: the name, where it starts (negative offset) and what kind of thing it is."""

    name: str
    start: int
    kind: str = ""  # 'function', 'class', 'module', 'command', 'keyword', '' (a value)

    @property
    def display(self) -> str:
        """How the menu shows it: callables get `()`, as ptpython and IPython mark them."""
        return self.name + "()" if self.kind in ("function", "class") else self.name


def privacy(name: str) -> int:
    """0 public, 1 _private, 2 __dunder__: the order in which the menu shows them."""
    return 2 if name.startswith("__") else 1 if name.startswith("_") else 0


def order(names: Iterable[str]) -> list[str]:
    """Public names first, then private ones; each group alphabetical, ignoring case."""
    return sorted(set(names), key=lambda n: (privacy(n), n.lower(), n))


def attribute_names(obj, cache: dict) -> list[str]:
    """Attribute names of obj in menu order (cached for modules and classes)."""
    cacheable = isinstance(obj, type) or inspect.ismodule(obj)
    key = id(obj)
    if cacheable and key in cache and cache[key][0] is obj:
        return cache[key][1]
    try:
        names = order(dir(obj))
    except Exception:  # noqa: BLE001 - broken __dir__
        names = []
    if cacheable:
        cache[key] = (obj, names)
    return names


def kind_of(value) -> str:
    if inspect.ismodule(value):
        return "module"
    if isinstance(value, type):
        return "class"
    if isinstance(value, (staticmethod, classmethod)):
        return "function"
    if isinstance(value, (property,)) or type(value).__name__ in ("getset_descriptor", "member_descriptor"):
        return ""  # a property: its value is not known without running it
    try:
        return "function" if callable(value) else ""
    except Exception:  # noqa: BLE001
        return ""


def attribute_kind(obj, name: str) -> str:
    try:
        return kind_of(inspect.getattr_static(obj, name))
    except Exception:  # noqa: BLE001 - missing, or a broken __getattr__
        return ""


def resolve(dotted: str, namespace: dict):
    head, *rest = dotted.split(".")
    if head in namespace:
        obj = namespace[head]
    elif hasattr(builtins, head):
        obj = getattr(builtins, head)
    else:
        raise LookupError(head)
    for part in rest:
        obj = getattr(obj, part)
    return obj


def candidates(text_before_cursor: str, namespace: dict, command_names: Iterable[str],
               cache: dict) -> list[Candidate]:
    """What Tab offers for the text before the cursor, in menu order."""
    match = _COMMAND.match(text_before_cursor)
    if match:
        prefix = match.group(1)
        return [Candidate(n, -len(prefix), "command") for n in sorted(set(command_names)) if n.startswith(prefix)]
    match = _DOTTED.search(text_before_cursor)
    if match:
        base, prefix = match.group(1), match.group(2)
        try:
            obj = resolve(base, namespace)
        except Exception:  # noqa: BLE001 - unknown names or failing properties complete nothing
            return []
        names = [n for n in attribute_names(obj, cache) if n.startswith(prefix)]
        if prefix and not prefix.startswith("_"):
            names = [n for n in names if not n.startswith("_")]
        return [Candidate(n, -len(prefix), attribute_kind(obj, n)) for n in names]
    match = _NAME.search(text_before_cursor)
    if match:
        prefix = match.group(1)
        pool = set(namespace) | set(dir(builtins)) | set(keyword.kwlist) | set(PROMISED)
        found = []
        for n in order(pool):
            if not n.startswith(prefix) or (n.startswith("__") and not prefix.startswith("__")):
                continue
            if n in namespace:
                kind = kind_of(namespace[n])
            elif n in PROMISED:
                kind = "module"
            elif keyword.iskeyword(n):
                kind = "keyword"
            else:
                kind = kind_of(getattr(builtins, n, None))
            found.append(Candidate(n, -len(prefix), kind))
        return found
    return []


def completions_for(text_before_cursor: str, namespace: dict, command_names: Iterable[str],
                    cache: dict) -> list[tuple[str, int]]:
    """(completion, start offset) pairs for the text before the cursor."""
    return [(c.name, c.start) for c in candidates(text_before_cursor, namespace, command_names, cache)]


def needs_torch(text_before_cursor: str, namespace: dict) -> bool:
    """Whether completing this text needs a module that is promised but not yet in the namespace."""
    match = _DOTTED.search(text_before_cursor)
    if not match:
        return False
    head = match.group(1).split(".")[0]
    return head in PROMISED and head not in namespace


class NamespaceCompleter(Completer):
    """Completes from the live namespace returned by `get_namespace()`.

    `get_namespace(text)` gets the text being completed: the shell's waits (in prompt_toolkit's
    completion thread) for torch to finish importing when the text needs it, with a note meanwhile.
    """

    def __init__(self, get_namespace: Callable[[str], dict], get_commands: Callable[[], Iterable[str]]):
        self._get_namespace = get_namespace
        self._get_commands = get_commands
        self._cache: dict = {}

    def get_completions(self, document, complete_event):
        text = document.text_before_cursor
        namespace = self._get_namespace(text)
        for c in candidates(text, namespace, self._get_commands(), self._cache):
            yield Completion(c.name, start_position=c.start, display=c.display, display_meta=c.kind)
