"""Error context: under an autograd error, what autograd knew about each tensor on the failing line.

`error_tensors(ctx)` gives one TensorState per tensor named on the line that raised (its value read
from the frame the error came from, else the namespace): shape, dtype, requires_grad, leaf or grad_fn,
a leaf's .grad, the version counter, and which operand the error is about. Data only; render.py
draws it (one compact line each, no tensor reprs).
"""

from __future__ import annotations

import ast
import re

from tutor.display import shape_text
from tutor.hints import reach
from tutor.hints.context import Context, names_in
from tutor.outcome import TensorState

MAX_TENSORS = 6
_AUTOGRAD_WORDS = ("grad", "backward", "graph", "inplace", "in-place", "version", "leaf", "numpy()")


def is_autograd_error(ctx: Context) -> bool:
    error = ctx.error
    if error is None or error.type not in ("RuntimeError", "TypeError", "AttributeError", "ValueError"):
        return False
    message = (error.message or "").lower()
    line = error.line or ""
    return any(w in message for w in _AUTOGRAD_WORDS) or "backward(" in line or "autograd." in line


def error_tensors(ctx: Context) -> list[TensorState]:
    """The failing line's tensors; [] when this is no autograd error (never raises)."""
    try:
        return _error_tensors(ctx)
    except Exception:  # noqa: BLE001 - context is a courtesy: it must never cost the hints
        from tutor import hints

        if hints.STRICT:
            raise
        return []


def _error_tensors(ctx: Context) -> list[TensorState]:
    if not is_autograd_error(ctx) or ctx.torch is None:
        return []
    tree = ctx.error_tree
    if tree is None:
        return []
    frames = reach.error_frames(ctx)
    names = list(dict.fromkeys(n.id for n in ast.walk(tree) if isinstance(n, ast.Name)))
    states: list[TensorState] = []
    seen_ids: set[int] = set()
    for name in names:
        value = reach.value_in_frames(ctx, name, frames)
        if not ctx.is_tensor(value) or id(value) in seen_ids:
            continue
        seen_ids.add(id(value))
        states.append(_state(ctx, name, value))
        if len(states) >= MAX_TENSORS:
            break
    _mark(ctx, tree, states)
    return states


def _state(ctx: Context, name: str, t) -> TensorState:
    leaf = t.is_leaf
    grad = None
    if leaf:
        g = t.grad
        grad = "None" if g is None else shape_text(g.shape)
    try:
        version = int(t._version)
    except Exception:  # noqa: BLE001 - inference tensors keep no version counter
        version = -1
    return TensorState(name, shape_text(t.shape), str(t.dtype).replace("torch.", ""), bool(t.requires_grad),
                       None if leaf else type(t.grad_fn).__name__ if t.grad_fn is not None else None,
                       grad, version)


def _mark(ctx: Context, tree: ast.AST, states: list[TensorState]) -> None:
    """Mark the operand the error is about."""
    if not states:
        return
    by_name = {s.name: s for s in states}
    message = ctx.error.message or ""
    m = re.search(r"\[torch\.\w+ \[([\d, ]*)\]\].*is at version (\d+)", message)
    if m:  # the saved tensor that was changed in place: its shape and version
        shape = "(" + ", ".join(p.strip() for p in m.group(1).split(",") if p.strip()) + \
                ("," if m.group(1).count(",") == 0 and m.group(1).strip() else "") + ")"
        for s in states:
            if s.version == int(m.group(2)) and s.shape == shape:
                s.failing = True
                return
    found = ctx.failing_backward()
    if found is not None and found[1] is not None:
        roots = [n for n in names_in(found[1]) if n in by_name]
        if "does not require grad" in message:
            roots = [n for n in roots if not by_name[n].requires_grad] or roots
        if roots:
            by_name[roots[0]].failing = True
            return
    if "leaf variable" in message.lower() or "numpy()" in message:
        for s in states:
            if s.requires_grad and s.grad_fn is None:
                s.failing = True
                return
    for s in states:
        if s.requires_grad:
            s.failing = True
            return
