"""One small rule per mistake: look at the Context, return a Hint in the learner's own names (or None).

Error rules match the exception type and the stable core of PyTorch's message, then use the failing
line, the namespace and the history to name the cause. Silent rules look at the input's AST, the
values it left behind and the gradient changes. A rule never runs learner code (see Context.value).
"""

from __future__ import annotations

import ast
import copy
import math
import re
from dataclasses import dataclass
from typing import Callable

from tutor.display import shape_text
from tutor.hints.context import (
    FACTORIES,
    Context,
    Stmt,
    Unknown,
    assigned_names,
    call_name,
    dotted,
    inplace_target,
    is_true,
    keyword,
    names_in,
    paren,
    source_of,
)
from tutor.outcome import Hint

RULES: list[tuple[int, Callable[[Context], object]]] = []


def rule(priority: int = 50):
    """Register a rule; lower priority numbers are shown first."""

    def register(func):
        RULES.append((priority, func))
        return func

    return register


# -- small helpers ---------------------------------------------------------------------------------


def shape_of(t) -> str:
    return shape_text(t.shape)


def dtype_of(t) -> str:
    return str(t.dtype).replace("torch.", "")


def brief(value) -> str:
    """A tensor's values in a few characters: '6', '[0, 4, 8, 12]' or 'a (100,) tensor'."""
    try:
        import torch

        if isinstance(value, torch.Tensor):
            if value.numel() == 1:
                return f"{value.detach().reshape(()).item():.4g}"
            if value.numel() <= 5 and value.dim() == 1:
                return "[" + ", ".join(f"{v:.4g}" for v in value.detach().tolist()) + "]"
            return f"a {shape_of(value)} tensor"
    except Exception:  # noqa: BLE001
        pass
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def grad_fn_name(t) -> str:
    return type(t.grad_fn).__name__ if getattr(t, "grad_fn", None) is not None else "None"


def unparse(node: ast.AST) -> str:
    return ast.unparse(node)


def with_keyword(call: ast.Call, name: str, value: ast.expr) -> ast.Call:
    new = copy.deepcopy(call)
    new.keywords = [k for k in new.keywords if k.arg != name] + [ast.keyword(arg=name, value=value)]
    return new


def floatified(call: ast.Call) -> ast.Call | None:
    """The same factory call giving floats: torch.arange(4) -> torch.arange(4.0)."""
    new = copy.deepcopy(call)
    fname = call_name(call)
    targets = new.args[:1] if fname in ("tensor", "as_tensor") else new.args if fname in (
        "arange", "linspace") else new.args[1:2] if fname == "full" else []
    changed = False
    for arg in targets:
        for sub in ast.walk(arg):
            if isinstance(sub, ast.Constant) and type(sub.value) is int:
                sub.value = float(sub.value)
                changed = True
    if not changed:
        new = with_keyword(new, "dtype", ast.parse("torch.float32", mode="eval").body)
    return new


def is_factory(call: ast.AST) -> bool:
    if not isinstance(call, ast.Call):
        return False
    name = dotted(call.func) or ""
    return name.startswith(("torch.", "th.")) and call_name(call) in FACTORIES


def first_line(ctx: Context, hint_id: str, explanation: str, fix: str = "") -> Hint:
    return ctx.hint(hint_id, explanation, fix)


def stmt_value_src(stmt: Stmt, node: ast.AST | None) -> str:
    return source_of(node, stmt.source) if node is not None else "?"


def describe_assignment(ctx: Context, name: str) -> str | None:
    a = ctx.assignment(name)
    if a is None or a.value is None:
        return None
    return f"{name} = {stmt_value_src(a.stmt, a.value)}"


# -- the definition chain of a result --------------------------------------------------------------


@dataclass
class Piece:
    node: ast.AST
    source: str
    stmt: Stmt | None  # the assignment it came from (None: the target itself or a function body)
    name: str | None = None  # the name this piece defines

    def src(self, node: ast.AST | None = None) -> str:
        return source_of(node or self.node, self.source)


def chain(ctx: Context, target: ast.AST, source: str, limit: int = 40) -> list[Piece]:
    """The target expression plus the right-hand sides that defined the names it uses (recursively)."""
    pieces = [Piece(target, source, None)]
    seen: set[str] = set()
    i = 0
    while i < len(pieces) and len(pieces) < limit:
        piece = pieces[i]
        i += 1
        for call, fdef, fsrc in ctx.called_functions(piece.node):
            key = f"def {fdef.name}"
            if key in seen:
                continue
            seen.add(key)
            for sub in ast.walk(fdef):
                if isinstance(sub, (ast.Return, ast.Assign, ast.AugAssign)) and sub.value is not None:
                    pieces.append(Piece(sub.value, fsrc, None, key))
        for name in names_in(piece.node):
            if name in seen or piece.name and piece.name.startswith("def "):
                continue
            seen.add(name)
            a = ctx.assignment(name)
            t = ctx.tensor(name)
            if t is not None and t.is_leaf and a is not None and is_factory(a.value) and not torch_tensor_call(
                    a.value):
                continue  # a tensor the learner created: the chain starts here
            if a is not None and a.value is not None:
                pieces.append(Piece(a.value, a.stmt.source, a.stmt, name))
    return pieces


def leaves_in(ctx: Context, pieces: list[Piece]) -> list[str]:
    """Names of the tensors the learner created (leaves, not results) that the pieces use."""
    computed = {p.name for p in pieces if p.name}
    found = []
    for p in pieces:
        for n in names_in(p.node):
            t = ctx.tensor(n)
            if t is None or not t.is_leaf or n in found or n in computed:
                continue
            found.append(n)
    return found


def find_calls(node: ast.AST, pred) -> list[ast.Call]:
    return [s for s in ast.walk(node) if isinstance(s, ast.Call) and pred(s)]


def is_math_call(ctx: Context, call: ast.Call) -> bool:
    import math as _math

    f = call.func
    return isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and ctx.ns.get(
        f.value.id, _math if f.value.id == "math" else None) is _math and f.attr not in ("isclose",)


def is_sympy_callable(ctx: Context, call: ast.Call) -> bool:
    obj = ctx.try_value(call.func) if isinstance(call.func, (ast.Name, ast.Attribute)) else None
    if obj is None and isinstance(call.func, (ast.Name, ast.Attribute)):
        root = dotted(call.func) or ""
        head = root.split(".")[0]
        mod = ctx.ns.get(head)
        return getattr(mod, "__name__", "").startswith("sympy") and "." in root
    return (getattr(obj, "__module__", "") or "").startswith("sympy") and call_name(call) not in (
        "lambdify", "Symbol", "symbols", "diff")


def is_lambdified(ctx: Context, call: ast.Call) -> bool:
    if isinstance(call.func, ast.Name):
        func = ctx.ns.get(call.func.id)
        return getattr(func, "__name__", "") == "_lambdifygenerated"
    return False


_TO_PYTHON = ("item", "tolist")


def to_python_call(call: ast.Call) -> bool:
    if isinstance(call.func, ast.Attribute) and call.func.attr in _TO_PYTHON:
        return True
    return isinstance(call.func, ast.Name) and call.func.id in ("float", "int") and len(call.args) == 1


def torch_tensor_call(call: ast.Call) -> bool:
    """torch.tensor(...) of something computed (not of literal numbers)."""
    name = dotted(call.func) or ""
    return name in ("torch.tensor", "th.tensor") and bool(call.args) and any(
        isinstance(n, (ast.Name, ast.Call, ast.Attribute)) for n in ast.walk(call.args[0]))


_NON_DIFF_METHODS = {"argmax", "argmin", "long", "int", "bool", "sign", "argsort", "nonzero", "eq", "gt",
                     "lt", "ge", "le", "ne", "floor_divide", "count_nonzero", "isnan", "isfinite"}


def non_differentiable(node: ast.AST) -> ast.AST | None:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Compare):
            return sub
        if isinstance(sub, ast.Call) and call_name(sub) in _NON_DIFF_METHODS:
            return sub
    return None


# -- element 0 ... does not have a grad_fn: several causes ------------------------------------------


def _requires_grad_set_order(ctx: Context, name: str) -> int | None:
    """Position of the latest statement that switched requires_grad on for `name`."""
    for stmt in reversed(ctx.stmts):
        for sub in ast.walk(stmt.node):
            if (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute)
                    and sub.func.attr == "requires_grad_" and isinstance(sub.func.value, ast.Name)
                    and sub.func.value.id == name and not (sub.args and isinstance(sub.args[0], ast.Constant)
                                                           and sub.args[0].value is False)):
                return stmt.order
            if isinstance(sub, ast.Assign) and any(
                    isinstance(t, ast.Attribute) and t.attr == "requires_grad" and isinstance(t.value, ast.Name)
                    and t.value.id == name for t in sub.targets) and is_true(sub.value):
                return stmt.order
    return None


