"""`name?` and `name??`: what an object in the learner's namespace is, as IPython's `?` says it.

- a tensor: shape, dtype, device, requires_grad, leaf or grad_fn, `.grad`, version and a preview;
- a function or class: its signature and the first paragraph of its documentation;
- a module: the first paragraph; any other value: its type, string form and length.
`name??` adds the source code where Python can find it (functions you defined at the prompt too).
Nothing here calls the object or runs a property of it beyond reading tensor metadata.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field

HELP_PATTERN = re.compile(
    r"^\s*(?:(?P<prequery>\?\??)\s*(?P<pre>[A-Za-z_][\w.]*)|(?P<post>[A-Za-z_][\w.]*)\s*(?P<postquery>\?\??))\s*$"
)
MAX_DOC_LINES = 30
MAX_SOURCE_LINES = 60
PREVIEW_LINES = 6


@dataclass
class HelpText:
    name: str
    kind: str  # function, class, module, tensor, ...
    signature: str | None
    doc: str
    facts: list[tuple[str, str]] = field(default_factory=list)  # (label, value) rows
    source: str | None = None  # for name??
    more: str | None = None  # where to read more


def help_target(text: str) -> str | None:
    """The dotted name asked about in `name?`, `?name`, `name??` or `??name`, else None."""
    match = HELP_PATTERN.match(text)
    if not match:
        return None
    return match.group("pre") or match.group("post")


def wants_source(text: str) -> bool:
    """Whether the question is `name??` (or `??name`): show the source too."""
    match = HELP_PATTERN.match(text)
    return bool(match) and (match.group("prequery") or match.group("postquery")) == "??"


def signature_of(obj) -> str | None:
    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):
        pass
    doc = inspect.getdoc(obj) or ""
    first = doc.strip().splitlines()[0] if doc.strip() else ""
    # Builtins documented as "name(args) -> result" (torch functions are documented this way).
    match = re.match(r"^[\w.]+(\(.*\)(?:\s*->\s*\S+)?)", first)
    return match.group(1) if match else None


_SIGNATURE_LINE = re.compile(r"^[\w.]+\(.*\)(\s*->.*)?$")


def first_paragraph(doc: str) -> str:
    """The first paragraph of a docstring that is not just the signature again."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", doc.strip()) if p.strip()]
    for paragraph in paragraphs:
        lines = paragraph.splitlines()
        if len(lines) == 1 and _SIGNATURE_LINE.match(lines[0].strip()):
            continue
        return paragraph
    return ""


def _clip_lines(text: str, limit: int, what: str) -> str:
    lines = text.splitlines()
    if len(lines) > limit:
        lines = lines[:limit] + [f"… ({len(text.splitlines()) - limit} more lines of {what})"]
    return "\n".join(lines)


def source_of(obj) -> str | None:
    try:
        return _clip_lines(inspect.getsource(obj).rstrip(), MAX_SOURCE_LINES, "source")
    except (OSError, TypeError):
        return None


def _has_source(obj) -> bool:
    try:
        return inspect.getsourcefile(obj) is not None
    except TypeError:
        return False


def tensor_facts(t) -> list[tuple[str, str]]:
    """The autograd facts of a tensor, each read safely."""
    from tutor.display import dtype_text, shape_text, tensor_values

    def read(func, default="?"):
        try:
            return func()
        except Exception:  # noqa: BLE001 - a broken or exotic tensor: show what can be read
            return default

    grad_fn = read(lambda: t.grad_fn)
    is_leaf = read(lambda: bool(t.is_leaf))
    facts = [
        ("shape", read(lambda: shape_text(t.shape))),
        ("dtype", read(lambda: dtype_text(t.dtype))),
        ("device", read(lambda: str(t.device))),
        ("requires_grad", read(lambda: str(bool(t.requires_grad)))),
    ]
    if grad_fn is not None and grad_fn != "?":
        facts.append(("grad_fn", f"{type(grad_fn).__name__} (a non-leaf: the result of an operation)"))
    elif is_leaf is True:
        facts.append(("leaf", "yes (made by you, not by an operation)"))
    if is_leaf is True or read(lambda: bool(t.retains_grad), False):
        grad = read(lambda: t.grad, None)
        if grad is None:
            facts.append(("grad", "None (no backward() has reached it yet)"))
        else:
            facts.append(("grad", read(lambda: _preview(tensor_values(grad)))))
    else:
        facts.append(("grad", "not kept for a non-leaf (call .retain_grad() before backward() to keep it)"))
    facts.append(("version", read(lambda: f"{t._version} (in-place changes so far)")))
    facts.append(("value", read(lambda: _preview(tensor_values(t)))))
    return facts


def _preview(text: str) -> str:
    return _clip_lines(text, PREVIEW_LINES, "values")


def describe(obj, name: str, *, source: bool = False) -> HelpText:
    from tutor.display import is_tensor, safe_repr

    if is_tensor(obj):
        return HelpText(name, "tensor", None, "", facts=tensor_facts(obj),
                        more="the tensor's methods: Tab after the dot; torch.Tensor? for the class")
    if inspect.ismodule(obj):
        kind = "module"
    elif inspect.isclass(obj):
        kind = "class"
    elif callable(obj):
        kind = "function" if inspect.isroutine(obj) else type(obj).__name__
    else:
        kind = type(obj).__name__
    full = inspect.getdoc(obj) or ""
    if kind in ("function", "class", "module") or callable(obj):
        signature = signature_of(obj) if callable(obj) else None
        doc = first_paragraph(full) or "(no documentation)"
        doc = _clip_lines(doc, MAX_DOC_LINES, "documentation")
        text = HelpText(name, kind, signature, doc)
        rest = len(full.strip()) > len(doc) + 40
        if source:
            text.source = source_of(obj) or "(no Python source: it is built into PyTorch or Python, in C/C++)"
        more = []
        if rest:
            more.append(f"help({name}) shows the full documentation")
        if not source and _has_source(obj):
            more.append(f"{name}?? the source")
        text.more = "; ".join(more) or None
        return text
    facts = [("type", kind), ("value", _preview(safe_repr(obj)))]
    try:
        facts.append(("length", str(len(obj))))
    except Exception:  # noqa: BLE001 - no len()
        pass
    return HelpText(name, kind, None, "", facts=facts)
