"""Rules about Python values standing where a tensor was meant: an attribute called like a method,
a Python float asked for backward(), Python floats compared with ==, a gradient tuple returned by a
helper."""

from __future__ import annotations

import ast
import math
import re

from tutor.hints import reach
from tutor.hints.context import Context, Unknown, call_name, paren, source_of
from tutor.hints.rules.common import SUPERSEDES, rule
from tutor.hints.rules.grad_api import SEQUENCE, _unpack_candidates

SUPERSEDES.setdefault("tensor-copy-construct", set()).add("item-breaks-graph")

# attributes of a tensor that are values, not methods: what calling them raises
_ATTRIBUTES = {"requires_grad": "bool", "is_leaf": "bool", "grad": "Tensor|NoneType", "grad_fn": "NoneType|\\w+",
               "shape": "torch.Size", "dtype": "torch.dtype", "retains_grad": "bool", "data": "Tensor",
               "T": "Tensor", "ndim": "int", "device": "torch.device"}


@rule(20)
def attribute_called(ctx: Context):
    """x.requires_grad() -> TypeError: 'bool' object is not callable (and .is_leaf(), .grad(), .shape())."""
    m = re.search(r"'([\w.]+)' object is not callable", ctx.error.message if ctx.error else "")
    if m is None or not ctx.error_is("TypeError"):
        return None
    kind = m.group(1)
    for node in ctx.error_nodes():
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        attr = node.func.attr
        if attr not in _ATTRIBUTES or not re.fullmatch(_ATTRIBUTES[attr], kind):
            continue
        owner = ctx.error_src(node.func.value)
        value = reach.value_in_frames(ctx, owner) if isinstance(node.func.value, ast.Name) else None
        now = ""
        if ctx.is_tensor(value):  # every attribute of _ATTRIBUTES reads without raising (warnings are off)
            shown = getattr(value, attr) if attr != "grad" else ctx.grad_of(value)
            now = f" (here {owner}.{attr} is {_short(shown)})"
        setter = (f"; to switch it on, {owner}.requires_grad_(True)" if attr == "requires_grad" else "")
        return ctx.hint(
            "attribute-called",
            f"{owner}.{attr} is an attribute that holds a {kind}{now}, not a method: the () after it tries to "
            f"call that {kind}.",
            f"{owner}.{attr}  # no parentheses{setter}",
            candidates=_attribute_candidates(ctx, node),
            words=f"drop the parentheses after .{attr}: read {owner}.{attr} as a value{setter}.")
    return None


def _attribute_candidates(ctx: Context, call: ast.Call) -> list:
    """The learner's statement with `owner.attr(...)` read as `owner.attr`; requires_grad(True) becomes
    requires_grad_(True). The call is found again in the error site's own text by its position."""
    site = ctx.error_site
    if site is None or site.stmt is None:
        return []
    holder = next((f for f in ast.walk(site.tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                   and any(s is site.stmt for s in ast.walk(f))), None)
    for node in ast.walk(site.stmt):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == call.func.attr \
                and site.segment(node.func.value) == ctx.error_src(call.func.value):
            owner = site.segment(node.func.value)
            if node.func.attr == "requires_grad" and node.args:
                new = f"{owner}.requires_grad_({site.segment(node.args[0])})"
            else:
                new = site.segment(node.func)
            found = site.splice(node, new, shown_node=holder)
            return [found] if found is not None else []
    return []


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


@rule(25)
def float_asked_for_backward(ctx: Context):
    """'float' object has no attribute 'backward' because .item() (or float()) made the number."""
    if not ctx.error_is("AttributeError", "'float' object has no attribute", "'int' object has no attribute"):
        return None
    m = re.search(r"object has no attribute '(\w+)'", ctx.error.message)
    if m is None or m.group(1) not in ("backward", "grad", "requires_grad", "grad_fn", "requires_grad_"):
        return None
    for node in ctx.error_nodes():
        if isinstance(node, ast.Attribute) and node.attr == m.group(1):
            receiver = node.value
            break
    else:
        return None
    rsrc = ctx.error_src(receiver)
    found = _python_number_origin(ctx, receiver)
    if found is None:
        return None
    code, where = found
    made = code if code != rsrc else "its .item()" if code.endswith(".item()") else "float()"
    return ctx.hint(
        "item-breaks-graph",
        f"{rsrc} is a Python number, not a tensor: {made}{where} turned the tensor into a plain number, so "
        f"there is no graph to call .{m.group(1)}() on.",
        f"keep the tensor: drop .item() there and call .item() only to print the value")


def _to_number(call: ast.AST) -> bool:
    """`t.item()` or `float(t)`: a call that makes a Python number of a tensor."""
    return isinstance(call, ast.Call) and (call_name(call) == "item" or (
        isinstance(call.func, ast.Name) and call.func.id == "float"))


def _python_number_origin(ctx: Context, node: ast.AST, before: int | None = None,
                          seen: set | None = None) -> tuple[str, str] | None:
    """Where a Python number came from: (the .item()/float() call, ' in In [n]' or ' in f()'). Names are
    followed to the statements that gave them their values (`avg = total / n`, `total += l.item()`), a loop
    variable to what the loop runs over (`for i, l in enumerate(losses):`), each time further back."""
    seen = set() if seen is None else seen
    if isinstance(node, ast.Name):
        a = ctx.assignment(node.id, before)
        if a is None or (node.id, a.stmt.order) in seen:
            return None
        seen.add((node.id, a.stmt.order))
        value, source = a.value, a.stmt.source
        if value is None and isinstance(a.stmt.node, ast.For):
            value = a.stmt.node.iter
        if value is None:
            return None
        label = ctx.input_name(a.stmt.index) if not a.stmt.current else ""
        return _number_call_in(ctx, value, lambda n: source_of(n, source), f" in {label}" if label else "",
                               a.stmt.order, seen)
    return _number_call_in(ctx, node, ctx.error_src, "", before, seen)


def _number_call_in(ctx: Context, value: ast.AST, src, where: str, before: int | None, seen: set):
    """The .item()/float() call in `value` (or in a helper it calls, or behind a name it reads)."""
    for sub in ast.walk(value):
        if _to_number(sub):
            return src(sub), where
        if isinstance(sub, ast.Call):
            callee = reach.callee_of(ctx, sub)
            if callee is not None and (found := _item_in_returns(callee)) is not None:
                return found
    for sub in ast.walk(value):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load):
            found = _python_number_origin(ctx, sub, before, seen)
            if found is not None:
                return found
    return None