@rule(10)
def no_grad_fn(ctx: Context):
    if not ctx.error_is("RuntimeError", "does not require grad and does not have a grad_fn"):
        return None
    found = ctx.failing_backward()
    if found is None:
        return ctx.hint("backward-no-grad-fn", "The result you differentiated has no graph behind it "
                        "(grad_fn is None).", "x = torch.tensor([1.0, 2.0], requires_grad=True)  # then compute again")
    call, target, kind, t = found
    src = ctx.error_source if ctx.error_tree is not None else ctx.source
    pieces = chain(ctx, target, src) if target is not None else []
    target_assign = ctx.assignment(target.id) if isinstance(target, ast.Name) else None
    verb = f"{paren(t, target)}.backward()" if kind == "backward" else f"torch.autograd.grad({t}, ...)"

    # 1. a gradient differentiated again without create_graph
    grad_call = None
    if target_assign is not None and isinstance(target_assign.value, (ast.Call, ast.Subscript)):
        inner = target_assign.value.value if isinstance(target_assign.value, ast.Subscript) else target_assign.value
        if isinstance(inner, ast.Call) and (dotted(inner.func) or "").endswith("autograd.grad"):
            grad_call = inner
    if grad_call is not None and not is_true(keyword(grad_call, "create_graph")):
        stmt = target_assign.stmt
        lhs = source_of(stmt.node.targets[0], stmt.source) if isinstance(stmt.node, ast.Assign) else t
        rhs = unparse(with_keyword(grad_call, "create_graph", ast.Constant(True)))
        suffix = "[0]" if isinstance(target_assign.value, ast.Subscript) else ""
        return ctx.hint(
            "grad-of-grad-no-create-graph",
            f"{t} came from {source_of(grad_call, stmt.source)} without create_graph=True, so {t} is a plain "
            f"tensor with no graph; differentiating it again finds nothing to follow.",
            f"{lhs} = {rhs}{suffix}")
    if isinstance(target, ast.Attribute) and target.attr == "grad":
        owner = source_of(target.value, src)
        return ctx.hint(
            "grad-of-grad-no-create-graph",
            f"{t} was filled in by a backward pass without create_graph=True, so it has no graph of its "
            f"own to differentiate.",
            f"(d{owner},) = torch.autograd.grad({_last_output(ctx)}, {owner}, create_graph=True); "
            f"torch.autograd.grad(d{owner}, {owner})")

    # 2. built under inference_mode / no_grad
    tval = ctx.try_value(target) if target is not None else None
    for p in pieces:
        contexts = p.stmt.contexts if p.stmt is not None else ()
        is_inf = ctx.is_tensor(tval) and tval.is_inference() and p is pieces[0]
        if "inference_mode" in contexts or is_inf:
            if is_inf and target_assign is not None and target_assign.value is not None:
                p = Piece(target_assign.value, target_assign.stmt.source, target_assign.stmt, t)
            where = f"{p.name} = {p.src()}" if p.name else t
            return ctx.hint(
                "inference-mode-backward",
                f"{where} ran inside `with torch.inference_mode():`, where nothing is recorded, so "
                f"{t} has no graph to differentiate.",
                f"{where}  # outside the with block, then {verb}" if p.name else
                f"compute {t} outside `with torch.inference_mode():`")
        if "no_grad" in contexts:
            return ctx.hint(
                "no-grad-then-backward",
                f"{p.name} = {p.src()} ran inside `with torch.no_grad():`, where nothing is recorded, so "
                f"{t} has no grad_fn.",
                f"{p.name} = {p.src()}  # outside the no_grad block, then {verb}")
    if ctx.torch is not None and not ctx.torch.is_grad_enabled():
        return ctx.hint(
            "no-grad-then-backward",
            f"grad mode is switched off (torch.set_grad_enabled(False)), so {t} was computed without a graph.",
            f"torch.set_grad_enabled(True)  # then compute {t} again")

    leaves = leaves_in(ctx, pieces)
    any_rg = any(ctx.tensor(n).requires_grad for n in leaves)

    # 3. the chain was cut on the way
    if any_rg:
        for p in pieces:
            for c in find_calls(p.node, lambda c: is_math_call(ctx, c)):
                arg = p.src(c.args[0]) if c.args else "x"
                return ctx.hint(
                    "math-module-on-tensor",
                    f"{p.src(c)} turned {arg} into a Python float, so the graph stops there and {t} "
                    f"has no grad_fn.",
                    f"torch.{c.func.attr}({arg})  # instead of {p.src(c)}")
            for c in find_calls(p.node, lambda c: torch_tensor_call(c) and not ctx.is_tensor(None)):
                arg = c.args[0]
                if isinstance(arg, ast.Name) and ctx.tensor(arg.id) is not None:
                    return ctx.hint(
                        "tensor-copy-construct",
                        f"{p.src(c)} copies {arg.id}'s numbers into a new tensor outside the graph, so {t} "
                        f"has no grad_fn.",
                        f"{arg.id}.clone()  # a copy that stays in the graph, instead of {p.src(c)}")
            for c in find_calls(p.node, lambda c: to_python_call(c) or torch_tensor_call(c)):
                where = f" (in {p.name[4:]}())" if p.name and p.name.startswith("def ") else ""
                return ctx.hint(
                    "item-breaks-graph",
                    f"{p.src(c)}{where} leaves autograd: it gives plain numbers, so {t} has no grad_fn.",
                    "keep tensor operations all the way, e.g. return t ** 2, not "
                    "torch.tensor(t.item() ** 2); build vectors with torch.stack")
            for c in find_calls(p.node, lambda c: call_name(c) == "detach"):
                return ctx.hint(
                    "detach-semantics",
                    f"{p.src(c)} is cut from the graph on purpose, so {t}, computed from it, has no grad_fn.",
                    f"use {p.src(c.func.value)} itself (not .detach()) where you want gradients to flow")
            bad = non_differentiable(p.node)
            if bad is not None:
                return ctx.hint(
                    "backward-no-grad-fn",
                    f"{p.src(bad)} has no gradient (indices, comparisons and integer results are not "
                    f"differentiable), so {t} has no grad_fn.",
                    "differentiate a smooth function of your tensor (e.g. torch.softmax or a sum), "
                    "not an index or a comparison")

    # 4. requires_grad switched on after the result existed
    if target_assign is not None or isinstance(target, ast.Name):
        t_order = target_assign.stmt.order if target_assign is not None else -1
        for n in leaves:
            leaf = ctx.tensor(n)
            if not leaf.requires_grad:
                continue
            set_at = _requires_grad_set_order(ctx, n)
            n_assign = ctx.assignment(n)
            later = (set_at is not None and set_at > t_order) or (
                n_assign is not None and n_assign.stmt.order > t_order)
            if later and target_assign is not None:
                rhs = stmt_value_src(target_assign.stmt, target_assign.value)
                return ctx.hint(
                    "requires-grad-too-late",
                    f"{t} = {rhs} was computed before {n} required grad; switching it on later does not "
                    f"attach {t}, which still has grad_fn None.",
                    f"{t} = {rhs}  # compute it again now, then {t}.backward()")

    # 5. requires_grad never set
    plain = [n for n in leaves if not ctx.tensor(n).requires_grad]
    if leaves and not any_rg:
        n = plain[0]
        computed = [p.name for p in pieces[1:] if p.name and not p.name.startswith("def ")]
        t = computed[0] if computed and not isinstance(target, ast.Name) else t
        a = ctx.assignment(n)
        fix = f"{n}.requires_grad_(True)  # then compute {t} again"
        made = ""
        if a is not None and isinstance(a.value, ast.Call) and is_factory(a.value):
            call = a.value
            if not ctx.tensor(n).is_floating_point():
                call = floatified(call)
            fix = f"{n} = {unparse(with_keyword(call, 'requires_grad', ast.Constant(True)))}  # then compute {t} again"
            made = f" ({n} = {stmt_value_src(a.stmt, a.value)})"
        return ctx.hint(
            "backward-no-grad-fn",
            f"{n} was created without requires_grad=True{made}, so nothing computed from it was recorded "
            f"and {t} has no grad_fn.", fix)

    # 6. unsure: the likely causes, in order
    return ctx.hint(
        "backward-no-grad-fn",
        f"{t} has no grad_fn, so there is no graph to go back through. Likely causes, in order: its inputs "
        f"never had requires_grad=True; requires_grad was set after {t} was computed; {t} was computed "
        f"under torch.no_grad(); .item(), float() or torch.tensor() cut the chain.",
        f"print({t}.grad_fn, {t}.requires_grad)  # then find where the chain stops")


# -- errors with a single cause ---------------------------------------------------------------------


@rule(20)
def double_backward(ctx: Context):
    if not ctx.error_is("RuntimeError", "backward through the graph a second time"):
        return None
    found = ctx.failing_backward()
    t = found[3] if found else "y"
    target = found[1] if found else None
    a = ctx.assignment(t) if found and isinstance(target, ast.Name) else None
    in_loop = ctx.tree is not None and any(isinstance(n, (ast.For, ast.While)) for n in ast.walk(ctx.tree))
    if in_loop and a is not None and a.stmt.current and "loop" in a.stmt.contexts:
        # the loop rebuilds t, so a part built once outside the loop is shared
        for p in chain(ctx, a.value, a.stmt.source)[1:]:
            if p.stmt is not None and "loop" not in p.stmt.contexts and ctx.is_tensor(
                    ctx.ns.get(p.name)) and ctx.ns[p.name].grad_fn is not None:
                return ctx.hint(
                    "double-backward",
                    f"{p.name} = {p.src()} was computed once, before the loop; the first "
                    f"{t}.backward() freed what its graph saved, so the next step cannot go through it.",
                    f"{p.name} = {p.src()}  # move it inside the loop, before {t} = ...")
    root = _root_name(ctx, target) if target is not None else None
    ra = ctx.assignment(root) if root else None
    g = root or t
    rebuild = f"{root} = {stmt_value_src(ra.stmt, ra.value)}; " if ra is not None and ra.value is not None else ""
    return ctx.hint(
        "double-backward",
        f"a backward pass already went through {g}'s graph and freed the values it saved; "
        f"{paren(t, target)}.backward() needs them again.",
        f"{rebuild}{paren(t, target)}.backward()  # build {g} again first (or retain_graph=True the first time)")


def _root_name(ctx: Context, target: ast.AST) -> str | None:
    """The named, computed tensor a target expression starts from: y for y, y.sum(), (y * 2)[0]."""
    node = target
    while True:
        if isinstance(node, ast.Name):
            t = ctx.tensor(node.id)
            return node.id if t is not None and t.grad_fn is not None else None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            node = node.func.value
        elif isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        elif isinstance(node, ast.BinOp):
            names = [n for n in names_in(node) if (t := ctx.tensor(n)) is not None and t.grad_fn is not None]
            return names[0] if names else None
        else:
            return None


