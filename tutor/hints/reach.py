"""Seeing through function boundaries: the learner's own functions, their decorators and bodies, and
the frames an error went through.

A mistake often sits in a helper defined in an earlier input (`def sgd(...)`, `@torch.no_grad()
def evaluate(...)`), or in a loop, while the input that shows it only calls it. These helpers let a
rule look at what a call runs without running anything:

- `Callee`: a learner function called in some code, with its AST, source, decorators, the input
  that defined it and how its parameters map to the caller's arguments.
- `callees(ctx, node)`: every learner function `node` calls, and the ones those call (bounded).
- `expanded(ctx, node)`: `node`'s AST nodes plus the bodies of every function it calls.
- `error_frames(ctx)`: the learner frames of the error, innermost last, with their locals.

Nothing here runs learner code; locals are read from the traceback the error left behind.
"""

from __future__ import annotations

import ast
import types
from dataclasses import dataclass, field
from typing import Any, Iterator

from tutor.hints.context import Context, call_name, dotted, is_true

GRAD_OFF = {"no_grad": "no_grad", "inference_mode": "inference_mode", "set_grad_enabled": "no_grad"}
MAX_DEPTH = 3  # how deep calls are followed (f calls g calls h)
MAX_CALLEES = 12


@dataclass
class Callee:
    """A learner-defined function as seen from one call of it."""

    name: str
    func: Any  # the function object (or a bound method's function)
    node: ast.FunctionDef | ast.Lambda
    source: str  # the source text the node's positions refer to
    call: ast.Call | None  # the call that reaches it (None for a frame's function)
    index: int | None  # the input number that defined it
    params: dict[str, ast.expr] = field(default_factory=dict)  # parameter name -> the caller's argument
    depth: int = 0
    label: str = ""  # how the front names the input that defined it ("In [3]"); "" when inputs are unnumbered

    @property
    def body(self) -> list[ast.stmt]:
        return self.node.body if isinstance(self.node, ast.FunctionDef) else [ast.Return(self.node.body)]

    def grad_off(self) -> str | None:
        """'no_grad' or 'inference_mode' when a decorator switches recording off for the whole body."""
        if not isinstance(self.node, ast.FunctionDef):
            return None
        for dec in self.node.decorator_list:
            mode = grad_off_mode(dec)
            if mode:
                return mode
        return None

    def decorator_text(self) -> str:
        for dec in getattr(self.node, "decorator_list", []):
            if grad_off_mode(dec):
                return "@" + (ast.get_source_segment(self.source, dec) or ast.unparse(dec))
        return ""

    def src(self, node: ast.AST) -> str:
        text = None
        try:
            text = ast.get_source_segment(self.source, node)
        except Exception:  # noqa: BLE001
            text = None
        if not text or "\n" in text:
            text = ast.unparse(node)
        return text

    def where(self) -> str:
        return f" (defined in {self.label})" if self.label else ""


def grad_off_mode(node: ast.AST) -> str | None:
    """'no_grad' / 'inference_mode' for `torch.no_grad()`, `torch.no_grad`, `torch.set_grad_enabled(False)`."""
    call = node if isinstance(node, ast.Call) else None
    name = dotted(call.func if call else node) or ""
    last = name.rsplit(".", 1)[-1]
    if last not in GRAD_OFF:
        return None
    if last == "set_grad_enabled":
        if call is None or not call.args or not (isinstance(call.args[0], ast.Constant) and call.args[0].value is False):
            return None
    if last == "inference_mode" and call is not None and call.args and isinstance(call.args[0], ast.Constant) \
            and call.args[0].value is False:
        return None
    return GRAD_OFF[last]


def input_index(func, ctx: Context | None = None) -> int | None:
    """The input (or notebook cell) that defined `func`; None when the learner did not define it there."""
    code = getattr(func, "__code__", None)
    filename = getattr(code, "co_filename", "") or ""
    if ctx is not None:
        return ctx.input_of_file(filename)
    from tutor.hints import input_of_file

    return input_of_file(filename)