def _item_in_returns(callee) -> tuple[str, str] | None:
    """The .item() call a learner function returns (directly or through a local name)."""
    for ret in reach.returned(callee):
        values = [ret]
        if isinstance(ret, ast.Name):
            values += [n.value for s in callee.body for n in ast.walk(s)
                       if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == ret.id
                                                            for t in n.targets)]
        for v in values:
            for r in ast.walk(v):
                if _to_number(r):
                    return callee.src(r), f" in {callee.name}(){callee.where()}"
    return None


# -- Python floats compared exactly ---------------------------------------------------------------


def _number(ctx: Context, node: ast.AST):
    """A Python float for `t.item()`, `float(t)` or plain arithmetic on them and constants (else Unknown)."""
    if isinstance(node, ast.Call) and not node.args and call_name(node) in ("item",) and isinstance(
            node.func, ast.Attribute):
        t = ctx.value(node.func.value)
        if ctx.is_tensor(t) and t.numel() == 1:
            return t.detach().reshape(()).item()
        raise Unknown
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "float" and len(node.args) == 1:
        return float(_number(ctx, node.args[0]))
    if isinstance(node, ast.BinOp):
        import operator

        ops = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
               ast.Pow: operator.pow}
        op = ops.get(type(node.op))
        if op is None:
            raise Unknown
        a, b = _number(ctx, node.left), _number(ctx, node.right)
        if isinstance(b, (int, float)) and isinstance(node.op, ast.Pow) and abs(b) > 64:
            raise Unknown
        return op(a, b)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_number(ctx, node.operand)
    value = ctx.value(node)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Unknown
    return value