@rule(20)
def non_scalar_backward(ctx: Context):
    if not ctx.error_is("RuntimeError", "grad can be implicitly created only for scalar outputs"):
        return None
    found = ctx.failing_backward()
    if found is None:
        return ctx.hint("non-scalar-backward", "The output has several elements.", "out.sum().backward()")
    call, target, kind, t = found
    tv = ctx.try_value(target) if target is not None else None
    what = f"{t} has shape {shape_of(tv)}" if ctx.is_tensor(tv) else f"{t} has several elements"
    why = ""
    a = ctx.assignment(target.id) if isinstance(target, ast.Name) else None
    expr = a.value if a is not None else target
    esrc = a.stmt.source if a is not None else (ctx.error_source if ctx.error_tree else ctx.source)
    if expr is not None:
        terms = _terms(expr)
        vals = [(term, ctx.try_value(term)) for term in terms]
        vecs = [term for term, v in vals if ctx.is_tensor(v) and v.numel() > 1]
        scal = [term for term, v in vals if ctx.is_tensor(v) and v.numel() == 1]
        if vecs and scal and len(terms) > 1:
            why = f", and {source_of(vecs[0], esrc)} made {t} a vector"
        elif a is not None:
            why = f"; {t} = {source_of(expr, esrc)} keeps one value per element"
    tt = paren(t, target)
    if kind == "grad":
        fix = f"torch.autograd.grad({tt}.sum(), ...)  # or grad_outputs=torch.ones_like({t})"
    else:
        fix = f"{tt}.sum().backward()  # or {tt}.backward(torch.ones_like({t}))"
    return ctx.hint("non-scalar-backward", f"{what}: backward() needs a single number{why}.", fix)


def _terms(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        return _terms(node.left) + _terms(node.right)
    return [node]


@rule(20)
def int_requires_grad(ctx: Context):
    if not ctx.error_is("RuntimeError", "only tensors of floating point"):
        return None
    for node in ctx.error_nodes():
        if isinstance(node, ast.Call) and is_factory(node) and is_true(keyword(node, "requires_grad")):
            fixed = unparse(floatified(node))
            return ctx.hint(
                "int-requires-grad",
                f"{ctx.error_src(node)} makes an integer tensor (its numbers are Python ints), and only "
                f"floating point tensors can have gradients.", fixed)
    name = None
    for node in ctx.error_nodes():
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "requires_grad_":
            name = ctx.error_src(node.func.value)
        elif isinstance(node, ast.Attribute) and node.attr == "requires_grad" and isinstance(node.ctx, ast.Store):
            name = ctx.error_src(node.value)
    if name is None:
        return ctx.hint("int-requires-grad", "This tensor has an integer dtype.", "x = x.float()")
    t = ctx.tensor(name)
    dtype = f" ({dtype_of(t)})" if t is not None else ""
    a = ctx.assignment(name)
    if a is not None and isinstance(a.value, ast.Call) and is_factory(a.value):
        made = stmt_value_src(a.stmt, a.value)
        return ctx.hint(
            "int-requires-grad",
            f"{name} = {made} is an integer tensor{dtype} because its arguments are ints; only floating "
            f"point tensors can have gradients.",
            f"{name} = {unparse(floatified(a.value))}; {name}.requires_grad_()")
    return ctx.hint(
        "int-requires-grad",
        f"{name} is an integer tensor{dtype}; only floating point tensors can have gradients.",
        f"{name} = {name}.float().requires_grad_()")


@rule(20)
def grad_zero_none(ctx: Context):
    if not ctx.error_is("AttributeError", "'NoneType' object has no attribute 'zero_'"):
        return None
    for node in ctx.error_nodes():
        if (isinstance(node, ast.Attribute) and node.attr == "zero_" and isinstance(node.value, ast.Attribute)
                and node.value.attr == "grad"):
            x = ctx.error_src(node.value.value)
            t = ctx.try_value(node.value.value)
            why = (f"{x} is not a leaf, so its .grad is never filled in" if ctx.is_tensor(t) and not t.is_leaf
                   else f"no backward pass has reached {x} yet")
            return ctx.hint(
                "grad-zero-none",
                f"{x}.grad is None: {why}, so there is nothing to zero.",
                f"{x}.grad = None  # safe any time; or: if {x}.grad is not None: {x}.grad.zero_()")
    return None


def _grad_attr_in_error(ctx: Context) -> tuple[ast.Attribute, str] | None:
    for node in ctx.error_nodes():
        if isinstance(node, ast.Attribute) and node.attr == "grad" and isinstance(node.ctx, ast.Load):
            return node, ctx.error_src(node.value)
    return None


def _nonleaf_kind(ctx: Context, name: str) -> str:
    """Which id explains why `name` is a non-leaf: construction, manual update or plain access."""
    a = ctx.assignment(name)
    if a is not None and a.value is not None:
        if _construction_factory(a.value) is not None:
            return "nonleaf-by-construction"
        if any(isinstance(s, ast.Attribute) and s.attr == "grad" and isinstance(s.value, ast.Name)
               and s.value.id == name for s in ast.walk(a.value)):
            return "manual-update-nonleaf"
    return "nonleaf-grad-access"


@rule(25)
def none_grad_used(ctx: Context):
    """x.grad used as a tensor while it is None: before backward, on a non-leaf, after w = w - lr*w.grad."""
    if not (ctx.error_is(("TypeError", "AttributeError"), "'NoneType'")):
        return None
    if ctx.error_is("AttributeError", "attribute 'zero_'"):
        return None
    found = _grad_attr_in_error(ctx)
    if found is None:
        return None
    node, x = found
    t = ctx.try_value(node.value)
    if ctx.is_tensor(t) and not t.is_leaf:
        kind = _nonleaf_kind(ctx, x) if isinstance(node.value, ast.Name) else "nonleaf-grad-access"
        return _nonleaf_hint(ctx, kind, x, t)
    if ctx.is_tensor(t) and t.grad is not None:
        return None  # it was None only inside a loop or function: not ours to guess
    if ctx.is_tensor(t) and not t.requires_grad:
        return ctx.hint(
            "grad-none-before-backward",
            f"{x}.grad is None: {x} does not require grad, so no backward pass fills its .grad.",
            f"{x}.requires_grad_(True)  # then compute and call backward() again")
    return _none_before_backward(ctx, x)


def _none_before_backward(ctx: Context, x: str) -> Hint:
    a = ctx.assignment(x)
    after = a.stmt.order if a is not None else -1
    ran = None
    for stmt in ctx.stmts:
        if stmt.order > after and not stmt.current:
            for call, tgt, kind in ctx.backward_calls(stmt.node):
                ran = (stmt, tgt)
    if ran is not None and ran[1] is not None:
        stmt, tgt = ran
        tsrc = source_of(tgt, stmt.source)
        return ctx.hint(
            "grad-none-before-backward",
            f"{x}.grad is still None: the backward pass you ran ({paren(tsrc, tgt)}.backward()) did not "
            f"reach {x}, because {tsrc} does not depend on {x}.",
            f"({x} * 2).sum().backward()  # only an output computed from {x} fills {x}.grad")
    return ctx.hint(
        "grad-none-before-backward",
        f"{x}.grad is None: no backward pass has reached {x} yet, so there is no gradient to use.",
        f"({x} * 2).sum().backward()  # any output computed from {x} fills {x}.grad")


def _nonleaf_hint(ctx: Context, kind: str, x: str, t) -> Hint:
    a = ctx.assignment(x)
    made = f"{x} = {stmt_value_src(a.stmt, a.value)}" if a is not None and a.value is not None else x
    if kind == "nonleaf-by-construction" and a is not None:
        fac = _construction_factory(a.value)
        return ctx.hint(
            kind,
            f"{made}: the operation after {call_name(fac)}(...) makes {x} a computed tensor "
            f"({grad_fn_name(t)}), not a leaf, so {x}.grad is never filled in.",
            f"{x} = {_construction_fix(a.value, a.stmt.source)}")
    if kind == "manual-update-nonleaf" and a is not None:
        return ctx.hint(
            kind,
            f"{made} was recorded by autograd, so {x} now names a computed tensor (grad_fn="
            f"{grad_fn_name(t)}), not your leaf: its .grad stays None.",
            _manual_update_fix(ctx, x, a.value, a.stmt.source))
    leaves = []
    if a is not None and a.value is not None:
        leaves = [n for n in leaves_in(ctx, chain(ctx, a.value, a.stmt.source)) if ctx.tensor(n).requires_grad]
    leaf = leaves[0] if leaves else None
    if t.retains_grad:
        return ctx.hint(
            "nonleaf-grad-access",
            f"{x}.retain_grad() came after the backward pass; it only affects passes that run later.",
            f"{x}.retain_grad()  # before backward(), then run backward again")
    fix = f"{leaf}.grad  # the leaf's gradient; or {x}.retain_grad() before backward()" if leaf else (
        f"{x}.retain_grad()  # before backward(), if you need {x}'s gradient")
    return ctx.hint(
        "nonleaf-grad-access",
        f"{x} is not a leaf: it was computed ({made}, grad_fn={grad_fn_name(t)}), and backward() passes "
        f"through it without keeping its gradient, so {x}.grad is None.", fix)


def _manual_update_fix(ctx: Context, w: str, value: ast.AST, source: str) -> str:
    if isinstance(value, ast.BinOp) and isinstance(value.left, ast.Name) and value.left.id == w and isinstance(
            value.op, (ast.Sub, ast.Add)):
        op = "-=" if isinstance(value.op, ast.Sub) else "+="
        return f"with torch.no_grad(): {w} {op} {source_of(value.right, source)}  # then {w}.grad = None"
    return f"with torch.no_grad(): {w}.copy_({source_of(value, source)})  # then {w}.grad = None"


@rule(20)
def inplace_on_leaf(ctx: Context):
    if not ctx.error_is("RuntimeError", "leaf variable that requires grad is being used in an in-place"):
        return None
    tree = ctx.error_tree or ctx.tree
    stmt = None
    for node in ast.walk(tree) if tree is not None else []:
        if isinstance(node, ast.stmt) and inplace_target(node):
            stmt = node
            break
    if stmt is None:
        return ctx.hint("inplace-on-leaf", "An in-place operation changed a leaf that requires grad.",
                        "with torch.no_grad(): ...  # for a parameter update")
    x, how = inplace_target(stmt)
    s = ctx.error_src(stmt)
    if any(isinstance(n, ast.Attribute) and n.attr == "grad" for n in ast.walk(stmt)):
        return ctx.hint(
            "inplace-on-leaf",
            f"`{s}` is a gradient step on the leaf {x}, and with grad mode on autograd refuses to change "
            f"a leaf it differentiates.",
            f"with torch.no_grad(): {s}")
    if how == "augassign":
        new = f"{x}_new = {x} {_OPS.get(type(stmt.op), '+')} {ctx.error_src(stmt.value)}"
        fix = f"{new}  # a new tensor; or with torch.no_grad(): {s} to change {x} itself"
    else:
        fix = f"with torch.no_grad(): {s}  # or set the values before requires_grad_()"
    return ctx.hint(
        "inplace-on-leaf",
        f"{x} is a leaf that requires grad: `{s}` would overwrite the values autograd differentiates with "
        f"respect to.", fix)


_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}


