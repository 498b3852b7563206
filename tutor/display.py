"""Values as short plain text: tensors with their autograd facts, everything else by repr.

Never a 10 MB dump: tensors are summarised by torch's own printer with a bounded threshold, and
any text is cut to a fixed number of lines and characters.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from tutor import guard, torchload

MAX_LINES = 40
MAX_CHARS = 4000
SUMMARY_THRESHOLD = 200  # elements; above this torch prints a summary with `...`
SHOW_SECONDS = 2.0  # showing one value (repr, __rich__) stops after this


def is_tensor(obj) -> bool:
    torch = torchload.loaded()
    return torch is not None and guard.is_instance(obj, torch.Tensor)


def clip(text: str, max_lines: int = MAX_LINES, max_chars: int = MAX_CHARS) -> str:
    """Cut text to a bounded size, saying how much was left out."""
    lines = text.splitlines()
    cut_lines = len(lines) > max_lines
    if cut_lines:
        lines = lines[: max_lines - 1]
    text = "\n".join(lines)
    if len(text) > max_chars:
        text = text[:max_chars].rstrip() + " …"
    if cut_lines:
        text += f"\n… ({len(lines) + 1} or more lines; shown in part)"
    return text


def shape_text(shape) -> str:
    dims = tuple(int(d) for d in shape)
    return "(" + ", ".join(str(d) for d in dims) + ("," if len(dims) == 1 else "") + ")"


def dtype_text(dtype) -> str:
    return str(dtype).replace("torch.", "")


@dataclass
class TensorView:
    """A tensor as torch and the book print it, plus the facts a learner of autograd needs.

    `printed` is torch's own repr (`tensor(28., grad_fn=<MulBackward0>)`, as in D2L and plain
    Python); `values` is the same without the autograd annotations (for gradients and matrices).
    """

    values: str
    shape: str
    dtype: str
    requires_grad: bool
    grad_fn: str | None
    is_leaf: bool
    device: str = "cpu"
    printed: str | None = None

    @property
    def facts(self) -> list[str]:
        facts = [f"shape {self.shape}", self.dtype]
        if self.device != "cpu":
            facts.append(self.device)
        if self.requires_grad or self.grad_fn:
            facts.append("requires_grad")
        if self.requires_grad or self.grad_fn:
            facts.append("leaf" if self.is_leaf else "non-leaf")
        return facts

    def text(self) -> str:
        return (self.printed or self.values) + "\n" + " · ".join(self.facts)


def _printed(t, detach: bool) -> str:
    torch = sys.modules["torch"]
    from torch import _tensor_str

    threshold = min(_tensor_str.PRINT_OPTS.threshold, SUMMARY_THRESHOLD)
    with _tensor_str.printoptions(threshold=threshold, edgeitems=3):
        try:
            if detach:
                with torch.no_grad():
                    text = repr(t.detach())
            else:
                text = repr(t)
        except Exception as exc:  # noqa: BLE001 - sparse, meta, etc.
            text = f"<tensor that cannot be printed: {exc}>"
    return clip(text)


def tensor_values(t) -> str:
    """torch's own printing of the values, summarised, without autograd annotations."""
    return _printed(t, detach=True)


def tensor_repr(t) -> str:
    """torch's own repr, summarised, with `requires_grad=True` or `grad_fn=<...>` as the book shows it."""
    return _printed(t, detach=False)


def view_tensor(t) -> TensorView:
    grad_fn = type(t.grad_fn).__name__ if t.grad_fn is not None else None
    return TensorView(
        values=tensor_values(t),
        shape=shape_text(t.shape),
        dtype=dtype_text(t.dtype),
        requires_grad=bool(t.requires_grad),
        grad_fn=grad_fn,
        is_leaf=bool(t.is_leaf),
        device=str(t.device),
        printed=tensor_repr(t),
    )


def safe_repr(obj, seconds: float | None = SHOW_SECONDS) -> str:
    """repr(obj), clipped; a learner's `__repr__` that raises, loops or floods gives a short note."""

    def text():
        value = repr(obj)
        if type(value) is not str:
            raise TypeError("__repr__ returned a non-string")
        return clip(value[: MAX_CHARS * 4])

    def failed(exc):
        if isinstance(exc, guard.Timeout):
            return f"<{guard.type_name(obj)} object; its repr did not finish within {seconds:g} s>"
        return f"<{guard.type_name(obj)} object; repr failed: {guard.type_name(exc)}: {guard.exc_text(exc, 0.5)}>"

    return clip(guard.read(text, seconds=seconds, on_error=failed))


def _is_tutor_data(obj) -> bool:
    """A value of one of the tutor's own types (a Graph, a Plot; not a learner's class): its renderer,
    registered when its feature loads, draws it."""
    cls = type(obj)
    module = guard.attempt(lambda: type.__dict__["__module__"].__get__(cls), default="")
    return type(module) is str and module.split(".")[0] == "tutor"


def _has_rich_protocol(obj) -> bool:
    return bool(guard.attempt(lambda: hasattr(obj, "__rich__") or hasattr(obj, "__rich_console__"),
                              default=False))


def _rich_text(obj) -> str:
    from tutor.render import plain_text

    return clip(plain_text([obj]))


def value_view(obj):
    """What the fronts show for a value, as data computed now (under the guard and its time limit):
    a TensorView for a tensor, else plain text. Rendering never touches the learner's object again."""
    if is_tensor(obj):
        torch = torchload.loaded()
        from tutor.gradwatch import plain

        def view():
            with plain(torch):
                return view_tensor(obj)

        result = guard.read(view, seconds=SHOW_SECONDS, on_error=lambda exc: None)
        return result if result is not None else safe_repr(obj)
    if _is_tutor_data(obj):
        return obj  # the tutor's own data (a Graph from graph(y)): its renderer draws it
    if _has_rich_protocol(obj):
        return guard.read(_rich_text, obj, seconds=SHOW_SECONDS, on_error=lambda exc: safe_repr(obj))
    return safe_repr(obj)


def value_text(obj) -> str:
    """The plain-text display of a value."""
    view = value_view(obj)
    if type(view) is TensorView:
        return view.text()
    return view if type(view) is str else safe_repr(obj)


def a_type(obj) -> str:
    """'an int', 'a float', 'a NoneType': the object's type with its article, for messages."""
    name = guard.type_name(obj)
    return ("an " if name[:1].lower() in "aeiou" else "a ") + name