@rule(40)
def python_float_equality(ctx: Context):
    """`a.grad.item() == 3*0.1**2 + 1/0.1**2` is False by float rounding (loops leave their last values)."""
    if ctx.tree is None or ctx.error is not None:
        return None
    for node in ast.walk(ctx.tree):
        if not (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq))):
            continue
        left, right = node.left, node.comparators[0]
        if not any(isinstance(s, ast.Call) and call_name(s) in ("item", "float") for side in (left, right)
                   for s in ast.walk(side)):
            continue
        try:
            a, b = _number(ctx, left), _number(ctx, right)
        except Exception:  # noqa: BLE001 - Unknown, or arithmetic the learner's line did not do (end values)
            continue
        if not (isinstance(a, float) or isinstance(b, float)) or a == b:
            continue
        if not math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-6):
            continue
        sa, sb = source_of(left, ctx.source), source_of(right, ctx.source)
        last = " (the loop's last values)" if any(isinstance(s, (ast.For, ast.While)) for s in ctx.tree.body) else ""
        eq = isinstance(node.ops[0], ast.Eq)
        close = f"{'' if eq else 'not '}math.isclose({sa}, {sb}, rel_tol=1e-5)"
        holder = next(s for s in ctx.tree.body if any(n is node for n in ast.walk(s)))
        found = ctx.current_site.splice(node, close, shown_node=holder)
        return ctx.hint(
            "float-equality-check",
            f"{sa} is {a!r} and {sb} is {b!r}{last}: they differ by {abs(a - b):.2g}, float rounding, so "
            f"{'==' if eq else '!='} says {not eq} although the derivative is right.",
            f"{close}  # compares with a tolerance",
            candidates=[found] if found is not None else [],
            words=f"compare the Python numbers with a tolerance, {close}, instead of "
                  f"{'==' if eq else '!='}.")
    return None


@rule(40)
def exact_compare_in_helper(ctx: Context):
    """A learner helper that returns `torch.equal(...)`/`==` on gradients, and the call shows False."""
    if ctx.tree is None or ctx.error is not None or not ctx.outcome.has_value:
        return None
    value = ctx.outcome.value
    if ctx.is_tensor(value):
        if value.dtype != ctx.torch.bool or bool(value.all()):
            return None
    elif value is not False:
        return None
    last = ctx.tree.body[-1]  # an input has a value only when it ends in an expression
    for callee in reach.callees(ctx, last.value, depth=1):
        for ret in reach.returned(callee):
            for sub in ast.walk(ret):
                pair = None
                if isinstance(sub, ast.Call) and call_name(sub) == "equal" and len(sub.args) == 2:
                    pair = sub.args
                elif isinstance(sub, ast.Compare) and len(sub.ops) == 1 and isinstance(sub.ops[0], ast.Eq):
                    pair = [sub.left, sub.comparators[0]]
                if pair is None or not any("grad" in ast.unparse(p) for p in pair):
                    continue
                a, b = (callee.src(p) for p in pair)
                return ctx.hint(
                    "float-equality-check",
                    f"{callee.name}(){callee.where()} compares {a} and {b} exactly: every bit must match, so "
                    f"float rounding alone can make it False; it does not show the derivative is wrong.",
                    f"torch.allclose({a}, {b})  # in {callee.name}(): equal up to a tolerance")
    return None


# -- the tuple of torch.autograd.grad, returned by a helper -----------------------------------------