@rule(20)
def inplace_saved(ctx: Context):
    if not ctx.error_is("RuntimeError", "modified by an inplace operation"):
        return None
    m = re.search(r"output (\d+) of (\w+)", ctx.error.message)
    op = m.group(2) if m else "an operation"
    v = re.search(r"is at version (\d+)", ctx.error.message)
    for stmt in reversed(ctx.stmts):
        found = inplace_target(stmt.node)
        if found is None:
            continue
        name, how = found
        t = ctx.tensor(name)
        if t is None or t._version == 0:
            continue
        s = stmt.src()
        a = ctx.assignment(name, before=stmt.order)
        if a is not None and isinstance(a.value, ast.Call) and call_name(a.value) == "detach":
            base = source_of(a.value.func.value, a.stmt.source)
            return ctx.hint(
                "detach-semantics",
                f"{name} = {stmt_value_src(a.stmt, a.value)} shares memory with {base}, so `{s}` also changed "
                f"{base}, which backward still needs.",
                f"{name} = {base}.detach().clone()  # an independent copy you may change")
        again = f"{name} = {stmt_value_src(a.stmt, a.value)}; " if a is not None and a.value is not None else ""
        if how == "augassign":
            fix = (f"{again}{name} = {name} {_OPS.get(type(stmt.node.op), '+')} {stmt.src(stmt.node.value)}"
                   f"  # out of place")
        elif how == "method":
            meth = stmt.node.value.func.attr[:-1]
            args = ", ".join(stmt.src(x) for x in stmt.node.value.args)
            fix = f"{again}{name} = {name}.{meth}({args})  # out of place"
        else:
            fix = f"{again}{name} = {name}.clone(); {s}  # change a copy"
        where = ""
        return ctx.hint(
            "inplace-saved-tensor",
            f"`{s}`{where} changed {name} in place, but the backward pass of {op} needs the value it saved "
            f"(version 0; now version {v.group(1) if v else '1'}).", fix)
    return ctx.hint("inplace-saved-tensor",
                    f"A tensor saved by {op} for the backward pass was changed in place afterwards.",
                    "y = y + 1  # out of place, instead of y += 1")


_PLOT_NAMES = {"plot", "scatter", "bar", "hist", "semilogy", "semilogx", "loglog", "fill_between"}


def is_plot_call(ctx: Context, call: ast.Call) -> bool:
    if call_name(call) not in _PLOT_NAMES:
        return "plot" in call_name(call).lower() and isinstance(call.func, ast.Name)
    func = ctx.try_value(call.func)
    module = getattr(func, "__module__", "") or ""
    return func is None or module.startswith(("plotext", "matplotlib", "d2l", "tutor")) or (
        dotted(call.func) or "").split(".")[0] in ("plt", "d2l", "ax")


@rule(20)
def numpy_on_rg(ctx: Context):
    numpy_error = ctx.error_is("RuntimeError", "can't call numpy() on tensor that requires grad")
    ndarray_op = ctx.error_is("TypeError", "'numpy.ndarray' and 'tensor'")
    if not (numpy_error or ndarray_op):
        return None
    nodes = ctx.error_nodes()
    for node in nodes:
        if isinstance(node, ast.Call) and is_plot_call(ctx, node):
            return _plot_hint(ctx, node, ctx.error_src, failed=True)
        if isinstance(node, ast.Call) and is_lambdified(ctx, node):
            return _lambdify_hint(ctx, node)
    if ctx.tree is not None and ctx.in_function:
        for node in ast.walk(ctx.tree):
            if isinstance(node, ast.Call) and is_plot_call(ctx, node):
                return _plot_hint(ctx, node, lambda n: source_of(n, ctx.source), failed=True)
    for node in nodes:
        if isinstance(node, ast.Call) and call_name(node) == "numpy" and isinstance(node.func, ast.Attribute):
            x = ctx.error_src(node.func.value)
            return ctx.hint(
                "numpy-on-requires-grad",
                f"{x} requires grad, and a NumPy array cannot carry its graph.",
                f"{paren(x, node.func.value)}.detach().numpy()  # leave autograd only to print or plot")
        if isinstance(node, ast.Call) and (dotted(node.func) or "").startswith(("np.", "numpy.")) and node.args \
                and _involves_rg(ctx, node.args[0]):
            x = ctx.error_src(node.args[0])
            fname = call_name(node)
            torch_f = fname if ctx.torch is not None and hasattr(ctx.torch, fname) and fname not in (
                "asarray", "array") else None
            fix = (f"torch.{fname}({x})  # stays in torch; use {paren(x, node.args[0])}.detach().numpy() only to "
                   f"print or plot" if torch_f else f"np.{fname}({paren(x, node.args[0])}.detach())")
            return ctx.hint(
                "numpy-on-requires-grad",
                f"{ctx.error_src(node)} hands {x} to NumPy, which cannot carry a tensor that requires grad.", fix)
    for node in nodes:
        if isinstance(node, ast.BinOp):
            sides = [(a, b) for a, b in ((node.left, node.right), (node.right, node.left))
                     if (dotted(getattr(a, "func", None) or a) or "").startswith(("np.", "numpy."))
                     or isinstance(ctx.try_value(a), _ndarray())]
            if sides:
                arr, other = sides[0]
                asrc, osrc = ctx.error_src(arr), ctx.error_src(other)
                fixed = ctx.error_src(node).replace(asrc, f"torch.as_tensor({asrc})", 1)
                return ctx.hint(
                    "numpy-on-requires-grad",
                    f"{osrc} requires grad, and mixing it with the NumPy array {asrc} turns it into NumPy, "
                    f"which cannot carry a graph.",
                    f"{fixed}  # keep both in torch")
    rg = ctx.requires_grad_names(ctx.error_tree or ctx.tree or ast.Module(body=[], type_ignores=[]))
    x = rg[0] if rg else "x"
    return ctx.hint(
        "numpy-on-requires-grad",
        f"{x} requires grad, and NumPy cannot carry a tensor that is part of a graph.",
        f"{x}.detach().numpy()  # leave autograd only to print or plot")


def _ndarray():
    import numpy

    return numpy.ndarray


def _involves_rg(ctx: Context, node: ast.AST) -> bool:
    v = ctx.try_value(node)
    if ctx.is_tensor(v):
        return bool(v.requires_grad)
    return bool(ctx.requires_grad_names(node)) or ctx.in_function


def _plot_hint(ctx: Context, call: ast.Call, src, failed: bool) -> Hint:
    rg_args = []
    new = copy.deepcopy(call)
    for i, arg in enumerate(call.args):
        v = ctx.try_value(arg)
        if ctx.is_tensor(v) and v.requires_grad:
            rg_args.append(src(arg))
            new.args[i] = ast.parse(f"{paren(src(arg), arg)}.detach()", mode="eval").body
    names = " and ".join(rg_args) or "an argument"
    verb = "requires" if len(rg_args) < 2 else "require"
    if failed:
        why = f"{names} {verb} grad; plotting turns them into NumPy arrays, which cannot carry a graph."
    else:
        why = (f"{names} {verb} grad; this plot converted them number by number, but matplotlib would fail "
               f"with the numpy() error. A plot only needs the values.")
    return ctx.hint("plot-requires-grad-tensor", why, unparse(new))


def _lambdify_hint(ctx: Context, call: ast.Call) -> Hint:
    fname = call.func.id
    a = ctx.assignment(fname)
    fix = f"{fname} = sympy.lambdify(s, expr, 'torch')  # generated code calls torch functions"
    if a is not None and isinstance(a.value, ast.Call) and call_name(a.value) == "lambdify":
        new = copy.deepcopy(a.value)
        new.args = new.args[:2] + [ast.Constant("torch")]
        new.keywords = [k for k in new.keywords if k.arg != "modules"]
        fix = f"{fname} = {unparse(new)}  # generated code calls torch functions"
    return ctx.hint(
        "sympy-on-tensor",
        f"{fname} was made by sympy.lambdify with NumPy functions, which cannot take a tensor that requires "
        f"grad.", fix)


@rule(30)
def float_result_methods(ctx: Context):
    """'float'/'Float' object has no attribute 'backward': math.* or SymPy made a number."""
    m = re.search(r"'(\w+)' object has no attribute '(\w+)'", ctx.error.message if ctx.error else "")
    if not ctx.error_is("AttributeError") or m is None:
        return None
    kind = m.group(1)
    tree = ctx.error_tree or ctx.tree
    receiver = None
    for node in ast.walk(tree) if tree is not None else []:
        if isinstance(node, ast.Attribute) and node.attr == m.group(2):
            receiver = node.value
            break
    if receiver is None:
        return None
    rsrc = ctx.error_src(receiver)
    value = ctx.try_value(receiver)
    pieces = chain(ctx, receiver, ctx.error_source or ctx.source)
    if kind == "float" or isinstance(value, float):
        for p in pieces:
            for c in find_calls(p.node, lambda c: is_math_call(ctx, c)):
                arg = p.src(c.args[0]) if c.args else "x"
                return ctx.hint(
                    "math-module-on-tensor",
                    f"{rsrc} is a Python float: {p.src(c)} turned {arg} into a number and dropped its graph.",
                    f"{p.name or rsrc} = {p.src().replace(p.src(c.func), 'torch.' + c.func.attr)}"
                    if p.name else f"torch.{c.func.attr}({arg})")
    if (type(value).__module__ or "").startswith("sympy") or kind in ("Float", "Integer", "Mul", "Add", "Pow",
                                                                       "Rational", "Zero", "One"):
        for p in pieces:
            for c in find_calls(p.node, lambda c: is_sympy_callable(ctx, c)):
                arg = p.src(c.args[0]) if c.args else "x"
                return ctx.hint(
                    "sympy-on-tensor",
                    f"{rsrc} is a SymPy number ({kind}): {p.src(c)} turned {arg} into SymPy's own Float, "
                    f"so the graph is gone.",
                    f"torch.{call_name(c)}({arg})  # or f = sympy.lambdify(s, expr, 'torch'); f({arg})")
    return None