def _function_of(ctx: Context, call: ast.Call):
    """The learner function a call reaches (a plain function, a bound method, or a class's __call__)."""
    f = call.func
    obj = None
    if isinstance(f, ast.Name):
        obj = ctx.ns.get(f.id)
    elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
        base = ctx.ns.get(f.value.id)
        if base is not None and not isinstance(base, types.ModuleType) and not ctx.is_tensor(base):
            try:
                obj = getattr(type(base), f.attr, None)
            except Exception:  # noqa: BLE001
                obj = None
            if isinstance(obj, (staticmethod, classmethod)):
                obj = obj.__func__
    if isinstance(obj, types.MethodType):
        obj = obj.__func__
    if obj is not None and not isinstance(obj, (types.FunctionType, types.ModuleType, type)) and not ctx.is_tensor(obj):
        call_attr = getattr(type(obj), "__call__", None)  # an instance of the learner's class, called
        if isinstance(call_attr, types.FunctionType):
            obj = call_attr
    wrapped = getattr(obj, "__wrapped__", None)  # functools.wraps (torch.no_grad() as a decorator sets it)
    if isinstance(obj, types.FunctionType) and input_index(obj, ctx) is None and isinstance(wrapped, types.FunctionType):
        obj = wrapped
    if isinstance(obj, types.FunctionType) and input_index(obj, ctx) is not None:
        return obj
    return None


def callee_of(ctx: Context, call: ast.Call, depth: int = 0) -> Callee | None:
    func = _function_of(ctx, call)
    if func is None:
        return None
    found = ctx.function_def(func)
    if found is None:
        return None
    node, source = found
    params: dict[str, ast.expr] = {}
    args = node.args
    names = [a.arg for a in (*args.posonlyargs, *args.args)]
    if names and names[0] in ("self", "cls") and (isinstance(call.func, ast.Attribute) or func.__name__ == "__call__"):
        names = names[1:]
    for name, value in zip(names, call.args):
        params[name] = value
    for kw in call.keywords:
        if kw.arg:
            params[kw.arg] = kw.value
    index = input_index(func, ctx)
    label = ctx.input_name(index) if index is not None and index != ctx.outcome.index else ""
    return Callee(func.__name__, func, node, source, call, index, params, depth, label)


def callees(ctx: Context, node: ast.AST | None, depth: int = MAX_DEPTH) -> list[Callee]:
    """Learner functions called in `node`, then the ones their bodies call (breadth first, bounded)."""
    if node is None:
        return []
    found: list[Callee] = []
    seen: set[int] = set()
    queue: list[tuple[ast.AST, int]] = [(node, 0)]
    while queue and len(found) < MAX_CALLEES:
        current, level = queue.pop(0)
        for sub in ast.walk(current):
            if not isinstance(sub, ast.Call):
                continue
            callee = callee_of(ctx, sub, level)
            if callee is None or id(callee.node) in seen:
                continue
            seen.add(id(callee.node))
            found.append(callee)
            if level + 1 < depth:
                for stmt in callee.body:
                    queue.append((stmt, level + 1))
    return found


def expanded(ctx: Context, node: ast.AST | None) -> Iterator[ast.AST]:
    """Every node of `node`, then every node of the bodies of the learner functions it calls."""
    if node is None:
        return
    yield from ast.walk(node)
    for callee in callees(ctx, node):
        for stmt in callee.body:
            yield from ast.walk(stmt)


def calls_learner_code(ctx: Context, node: ast.AST | None) -> bool:
    return bool(node is not None and any(isinstance(s, ast.Call) and _function_of(ctx, s) is not None
                                         for s in ast.walk(node)))


def grad_off_around(body: list[ast.stmt], target: ast.AST) -> str | None:
    """'no_grad'/'inference_mode' when `target` (a node in `body`) sits inside such a with block."""
    for stmt in body:
        for sub in ast.walk(stmt):
            if isinstance(sub, (ast.With, ast.AsyncWith)):
                mode = next((m for m in (grad_off_mode(i.context_expr) for i in sub.items) if m), None)
                if mode and any(n is target for s in sub.body for n in ast.walk(s)):
                    return mode
    return None


# -- error frames ---------------------------------------------------------------------------------


@dataclass
class Frame:
    name: str  # the function's name ('<module>' for the input itself)
    lineno: int
    line: str
    locals: dict
    func: Any  # the learner function running in this frame, when it can be found


def error_frames(ctx: Context) -> list[Frame]:
    """The learner's frames of the current error, outermost first (locals read from the traceback)."""
    frames: list[Frame] = []
    codes = {}
    for value in ctx.ns.values():
        f = value.__func__ if isinstance(value, types.MethodType) else value
        if isinstance(f, types.FunctionType):
            codes[f.__code__] = f
            inner = getattr(f, "__wrapped__", None)
            if isinstance(inner, types.FunctionType):
                codes[inner.__code__] = inner
        for f in _methods(value):  # a class's methods (model.step() fails inside step)
            codes.setdefault(f.__code__, f)
    import linecache

    for frame, lineno in ctx.learner_frames:
        code = frame.f_code
        line = linecache.getline(code.co_filename, lineno).strip()
        try:
            local = dict(frame.f_locals) if code.co_name != "<module>" else {}
        except Exception:  # noqa: BLE001
            local = {}
        frames.append(Frame(code.co_name, lineno, line, local, codes.get(code)))
    return frames