@rule(20)
def grad_tuple_from_helper(ctx: Context):
    """A helper returns torch.autograd.grad's tuple; the caller uses it as a tensor (silently or not)."""
    if ctx.tree is None:
        return None
    if ctx.error is not None and not (ctx.error_is("TypeError", "tuple", SEQUENCE) or ctx.error_is(
            "AttributeError", "'tuple' object")):
        return None
    for node in (ctx.error_nodes() if ctx.error is not None else ast.walk(ctx.tree)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            node = ast.BinOp(left=node.value, op=ast.Add(), right=node.value)  # g.item(): look at g
            node.lineno = node.col_offset = 0
        operands = [node.left, node.right] if isinstance(node, ast.BinOp) else []
        for op in operands:
            if not isinstance(op, ast.Name) or not isinstance(ctx.ns.get(op.id), tuple):
                continue
            a = ctx.assignment(op.id)
            if a is None or a.unpacked or not isinstance(a.value, ast.Call):
                continue
            callee = reach.callee_of(ctx, a.value)
            if callee is None:
                continue
            if not any(reach.is_grad_call(r) for r in reach.returned(callee)):
                continue
            what = source_of(node, ctx.source) if ctx.error is None else ctx.error_source or op.id
            return ctx.hint(
                "grad-returns-tuple",
                f"{op.id} = {source_of(a.value, a.stmt.source)}: {callee.name}(){callee.where()} returns what "
                f"torch.autograd.grad returns, a tuple with one gradient per input, so {what} works on the "
                f"tuple, not on the gradient.",
                f"({op.id},) = {source_of(a.value, a.stmt.source)}  # or return torch.autograd.grad(...)[0] in "
                f"{callee.name}()", candidates=_unpack_candidates(ctx, op.id))
    return None


__all__ = ["attribute_called", "float_asked_for_backward", "python_float_equality", "exact_compare_in_helper",
           "grad_tuple_from_helper", "paren"]


@rule(9)
def tensor_of_tensor_expression(ctx: Context):
    """`torch.tensor(x ** 2)` (a tensor expression, not numbers) cut the graph: the backward fails."""
    if not ctx.error_is("RuntimeError", "does not require grad and does not have a grad_fn"):
        return None
    from tutor.hints.rules.common import chain, find_calls, to_python_call, torch_tensor_call

    found = ctx.failing_backward()  # its target is set: a backward call without one raises a TypeError
    if found is None:
        return None
    call, target, kind, t = found
    src = ctx.error_source if ctx.error_tree is not None else ctx.source
    for p in chain(ctx, target, src):
        for c in find_calls(p.node, torch_tensor_call):
            arg = c.args[0]
            if isinstance(arg, (ast.List, ast.Tuple)) or find_calls(arg, to_python_call):
                continue  # torch_tensor_call: `arg` reads a name, an attribute or a call
            where = f" (in {p.name[4:]}())" if p.name and p.name.startswith("def ") else ""
            a = p.src(arg)
            return ctx.hint(
                "tensor-copy-construct",
                f"{p.src(c)}{where} copies the numbers of {a} into a new tensor outside the graph (PyTorch warns "
                f"about it), so {t} has no grad_fn.",
                f"{paren(a, arg)}  # use the tensor itself instead of {p.src(c)}; .detach().clone() for a "
                f"constant copy",
                candidates=_copy_site_candidates(ctx, p, c))
    return None


def _copy_site_candidates(ctx: Context, piece, call: ast.Call) -> list:
    """Candidates for the torch.tensor(...) copy `call` of chain piece `piece`, in the input that has it."""
    from tutor.hints.rules.common import piece_site
    from tutor.hints.rules.conversion import copy_candidates

    return copy_candidates(*piece_site(ctx, piece, call), itself=True)


_NONE_ATTRIBUTE = re.compile(r"'NoneType' object has no attribute '(\w+)'")


@rule(30)
def helper_returns_none(ctx: Context):
    """`loss = loss_fn(w)` then `loss.backward()`: 'NoneType' object has no attribute 'backward', because the
    learner's function computes its result and never returns it."""
    if not ctx.error_is("AttributeError", "'NoneType' object has no attribute"):
        return None
    m = _NONE_ATTRIBUTE.search(ctx.error.message or "")
    tree = ctx.error_tree
    if m is None or tree is None:
        return None
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr == m.group(1)):
            continue
        call, name = node.value, None
        if isinstance(call, ast.Name):  # loss.backward() with loss = loss_fn(w)
            name = call.id
            a = ctx.assignment(name)
            if a is None or not isinstance(a.value, ast.Call) or a.unpacked or ctx.ns.get(name, 0) is not None:
                continue
            call = a.value
        if not isinstance(call, ast.Call):
            continue
        found = _none_returning(ctx, call)
        if found is None:
            continue
        func, fdef, index = found
        shown = ctx.error_src(node.value)
        what = f"{name} is None: it came from {source_of(call, ctx.assignment(name).stmt.source)}" if name \
            else f"{shown} is None"
        return ctx.hint(
            "helper-returns-none",
            f"{what}, and {fdef.name}() has no return statement, so calling it gives None (the value its "
            f"last line computes is dropped when the function ends).",
            candidates=_return_added(ctx, fdef, index),
            words=f"end {fdef.name}() with `return` and the value it should give back.")
    return None


def _none_returning(ctx: Context, call: ast.Call):
    """(function, its def, the input that defined it) when `call` reaches a learner function whose body never
    returns a value; else None."""
    callee = reach.callee_of(ctx, call)
    if callee is None or callee.index is None or not isinstance(callee.node, ast.FunctionDef):
        return None
    if reach.returned(callee) or any(isinstance(s, (ast.Yield, ast.YieldFrom)) for s in ast.walk(callee.node)):
        return None
    return callee.func, callee.node, callee.index


def _return_added(ctx: Context, fdef: ast.FunctionDef, index: int) -> list:
    """The def with its last line's value returned: `l = ...` gets `return l` after it, a bare expression
    becomes `return <it>`."""
    last = fdef.body[-1]
    site = ctx.site(index, last.lineno, last.col_offset)
    if site is None or site.stmt is None:
        return []
    stmt = site.stmt
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return [site.insert_after(stmt, f"return {stmt.targets[0].id}")]
    if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
        return [site.insert_after(stmt, f"return {stmt.target.id}")]
    if isinstance(stmt, ast.Expr) and not (isinstance(stmt.value, ast.Call) and call_name(stmt.value) == "print"):
        return [site.replace(stmt, f"return {site.segment(stmt.value)}")]
    return []