@rule(30)
def math_value_error(ctx: Context):
    if not ctx.error_is(("ValueError", "TypeError"), "only one element tensors can be converted",
                        "must be real number, not tensor"):
        return None
    for node in ctx.error_nodes():
        if isinstance(node, ast.Call) and is_math_call(ctx, node) and node.args:
            arg = ctx.error_src(node.args[0])
            v = ctx.try_value(node.args[0])
            n = f" ({v.numel()} elements)" if ctx.is_tensor(v) else ""
            return ctx.hint(
                "math-module-on-tensor",
                f"{ctx.error_src(node)} needs one Python number, but {arg} is a tensor{n}; math.* never keeps "
                f"a graph anyway.",
                f"torch.{node.func.attr}({arg})  # elementwise, and autograd can follow it")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) \
                and isinstance(node.left.value, str):
            x = ctx.error_src(node.right)
            return ctx.hint(
                "format-tensor",
                f"'%' formatting needs one number, but {x} is a tensor with several elements.",
                f"', '.join('%.3f' % v for v in {paren(x, node.right)}.tolist())")
    return None


@rule(20)
def dot_shapes(ctx: Context):
    if not ctx.error_is("RuntimeError", "1d tensors expected", "shapes cannot be multiplied",
                        "inconsistent tensor size", "size mismatch, got", "both arguments to matmul need"):
        return None
    for node in ctx.error_nodes():
        pair = None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            pair, what = (node.left, node.right), "@"
        elif isinstance(node, ast.Call) and call_name(node) in ("dot", "mm", "mv", "matmul", "inner") and \
                len(node.args) >= 2:
            pair, what = (node.args[0], node.args[1]), f"torch.{call_name(node)}"
        elif isinstance(node, ast.Call) and call_name(node) in ("dot", "mm", "mv", "matmul") and \
                isinstance(node.func, ast.Attribute) and node.args:
            pair, what = (node.func.value, node.args[0]), f".{call_name(node)}"
        if pair is None:
            continue
        a, b = pair
        va, vb = ctx.try_value(a), ctx.try_value(b)
        sa, sb = ctx.error_src(a), ctx.error_src(b)
        if not (ctx.is_tensor(va) and ctx.is_tensor(vb)):
            return ctx.hint("dot-matmul-shapes", f"The shapes of {sa} and {sb} do not fit {what}.",
                            f"print({sa}.shape, {sb}.shape)")
        shapes = f"{sa} has shape {shape_of(va)} and {sb} has shape {shape_of(vb)}"
        if what.endswith("dot") and (va.dim() != 1 or vb.dim() != 1):
            fix = f"({sa} * {sb}).sum()  # or torch.dot({paren(sa, a)}.flatten(), {paren(sb, b)}.flatten())"
            why = f"{shapes}: torch.dot only takes two 1-D vectors."
        elif va.dim() == 1 and vb.dim() == 1:
            why = f"{shapes}: vectors must have the same length."
            fix = f"print({sa}.shape, {sb}.shape)  # make the lengths agree"
        else:
            why = f"{shapes}: for a matrix product the inner sizes must agree."
            fix = f"{paren(sa, a)} @ {paren(sb, b)}.T  # {shape_of(va)} @ {shape_of(vb.T)}" if va.dim() == 2 and \
                vb.dim() == 2 and va.shape[1] == vb.shape[1] else f"print({sa}.shape, {sb}.shape)"
        return ctx.hint("dot-matmul-shapes", why, fix)
    return ctx.hint("dot-matmul-shapes", "The operand shapes do not fit this product.",
                    "print(a.shape, b.shape)")


@rule(20)
def mixed_dtype(ctx: Context):
    if not ctx.error_is("RuntimeError", "same dtype", "expected scalar type", "expected m1 and m2") or \
            ctx.error_is("RuntimeError", "grad_output"):
        return None
    for node in ctx.error_nodes():
        pair = None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            pair = (node.left, node.right)
        elif isinstance(node, ast.Call) and len(node.args) >= 2 and call_name(node) in (
                "dot", "mm", "mv", "matmul", "inner", "vdot", "addmv", "outer"):
            pair = (node.args[0], node.args[1])
        if pair is None:
            continue
        vals = [ctx.try_value(x) for x in pair]
        if not all(ctx.is_tensor(v) for v in vals):
            continue
        (a, b), (va, vb) = pair, vals
        a_odd = not va.is_floating_point() or (va.dtype == ctx.torch.float64 and vb.is_floating_point())
        odd, odd_v, good_v = (a, va, vb) if a_odd else (b, vb, va)
        osrc = ctx.error_src(odd)
        if isinstance(odd, ast.Call) and is_factory(odd) and not odd_v.is_floating_point():
            fix = unparse(floatified(odd)) + f"  # instead of {osrc}"
        else:
            fix = f"{paren(osrc, odd)}.to({ctx.error_src(a if odd is b else b)}.dtype)  # or .float()"
        why = "" if odd_v.is_floating_point() else " (its numbers are Python ints)"
        return ctx.hint(
            "mixed-dtype-op",
            f"{osrc} is {dtype_of(odd_v)}{why} but the other side is {dtype_of(good_v)}; a product needs one dtype.",
            fix)
    return ctx.hint("mixed-dtype-op", "The two sides of this product have different dtypes.",
                    "a.float() @ b.float()")


@rule(20)
def inference_errors(ctx: Context):
    if not ctx.error_is("RuntimeError", "inference tensors cannot be saved for backward",
                        "on inference tensor outside inferencemode"):
        return None
    names = [n for n in names_in(ctx.error_tree or ctx.tree) if ctx.tensor(n) is not None
             and ctx.tensor(n).is_inference()] if (ctx.error_tree or ctx.tree) else []
    t = names[0] if names else "t"
    return ctx.hint(
        "inference-mode-backward",
        f"{t} was made inside `with torch.inference_mode():`; such tensors can never join a graph.",
        f"{t} = {t}.clone()  # outside the block: a normal tensor (or use torch.no_grad() instead)")


@rule(20)
def gradient_shape(ctx: Context):
    if not ctx.error_is("RuntimeError", "mismatch in shape: grad_output"):
        return None
    m = re.search(r"shape of torch\.Size\(\[([^\]]*)\]\) and output\[0\] has a shape of torch\.Size\(\[([^\]]*)\]\)",
                  ctx.error.message)
    found = ctx.failing_backward()
    t = found[3] if found else "y"
    target = found[1] if found else None
    seed = None
    if found and found[0].args:
        seed = ctx.error_src(found[0].args[0]) if ctx.error_tree else source_of(found[0].args[0], ctx.source)
    elif found and keyword(found[0], "gradient") is not None:
        seed = source_of(keyword(found[0], "gradient"))
    def fmt(s):
        return shape_text(int(p) for p in s.split(",") if p.strip())
    shapes = f"{seed or 'the gradient'} has shape {fmt(m.group(1))} but {t} has shape {fmt(m.group(2))}" if m \
        else f"{seed or 'the gradient'} and {t} have different shapes"
    return ctx.hint(
        "backward-gradient-shape",
        f"{shapes}: the gradient= tensor must have exactly the shape of {t}, and nothing is broadcast.",
        f"{paren(t, target)}.backward(torch.ones_like({t}))")


@rule(20)
def gradient_complex_dtype(ctx: Context):
    if not ctx.error_is("RuntimeError", "both grad_output and output are required to have the same dtype"):
        return None
    found = ctx.failing_backward()
    t = found[3] if found else "y"
    return ctx.hint(
        "backward-gradient-dtype",
        f"the gradient= tensor is complex but {t} is real; the seed must have the dtype of {t}.",
        f"{paren(t, found[1] if found else None)}.backward(torch.ones_like({t}))")


@rule(20)
def requires_grad_flag(ctx: Context):
    if not ctx.error_is("RuntimeError", "you can only change requires_grad flags of leaf variables"):
        return None
    y, value = None, None
    for node in ctx.error_nodes():
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Attribute) and \
                node.targets[0].attr == "requires_grad":
            y, value = ctx.error_src(node.targets[0].value), node.value
        elif isinstance(node, ast.Call) and call_name(node) == "requires_grad_" and isinstance(
                node.func, ast.Attribute):
            y, value = ctx.error_src(node.func.value), node.args[0] if node.args else ast.Constant(True)
    y = y or "y"
    t = ctx.tensor(y)
    a = ctx.assignment(y)
    made = f" ({y} = {stmt_value_src(a.stmt, a.value)}, grad_fn={grad_fn_name(t)})" if a is not None and \
        a.value is not None and t is not None else ""
    if is_true(value):
        return ctx.hint(
            "requires-grad-flag-nonleaf",
            f"{y} is computed{made}, so it already requires grad because its inputs do; its flag is not "
            f"yours to set.",
            f"{y}.retain_grad()  # if you want {y}.grad after backward()")
    return ctx.hint(
        "requires-grad-flag-nonleaf",
        f"{y} is computed{made}: it requires grad because its inputs do, so the flag cannot be switched off.",
        f"{y}_const = {y}.detach()  # the same values, outside the graph")


@rule(20)
def allow_unused(ctx: Context):
    unused = ctx.error_is("RuntimeError", "appears to not have been used in the graph")
    no_rg = ctx.error_is("RuntimeError", "one of the differentiated tensors does not require grad")
    if not (unused or no_rg):
        return None
    found = ctx.failing_backward()
    if found is None or found[2] != "grad":
        return ctx.hint("allow-unused", "An input of torch.autograd.grad is not used by the output.",
                        "torch.autograd.grad(y, inputs, allow_unused=True)")
    call, target, kind, t = found
    inputs = call.args[1] if len(call.args) > 1 else keyword(call, "inputs")
    isrc = ctx.error_src(inputs) if inputs is not None else "inputs"
    elts = inputs.elts if isinstance(inputs, (ast.List, ast.Tuple)) else [inputs] if inputs is not None else []
    if no_rg:
        bad = next((e for e in elts if ctx.is_tensor(v := ctx.try_value(e)) and not v.requires_grad), None)
        b = ctx.error_src(bad) if bad is not None else "an input"
        return ctx.hint(
            "allow-unused",
            f"{b} does not require grad, so torch.autograd.grad cannot give a gradient with respect to it.",
            f"{b}.requires_grad_(True)  # before computing {t}; or leave {b} out of the inputs")
    m = re.search(r"at index (\d+)", ctx.error.message)
    idx = int(m.group(1)) if m else 0
    z = ctx.error_src(elts[idx]) if idx < len(elts) else "that input"
    new = with_keyword(call, "allow_unused", ast.Constant(True))
    return ctx.hint(
        "allow-unused",
        f"{t} does not depend on {z}" + (f" (input {idx} of {isrc})" if len(elts) > 1 else "")
        + ", so there is no gradient to return for it.",
        f"{unparse(new)}  # {z}'s entry will be None; or check why {z} is unused")