def _methods(value) -> list:
    """The plain functions defined in a learner class (`value` itself, or the class of an instance), read
    from the class's own __dict__ without running any of its code; [] for anything else."""
    try:
        cls = value if type(value) is type else type(value)
        if type(cls) is not type or cls.__module__ in ("builtins",) or cls.__module__.startswith("torch"):
            return []
        return [f for f in type.__dict__["__dict__"].__get__(cls).values() if isinstance(f, types.FunctionType)]
    except Exception:  # noqa: BLE001 - a learner object is only looked at, never trusted
        return []


def callee_for_frame(ctx: Context, frame: Frame) -> Callee | None:
    if frame.func is None:
        return None
    found = ctx.function_def(frame.func)
    if found is None:
        return None
    node, source = found
    index = input_index(frame.func, ctx)
    label = ctx.input_name(index) if index is not None and index != ctx.outcome.index else ""
    return Callee(frame.func.__name__, frame.func, node, source, None, index, label=label)


def attribute_in_frames(ctx: Context, node: ast.AST, frames: list[Frame] | None = None):
    """The value of `name` or `name.attr.attr` as the innermost frame saw it: names from the frame's locals,
    attributes from the objects' own __dict__ only (no property or __getattr__ of learner code runs).
    None when it cannot be read that way."""
    if isinstance(node, ast.Name):
        return value_in_frames(ctx, node.id, frames)
    if isinstance(node, ast.Attribute):
        base = attribute_in_frames(ctx, node.value, frames)
        if base is None:
            return None
        try:
            own = object.__getattribute__(base, "__dict__")
        except Exception:  # noqa: BLE001 - no __dict__ (a tensor's .grad is read by the caller)
            return None
        return own.get(node.attr) if isinstance(own, dict) else None
    return None


def value_in_frames(ctx: Context, name: str, frames: list[Frame] | None = None):
    """The value `name` had in the innermost frame that knows it (then the namespace)."""
    for frame in reversed(frames if frames is not None else error_frames(ctx)):
        if name in frame.locals:
            return frame.locals[name]
    return ctx.ns.get(name)


def is_grad_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and ((dotted(node.func) or "").endswith("autograd.grad")
                                           or (isinstance(node.func, ast.Name) and node.func.id == "grad"))


def creates_graph(call: ast.Call) -> bool:
    kw = next((k.value for k in call.keywords if k.arg == "create_graph"), None)
    if kw is None:
        return False
    return not (isinstance(kw, ast.Constant) and not kw.value)


def returned(callee: Callee) -> list[ast.expr]:
    return [n.value for s in callee.body for n in ast.walk(s) if isinstance(n, ast.Return) and n.value is not None]


def resets_grad(node: ast.AST) -> set[str]:
    """Text of the tensors whose .grad `node` resets: `x.grad = None`, `x.grad.zero_()`, `x.grad.data.zero_()`,
    `x.grad.fill_(0)`, `x.grad[:] = 0`, `torch.nn.init.zeros_(x.grad)`, `opt.zero_grad()` ('*')."""
    from tutor.hints.context import source_of

    names = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and call_name(sub) == "zero_grad":
            names.add("*")
        if isinstance(sub, ast.Call) and call_name(sub) in ("zero_", "fill_") and isinstance(sub.func, ast.Attribute):
            base = sub.func.value
            if isinstance(base, ast.Attribute) and base.attr == "data":
                base = base.value
            if isinstance(base, ast.Attribute) and base.attr == "grad":
                names.add(source_of(base.value))
        if isinstance(sub, ast.Call) and call_name(sub) == "zeros_" and sub.args and isinstance(
                sub.args[0], ast.Attribute) and sub.args[0].attr == "grad":
            names.add(source_of(sub.args[0].value))
        if isinstance(sub, (ast.Assign, ast.AugAssign)):
            targets = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
            for t in targets:
                if isinstance(t, ast.Subscript):  # x.grad[:] = 0
                    t = t.value
                if isinstance(t, ast.Attribute) and t.attr == "grad":
                    names.add(source_of(t.value))
    return names


__all__ = ["Callee", "Frame", "callee_of", "callees", "expanded", "calls_learner_code", "error_frames",
           "grad_off_mode", "grad_off_around", "value_in_frames", "is_grad_call", "creates_graph", "returned",
           "resets_grad", "is_true", "callee_for_frame"]
