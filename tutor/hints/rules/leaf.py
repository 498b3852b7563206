"""Rules about leaves and .grad access: .grad of a non-leaf, .grad before backward, a leaf rebound by a
manual update, a parameter that is not a leaf because of how it was built."""

from __future__ import annotations

import ast
import copy

from tutor.hints.context import Context, Stmt, call_name, is_true, keyword, paren, source_of
from tutor.hints.rules.common import (
    rule,
    grad_fn_name,
    unparse,
    is_factory,
    stmt_value_src,
    chain,
    leaves_in,
    find_calls,
)
from tutor.outcome import Hint


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


def _made_by(ctx: Context, x: str):
    """The statement that made the tensor `x` names: the latest plain assignment (`x -= ...` changes the
    same tensor in place, or raised, and `x = ...` quoted from it would be a line nobody typed)."""
    a = ctx.assignment(x)
    while a is not None and a.augmented:
        a = ctx.assignment(x, before=a.stmt.order)
    return a


def _nonleaf_hint(ctx: Context, kind: str, x: str, t) -> Hint:
    a = _made_by(ctx, x)
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
            "", candidates=_manual_update_candidates(ctx, x),
            words=_manual_update_words(x))
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
    """The update written in place under no_grad, so `w` stays the leaf: `w -= lr * w.grad`."""
    if isinstance(value, ast.BinOp) and isinstance(value.left, ast.Name) and value.left.id == w and isinstance(
            value.op, (ast.Sub, ast.Add)):
        op = "-=" if isinstance(value.op, ast.Sub) else "+="
        return f"with torch.no_grad(): {w} {op} {source_of(value.right, source)}"
    return f"with torch.no_grad(): {w}.copy_({source_of(value, source)})"


def _manual_update_words(w: str) -> str:
    return (f"update {w} in place under `with torch.no_grad():` ({w} -= lr * {w}.grad) wherever you rebound it "
            f"with {w} = {w} - ..., so {w} stays the leaf; then reset {w}.grad.")


def _rebinding_updates(ctx: Context, w: str) -> list[Stmt]:
    """Every statement since the last %reset that rebound `w` from `w.grad` outside no_grad."""
    found = []
    for stmt in ctx.stmts:
        node = stmt.node
        if "no_grad" in stmt.contexts or not (isinstance(node, ast.Assign) and len(node.targets) == 1 and
                                               isinstance(node.targets[0], ast.Name) and node.targets[0].id == w):
            continue
        if any(isinstance(s, ast.Attribute) and s.attr == "grad" and isinstance(s.value, ast.Name)
               and s.value.id == w for s in ast.walk(node.value)):
            found.append(stmt)
    return found


def _manual_update_candidates(ctx: Context, w: str) -> list:
    """Each rebinding update (in whichever input it was typed) written in place under no_grad; in a loop
    also with `w.grad = None` after it, so the next step's gradient does not add up."""
    from tutor.hints.fixes import Candidate, replace_stmt

    updates = _rebinding_updates(ctx, w)
    if not updates:
        return []
    looped = any("loop" in s.contexts for s in updates)
    found = []
    for reset in ((True, False) if looped else (False, True)):
        replaces, shown = {}, ""  # shown: the latest update, rewritten
        for index in sorted({s.index for s in updates}):
            text = ctx.source_of_input(index)
            mine = sorted((s for s in updates if s.index == index), key=lambda s: (s.node.lineno, s.node.col_offset))
            for stmt in reversed(mine):
                site = ctx.site_of(stmt)
                if site is None or text is None:
                    text = None
                    break
                code = _manual_update_fix(ctx, w, stmt.node.value, stmt.source)
                if reset:
                    code = f"with torch.no_grad():\n    {code.split(': ', 1)[1]}\n{w}.grad = None"
                text = replace_stmt(text, site.stmt, code)
                if stmt is updates[-1]:
                    shown = code
            if text is None:
                break
            replaces[index] = text
        else:
            found.append(Candidate(shown, replaces))
    return found


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
            "", candidates=_manual_update_candidates(ctx, w),
            words=_manual_update_words(w))
    return None