def _grad_tuple_name(ctx: Context, node: ast.AST) -> tuple[str, ast.Call | None, str] | None:
    """If `node` is a name holding the tuple of torch.autograd.grad: (name, the call, its source)."""
    if isinstance(node, ast.Call) and (dotted(node.func) or "").endswith("autograd.grad"):
        return None, node, ctx.error_src(node)
    if not isinstance(node, ast.Name):
        return None
    value = ctx.ns.get(node.id)
    if not isinstance(value, tuple):
        return None
    a = ctx.assignment(node.id)
    if a is not None and isinstance(a.value, ast.Call) and (dotted(a.value.func) or "").endswith("autograd.grad") \
            and not a.unpacked:
        return node.id, a.value, source_of(a.value, a.stmt.source)
    return None


@rule(20)
def grad_tuple_error(ctx: Context):
    if not (ctx.error_is("AttributeError", "'tuple' object") or ctx.error_is("TypeError", "tuple")):
        return None
    for node in ctx.error_nodes():
        found = _grad_tuple_name(ctx, node)
        if found is None:
            continue
        name, call, csrc = found
        if name is None:
            return ctx.hint(
                "grad-returns-tuple",
                f"{csrc} returns a tuple with one gradient per input, not a tensor.",
                f"{csrc}[0]")
        value = ctx.ns[name]
        return ctx.hint(
            "grad-returns-tuple",
            f"{name} is the tuple {brief_tuple(value)}: torch.autograd.grad returns one gradient per input, "
            f"in a tuple.",
            f"({name},) = {csrc}  # unpack the tuple")
    return None


def brief_tuple(value) -> str:
    def one(v):
        text = repr(v) if not hasattr(v, "numel") or v.numel() == 1 else f"tensor of shape {shape_of(v)}"
        return text.replace(", requires_grad=True", "")
    text = "(" + ", ".join(one(v) for v in value[:3]) + ("," if len(value) == 1 else "") + ")"
    return text if len(text) <= 60 else f"of {len(value)} tensors"


@rule(20)
def bool_ambiguous(ctx: Context):
    if not ctx.error_is("RuntimeError", "boolean value of tensor with more than one value is ambiguous"):
        return None
    tree = ctx.error_tree or ctx.tree
    test = None
    for node in ast.walk(tree) if tree is not None else []:
        if isinstance(node, (ast.If, ast.While, ast.IfExp, ast.Assert)):
            test = node.test
            break
        if isinstance(node, ast.BoolOp):
            test = node.values[0]
            break
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            test = node.operand
            break
    tsrc = ctx.error_src(test) if test is not None else "the condition"
    v = ctx.try_value(test) if test is not None and not ctx.in_function else None
    n = f" ({v.numel()} values)" if ctx.is_tensor(v) else ""
    branches = _if_branches(ctx, test)
    if branches:
        fix = f"return torch.where({tsrc}, {branches[0]}, {branches[1]})  # elementwise choice"
    else:
        fix = f"torch.where({tsrc}, a, b)  # elementwise; or ({tsrc}).all() / .any() for one decision"
    return ctx.hint(
        "bool-ambiguous-control-flow",
        f"{tsrc} gives one True/False per element{n}, and Python's if/while needs a single one.", fix)


def _if_branches(ctx: Context, test) -> tuple[str, str] | None:
    """For `if c: return A` [else:] `return B` in the failing function: (A, B)."""
    if test is None or not ctx.error or len(ctx.error.frames) < 2:
        return None
    fname = ctx.error.frames[-1][0]
    fd = ctx.function_def(ctx.ns.get(fname)) if fname in ctx.ns else None
    if fd is None:
        return None
    fdef, src = fd
    body = fdef.body
    for i, node in enumerate(body):
        if isinstance(node, ast.If) and len(node.body) == 1 and isinstance(node.body[0], ast.Return):
            other = node.orelse[0] if node.orelse else body[i + 1] if i + 1 < len(body) else None
            if isinstance(other, ast.Return) and node.body[0].value is not None and other.value is not None:
                return source_of(node.body[0].value, src), source_of(other.value, src)
    return None


@rule(20)
def format_tensor(ctx: Context):
    if not ctx.error_is("TypeError", "unsupported format string passed to tensor.__format__"):
        return None
    spec, x = ".3f", None
    for node in ctx.error_nodes():
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            x = ctx.error_src(node.value) if ctx.error_tree else source_of(node.value)
            spec = "".join(str(v.value) for v in node.format_spec.values if isinstance(v, ast.Constant)) or spec
            xnode = node.value
            break
        if isinstance(node, ast.Call) and call_name(node) == "format" and node.args:
            if isinstance(node.func, ast.Name) and len(node.args) >= 2:
                xnode = node.args[0]
                x = ctx.error_src(xnode)
                if isinstance(node.args[1], ast.Constant):
                    spec = str(node.args[1].value)
            else:
                xnode = node.args[0]
                x = ctx.error_src(xnode)
                fmt = node.func.value.value if isinstance(node.func.value, ast.Constant) else ""
                m = re.search(r"\{[^:}]*:([^}]*)\}", str(fmt))
                spec = m.group(1) if m else spec
            break
    if x is None:
        return ctx.hint("format-tensor", "A format spec like :.3f needs one number, not a tensor.",
                        "', '.join(f'{v:.3f}' for v in t.tolist())")
    v = ctx.try_value(xnode) if not ctx.in_function else None
    n = f" has shape {shape_of(v)}" if ctx.is_tensor(v) else " has several elements"
    return ctx.hint(
        "format-tensor",
        f"{x}{n}: a format such as :{spec} applies to one number, not to a tensor.",
        f"', '.join(f'{{v:{spec}}}' for v in {paren(x, xnode)}.tolist())")


@rule(5)
def runaway_loop(ctx: Context):
    if ctx.error is None or ctx.error.type not in ("KeyboardInterrupt", "Timeout"):
        return None
    candidates: list[tuple[ast.While, str]] = []
    if ctx.tree is not None:
        candidates += [(n, ctx.source) for n in ast.walk(ctx.tree) if isinstance(n, ast.While)]
        for call, fdef, fsrc in ctx.called_functions(ctx.tree):
            candidates += [(n, fsrc) for n in ast.walk(fdef) if isinstance(n, ast.While)]
    for loop, src in candidates:
        if not _tensor_condition(ctx, loop.test):
            continue
        test = source_of(loop.test, src)
        zero = None
        if ctx.tree is not None:
            for call, fdef, fsrc in ctx.called_functions(ctx.tree):
                for arg in call.args:
                    v = ctx.try_value(arg)
                    if ctx.is_tensor(v) and v.numel() and not bool(v.detach().abs().sum()):
                        zero = source_of(arg, ctx.source)
        if zero:
            why = (f"`while {test}:` never became False: {zero} is 0, so doubling it stays 0 forever.")
            fix = f"{zero} = torch.randn(size=(), requires_grad=True)  # D2L uses a random input; and cap the loop"
        else:
            why = f"`while {test}:` never became False, so the loop ran until it was stopped."
            fix = "for _ in range(1000):  # a bounded loop; check the condition inside and break"
        return ctx.hint("infinite-loop-control-flow", why, fix)
    return None


def _tensor_condition(ctx: Context, test: ast.AST) -> bool:
    for node in ast.walk(test):
        if isinstance(node, ast.Call) and call_name(node) in ("norm", "sum", "abs", "max", "min", "mean", "item",
                                                              "all", "any"):
            return True
        if isinstance(node, ast.Name) and ctx.tensor(node.id) is not None:
            return True
        if isinstance(node, ast.Attribute) and (dotted(node) or "").startswith("torch."):
            return True
    return False


# -- silent mistakes ----------------------------------------------------------------------------------


@rule(40)
def accumulation(ctx: Context):
    if ctx.tree is None or not ctx.outcome.gradients or ctx.error is not None:
        return None
    calls = [(c, t, k) for c, t, k in ctx.backward_calls(ctx.tree) if k == "backward"]
    if not calls:
        return None
    if any(isinstance(t, ast.Attribute) and t.attr == "grad" for _, t, _ in calls):
        return None  # x.grad.backward(): the grad-of-grad rule explains it
    resets = _grad_resets(ctx.tree)
    loops = [n for n in ast.walk(ctx.tree) if isinstance(n, (ast.For, ast.While))]
    for change in ctx.outcome.gradients:
        if change.new is None or change.name in resets or "all" in resets:
            continue
        if not ctx.is_tensor(change.new) or not change.new.is_floating_point():
            continue
        # the same backward run several times in one loop, without a reset
        for loop in loops:
            inner = [c for c, _, _ in calls if any(c is s for s in ast.walk(loop))]
            assigned = {n for s in ast.walk(loop) if isinstance(s, (ast.Assign, ast.For))
                        for t in (s.targets if isinstance(s, ast.Assign) else [s.target])
                        for n in assigned_names(t)}
            if inner and change.name not in assigned and change.name.split(".")[0] not in assigned:
                b = source_of(inner[0].func.value, ctx.source)
                return ctx.hint(
                    "grad-accumulation",
                    f"the loop calls {paren(b, inner[0].func.value)}.backward() on every step and never resets "
                    f"{change.name}.grad, so the steps add up: {change.name}.grad is now {brief(change.new)}.",
                    f"{change.name}.grad = None  # first thing in the loop body")
        old = change.old
        if old is None or not change.old_known or not ctx.is_tensor(old) or old.shape != change.new.shape:
            continue
        if not bool(old.abs().sum()) or bool((old == change.new).all()):
            continue
        return ctx.hint(
            "grad-accumulation",
            f"{change.name}.grad went from {brief(old)} to {brief(change.new)}: backward() adds to .grad, it "
            f"does not replace it.",
            f"{change.name}.grad.zero_()  # before the next backward")
    return None


def _grad_resets(tree: ast.AST) -> set[str]:
    """Names whose .grad the code resets (x.grad.zero_(), x.grad = None); 'all' for zero_grad()."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and call_name(node) == "zero_grad":
            names.add("all")
        if isinstance(node, ast.Call) and call_name(node) == "zero_" and isinstance(node.func, ast.Attribute):
            base = node.func.value
            if isinstance(base, ast.Attribute) and base.attr == "data":
                base = base.value
            if isinstance(base, ast.Attribute) and base.attr == "grad":
                names.add(source_of(base.value))
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Attribute) and t.attr == "grad":
                    names.add(source_of(t.value))
    return names


@rule(45)
def nonleaf_access(ctx: Context):
    if ctx.tree is None or ctx.error is not None:
        return None
    for node in ast.walk(ctx.tree):
        if not (isinstance(node, ast.Attribute) and node.attr == "grad" and isinstance(node.ctx, ast.Load)):
            continue
        if not isinstance(node.value, (ast.Name, ast.Attribute)):
            continue
        t = ctx.try_value(node.value)
        if not ctx.is_tensor(t) or t.is_leaf or (t.retains_grad and t.grad is not None):
            continue
        x = source_of(node.value, ctx.source)
        kind = _nonleaf_kind(ctx, x) if isinstance(node.value, ast.Name) else "nonleaf-grad-access"
        return _nonleaf_hint(ctx, kind, x, t)
    return None


@rule(45)
def grad_none_after_backward(ctx: Context):
    """`x.grad` shows None after a backward that did not reach x (not before any backward: that is normal)."""
    if ctx.tree is None or ctx.error is not None or not ctx.outcome.has_value or ctx.outcome.value is not None:
        return None
    body = ctx.tree.body
    if len(body) != 1 or not isinstance(body[0], ast.Expr):
        return None
    node = body[0].value
    if not (isinstance(node, ast.Attribute) and node.attr == "grad" and isinstance(node.value, ast.Name)):
        return None
    t = ctx.tensor(node.value.id)
    if t is None or not t.is_leaf or not t.requires_grad:
        return None
    hint = _none_before_backward(ctx, node.value.id)
    return hint if "did not reach" in hint.explanation else None


def _construction_factory(value: ast.AST) -> ast.Call | None:
    """The factory call with requires_grad=True inside `value`, when an operation follows it."""
    if value is None:
        return None
    if isinstance(value, ast.BinOp):
        for side, other in ((value.left, value.right), (value.right, value.left)):
            if is_factory(side) and is_true(keyword(side, "requires_grad")) and not _has_grad_tensor_call(other):
                return side
        return None
    if isinstance(value, ast.UnaryOp) and is_factory(value.operand) and is_true(keyword(value.operand, "requires_grad")):
        return value.operand
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in (
            "double", "float", "half", "to", "reshape", "view", "cuda", "t", "unsqueeze", "flatten", "squeeze"):
        inner = value.func.value
        if is_factory(inner) and is_true(keyword(inner, "requires_grad")):
            return inner
        if isinstance(inner, ast.Call) and call_name(inner) == "requires_grad_":
            return inner
    return None


def _has_grad_tensor_call(node: ast.AST) -> bool:
    return any(is_factory(n) and is_true(keyword(n, "requires_grad")) for n in ast.walk(node))


def _construction_fix(value: ast.AST, source: str) -> str:
    new = copy.deepcopy(value)
    for node in ast.walk(new):
        if isinstance(node, ast.Call):
            node.keywords = [k for k in node.keywords if k.arg != "requires_grad"]
            if isinstance(node.func, ast.Attribute) and node.func.attr == "requires_grad_":
                pass
    text = unparse(new).replace(".requires_grad_()", "")
    return f"({text}).requires_grad_()  # finish it, then mark it"


@rule(35)
def nonleaf_construction(ctx: Context):
    if ctx.tree is None or ctx.error is not None:
        return None
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            fac = _construction_factory(node.value)
            w = node.targets[0].id
            t = ctx.tensor(w)
            if fac is None or t is None or t.is_leaf:
                continue
            return ctx.hint(
                "nonleaf-by-construction",
                f"the operation after {call_name(fac)}(..., requires_grad=True) makes {w} a computed tensor "
                f"({grad_fn_name(t)}), not a leaf, so {w}.grad will stay None.",
                f"{w} = {_construction_fix(node.value, ctx.source)}")
    return None


@rule(35)
def manual_update(ctx: Context):
    if ctx.tree is None:
        return None
    error_none = ctx.error_is("TypeError", "'NoneType'")
    if ctx.error is not None and not error_none:
        return None
    for stmt in ctx.current_stmts:
        if "no_grad" in stmt.contexts:
            continue
        node = stmt.node
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            continue
        w = node.targets[0].id
        if not any(isinstance(s, ast.Attribute) and s.attr == "grad" and isinstance(s.value, ast.Name)
                   and s.value.id == w for s in ast.walk(node.value)):
            continue
        if any(call_name(c) in ("detach", "detach_", "requires_grad_") for c in find_calls(node.value, lambda c: True)):
            continue
        t = ctx.tensor(w)
        if t is None or (t.is_leaf and not error_none):
            continue
        return ctx.hint(
            "manual-update-nonleaf",
            f"{w} = {stmt.src(node.value)} was recorded by autograd, so {w} now names a computed tensor "
            f"(grad_fn={grad_fn_name(t)}), not your leaf: {w}.grad stays None"
            f"{' and the next step fails' if error_none else ''}.",
            _manual_update_fix(ctx, w, node.value, stmt.source))
    return None


@rule(40)
def tensor_copy(ctx: Context):
    if ctx.tree is None or ctx.error is not None:
        return None
    warned = any("copy construct from a tensor" in w.message for w in ctx.outcome.warnings)
    for call in find_calls(ctx.tree, torch_tensor_call):
        arg = call.args[0]
        if not isinstance(arg, (ast.Name, ast.Attribute, ast.Subscript)):
            continue
        v = ctx.try_value(arg)
        if not ctx.is_tensor(v) or not (v.requires_grad or warned):
            continue
        a = source_of(arg, ctx.source)
        why = (f"{source_of(call, ctx.source)} copies {a}'s numbers into a new tensor outside the graph"
               + (f": nothing computed from it reaches {a}." if v.requires_grad else "."))
        fix = f"{paren(a, arg)}.clone()  # stays in the graph; {paren(a, arg)}.detach().clone() for a constant copy"
        return ctx.hint("tensor-copy-construct", why, fix)
    return None


@rule(40)
def item_cut(ctx: Context):
    if ctx.tree is None or ctx.error is not None:
        return None
    for node in ast.walk(ctx.tree):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        lhs = source_of(node.targets[0], ctx.source)
        value = node.value
        # torch.tensor([x ** 2, x ** 3]) of tensors that require grad
        for call in find_calls(value, torch_tensor_call):
            if isinstance(call.args[0], (ast.List, ast.Tuple)) and ctx.requires_grad_names(call.args[0]):
                items = ", ".join(source_of(e, ctx.source) for e in call.args[0].elts)
                return ctx.hint(
                    "item-breaks-graph",
                    f"{source_of(call, ctx.source)} copies the numbers of its items into a new tensor outside the "
                    f"graph, so {lhs} has no gradient path back to {ctx.requires_grad_names(call.args[0])[0]}.",
                    f"{lhs} = torch.stack([{items}])  # keeps the graph")
        # x * x.item(): part of the expression became a constant
        found = None
        for op in (n for n in ast.walk(value) if isinstance(n, ast.BinOp)):
            cuts = [c for c in find_calls(op, to_python_call)
                    if ctx.requires_grad_names(c.func.value if isinstance(c.func, ast.Attribute) else c.args[0])]
            if cuts and any(_uses_outside(op, cuts, n) for n in ctx.requires_grad_names(op)):
                found = cuts[0]
                break
        if found is None:
            continue
        c = found
        inner = c.func.value if isinstance(c.func, ast.Attribute) else c.args[0]
        fixed = source_of(value, ctx.source).replace(source_of(c, ctx.source), source_of(inner, ctx.source))
        return ctx.hint(
            "item-breaks-graph",
            f"{source_of(c, ctx.source)} is a plain Python number, so autograd treats it as a constant in "
            f"{lhs} = {source_of(value, ctx.source)}: the gradient misses that part.",
            f"{lhs} = {fixed}")
    return None


def _uses_outside(value: ast.AST, cuts: list[ast.Call], name: str) -> bool:
    inside = {id(n) for c in cuts for n in ast.walk(c)}
    return any(isinstance(n, ast.Name) and n.id == name and id(n) not in inside for n in ast.walk(value))


@rule(40)
def math_on_rg(ctx: Context):
    if ctx.tree is None or ctx.error is not None:
        return None
    calls = [(c, ctx.source, None) for c in find_calls(ctx.tree, lambda c: is_math_call(ctx, c))]
    for call, fdef, fsrc in ctx.called_functions(ctx.tree):
        if any(ctx.is_tensor(v := ctx.try_value(a)) and v.requires_grad for a in call.args):
            calls += [(c, fsrc, fdef.name) for c in find_calls(fdef, lambda c: is_math_call(ctx, c))]
    for c, src, fname in calls:
        if not c.args:
            continue
        arg = source_of(c.args[0], src)
        if fname is None:
            v = ctx.try_value(c.args[0])
            if not (ctx.is_tensor(v) and v.requires_grad) and not ctx.requires_grad_names(c.args[0]):
                continue
        where = f" (in {fname}())" if fname else ""
        return ctx.hint(
            "math-module-on-tensor",
            f"{source_of(c, src)}{where} turned {arg} into a Python float: that term has no graph, so the "
            f"gradient will miss it (or backward() will fail).",
            f"torch.{c.func.attr}({arg})  # instead of {source_of(c, src)}")
    return None


@rule(40)
def sympy_on_rg(ctx: Context):
    if ctx.tree is None or ctx.error is not None:
        return None
    for c in find_calls(ctx.tree, lambda c: is_sympy_callable(ctx, c)):
        if not c.args:
            continue
        v = ctx.try_value(c.args[0])
        if not (ctx.is_tensor(v) and v.requires_grad):
            continue
        arg = source_of(c.args[0], ctx.source)
        return ctx.hint(
            "sympy-on-tensor",
            f"{source_of(c, ctx.source)} turned {arg} into a SymPy number: the result has no graph.",
            f"torch.{call_name(c)}({arg})  # or f = sympy.lambdify(s, expr, 'torch'); f({arg})")
    return None


@rule(40)
def plot_rg(ctx: Context):
    if ctx.tree is None or ctx.error is not None:
        return None
    for c in find_calls(ctx.tree, lambda c: is_plot_call(ctx, c)):
        func = ctx.try_value(c.func)
        if (getattr(func, "__module__", "") or "").startswith("tutor"):
            continue  # the tutor's own plot() detaches on purpose
        for arg in c.args:
            v = ctx.try_value(arg)
            if ctx.is_tensor(v) and v.requires_grad:
                return _plot_hint(ctx, c, lambda n: source_of(n, ctx.source), failed=False)
    return None


@rule(40)
def float_equality(ctx: Context):
    if ctx.tree is None or ctx.torch is None:
        return None
    torch = ctx.torch
    for pair, op in _comparisons(ctx.tree):
        exact = op in ("==", "!=", "equal")
        a, b = (ctx.try_value(x) for x in pair)
        if not (ctx.is_tensor(a) or ctx.is_tensor(b)):
            continue
        try:
            ta, tb = torch.as_tensor(a).detach(), torch.as_tensor(b).detach()
            if not (ta.is_floating_point() or tb.is_floating_point()):
                continue
            ta, tb = torch.broadcast_tensors(ta.to(torch.float64), tb.to(torch.float64))
            equal = ta == tb
            if bool(equal.all()):
                continue
            close = torch.isclose(ta, tb, rtol=1e-5, atol=1e-6)
        except Exception:  # noqa: BLE001
            continue
        sa, sb = (source_of(x, ctx.source) for x in pair)
        if bool(close.all()):
            if not exact:
                continue
            diff = (ta - tb).abs().max().item()
            k, n = int((~equal).sum()), equal.numel()
            return ctx.hint(
                "float-equality-check",
                f"{sa} {op} {sb}: {k} of {n} values differ, by at most {diff:.2g}: float rounding, not a "
                f"wrong derivative.",
                f"torch.allclose({sa}, {sb})  # compares with a tolerance")
        hint = _detach_compare(ctx, pair, sa, sb)
        if hint is not None:
            return hint
    return None


def _comparisons(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            yield (node.left, node.comparators[0]), "==" if isinstance(node.ops[0], ast.Eq) else "!="
        elif isinstance(node, ast.Call) and call_name(node) == "equal" and len(node.args) >= 2:
            yield (node.args[0], node.args[1]), "equal"
        elif isinstance(node, ast.Call) and call_name(node) in ("allclose", "isclose", "assert_close") \
                and len(node.args) >= 2:
            yield (node.args[0], node.args[1]), call_name(node)


def _detach_compare(ctx: Context, pair, sa: str, sb: str) -> Hint | None:
    """x.grad compared with the full derivative after u = y.detach() fed the backward: detach-semantics."""
    grad_side = next((x for x in pair if isinstance(x, ast.Attribute) and x.attr == "grad"
                      and isinstance(x.value, ast.Name)), None)
    if grad_side is None:
        return None
    x = grad_side.value.id
    detached = []
    for stmt in ctx.stmts:
        n = stmt.node
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name) and \
                isinstance(n.value, ast.Call) and call_name(n.value) == "detach":
            detached.append((n.targets[0].id, stmt))
    if not detached:
        return None
    # the latest backward whose target's chain uses a detached name
    for stmt in reversed(ctx.stmts):
        for call, target, kind in ctx.backward_calls(stmt.node):
            if target is None:
                continue
            pieces = chain(ctx, target, stmt.source)
            used = [(u, s) for u, s in detached if any(u in names_in(p.node) for p in pieces)]
            if not used or x not in {n for p in pieces for n in names_in(p.node)}:
                continue
            u, ustmt = used[0]
            base = source_of(ustmt.node.value.func.value, ustmt.source)
            zdef = next((p for p in pieces if p.name and u in names_in(p.node)), None)
            fix = (f"{zdef.name} = {zdef.src().replace(u, paren(base))}  # keep {base} in the graph for the full "
                   f"derivative" if zdef else f"use {base} instead of {u} where the gradient should flow")
            return ctx.hint(
                "detach-semantics",
                f"{x}.grad treats {u} = {source_of(ustmt.node.value, ustmt.source)} as a constant, so it is not "
                f"the full derivative you compared it with: no gradient flows through {u}.",
                fix)
        if stmt.order < detached[0][1].order:
            break
    return None


@rule(40)
def grad_tuple_silent(ctx: Context):
    if ctx.tree is None or ctx.error is not None:
        return None
    for node in ast.walk(ctx.tree):
        operands = []
        if isinstance(node, ast.BinOp):
            operands = [node.left, node.right]
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
        for op in operands:
            found = _grad_tuple_name(ctx, op) if isinstance(op, ast.Name) else None
            if found is None:
                continue
            name, call, csrc = found
            what = source_of(node, ctx.source)
            return ctx.hint(
                "grad-returns-tuple",
                f"{name} is the tuple {brief_tuple(ctx.ns[name])}, so {what} works on the tuple, not on "
                f"the gradient.",
                f"({name},) = {csrc}  # unpack the tuple")
    return None


@rule(40)
def gradient_dtype(ctx: Context):
    if ctx.tree is None or ctx.error is not None:
        return None
    for call, target, kind in ctx.backward_calls(ctx.tree):
        if kind != "backward" or target is None:
            continue
        seed = call.args[0] if call.args else keyword(call, "gradient")
        if seed is None:
            continue
        g, y = ctx.try_value(seed), ctx.try_value(target)
        if not (ctx.is_tensor(g) and ctx.is_tensor(y)) or g.dtype == y.dtype:
            continue
        t = source_of(target, ctx.source)
        return ctx.hint(
            "backward-gradient-dtype",
            f"{source_of(seed, ctx.source)} is {dtype_of(g)} but {t} is {dtype_of(y)}: PyTorch converts the "
            f"seed to {dtype_of(y)} without a word, so the gradient is {dtype_of(y)} anyway.",
            f"{paren(t, target)}.backward(torch.ones_like({t}))  # y's own shape and dtype")
    return None


@rule(40)
def where_nan(ctx: Context):
    if ctx.tree is None or ctx.torch is None:
        return None
    torch = ctx.torch
    nan = [g for g in ctx.outcome.gradients if ctx.is_tensor(g.new) and g.new.is_floating_point()
           and bool(torch.isnan(g.new).any())]
    if not nan:
        return None
    name = nan[0].name
    pieces = []
    for call, target, kind in ctx.backward_calls(ctx.tree):
        if target is not None:
            pieces += chain(ctx, target, ctx.source)
    pieces = pieces or [type("P", (), {"node": ctx.tree, "src": lambda self, n=None: source_of(n, ctx.source),
                                       "name": None})()]
    for p in pieces:
        for w in find_calls(p.node, lambda c: (dotted(c.func) or "").endswith("where") and len(c.args) == 3):
            cond, a, b = w.args
            danger = next((c for br in (a, b) for c in find_calls(br, lambda c: call_name(c) in (
                "sqrt", "log", "log10", "log2", "rsqrt", "reciprocal", "pow", "acos", "asin"))), None)
            dsrc = p.src(danger) if danger is not None else "the other branch"
            arg = p.src(danger.args[0]) if danger is not None and danger.args else name
            return ctx.hint(
                "where-nan-gradient",
                f"{name}.grad has NaN: torch.where computes {dsrc} for every element, and where it is "
                f"unused its derivative is NaN or inf; 0 times that is still NaN.",
                f"safe = torch.where({p.src(cond)}, {arg}, torch.ones_like({arg}))  # use "
                f"{dsrc.replace(arg, 'safe', 1) if danger is not None else 'safe'} in the where")
        for s in find_calls(p.node, lambda c: call_name(c) == "sqrt"):
            return ctx.hint(
                "where-nan-gradient",
                f"{name}.grad has NaN: the derivative of {p.src(s)} is infinite where its input is 0, and "
                f"0 × inf is NaN.",
                f"torch.linalg.vector_norm({name})  # handles 0; or clamp the input: .clamp(min=1e-12)")
    return None


@rule(30)
def grad_of_grad_backward(ctx: Context):
    """x.grad.backward() after backward(create_graph=True): adds into x.grad instead of giving f''."""
    if ctx.tree is None or ctx.error is not None:
        return None
    for call, target, kind in ctx.backward_calls(ctx.tree):
        if kind == "backward" and isinstance(target, ast.Attribute) and target.attr == "grad":
            x = source_of(target.value, ctx.source)
            return ctx.hint(
                "grad-of-grad-no-create-graph",
                f"{x}.grad.backward() adds the second derivative into {x}.grad itself, so {x}.grad is now "
                f"the sum of both, not f''.",
                f"(d{x},) = torch.autograd.grad({_last_output(ctx)}, {x}, create_graph=True); "
                f"torch.autograd.grad(d{x}, {x})")


def _last_output(ctx: Context) -> str:
    """The target of the latest earlier backward call ('y' when there is none)."""
    for stmt in reversed(ctx.stmts):
        if stmt.current:
            continue
        for call, target, kind in ctx.backward_calls(stmt.node):
            if target is not None:
                return source_of(target, stmt.source)
    return "y"
    return None


def run_rules(ctx: Context, strict: bool = False) -> list[tuple[int, Hint]]:
    found: list[tuple[int, Hint]] = []
    for priority, func in RULES:
        try:
            result = func(ctx)
        except Unknown:
            continue
        except Exception:  # noqa: BLE001 - a broken rule must never break the tutor
            if strict:
                raise
            continue
        if result is None:
            continue
        for hint in result if isinstance(result, list) else [result]:
            found.append((priority, hint))
    return found


_ = (math, Stmt)
