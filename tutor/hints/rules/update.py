"""Rules about parameter updates that change nothing: the update is assigned to a name that only the
helper (or the loop) sees.

`def sgd(params, lr): for p in params: p = p - lr * p.grad` runs without an error and leaves every
parameter as it was: `p = ...` binds the local name p to a new tensor, it never touches the tensor p
named a moment before. The same holds for a function's own parameter (`def step(w): w = w - lr *
w.grad`) and for a loop variable at the top level (`for p in [w, b]: p = p - lr * p.grad`). Training
then "runs" and learns nothing. The fix is an in-place update under torch.no_grad(), which changes the
tensor itself (D2L 2.5.1 and the from-scratch sgd of chapter 3).
"""

from __future__ import annotations

import ast

from tutor.hints import reach
from tutor.hints.context import Context
from tutor.hints.rules.common import SUPERSEDES, in_place_update, rule

# `for p in [w, b]: p = p - lr * p.grad`: the update never reaches w and b; that p (a loop variable) now names
# a computed tensor is the same mistake seen from the other side, and its fix would be a second, different one
SUPERSEDES.setdefault("update-rebinds-name", set()).add("manual-update-nonleaf")


def _grad_of(node: ast.AST, name: str) -> bool:
    """Whether `node` is an update of `name` from its gradient: it reads `name.grad` and `name` itself
    (`p - lr * p.grad`, not `p.grad` alone, which only looks at the gradient)."""
    grads = [s for s in ast.walk(node) if isinstance(s, ast.Attribute) and s.attr == "grad"
             and isinstance(s.value, ast.Name) and s.value.id == name]
    inside = {id(g.value) for g in grads}
    itself = [s for s in ast.walk(node) if isinstance(s, ast.Name) and s.id == name and id(s) not in inside]
    return bool(grads) and bool(itself)


def _pairs(stmt: ast.Assign) -> list[tuple[str, ast.expr]]:
    """(name, value) for `p = value` and `w, b = v1, v2`."""
    if len(stmt.targets) != 1:
        return []
    target = stmt.targets[0]
    if isinstance(target, ast.Name):
        return [(target.id, stmt.value)]
    if isinstance(target, ast.Tuple) and isinstance(stmt.value, ast.Tuple) and \
            len(target.elts) == len(stmt.value.elts):
        return [(t.id, v) for t, v in zip(target.elts, stmt.value.elts) if isinstance(t, ast.Name)]
    return []


def _kept(body: list[ast.stmt], name: str, update: ast.stmt) -> bool:
    """Whether the new value of `name` leaves the function or loop: returned, yielded, stored into a
    container or an attribute, or appended (a parameter cannot be declared global). Only code after `update`
    sees the new value (`norms.append(p.grad.norm())` before it reads the old one), unless a loop inside
    `body` runs it again."""
    looped = any(isinstance(s, (ast.For, ast.While)) and any(n is update for n in ast.walk(s))
                 for b in body for s in ast.walk(b))
    end = (update.end_lineno, update.end_col_offset)
    for stmt in body:
        for sub in ast.walk(stmt):
            if not looped and (getattr(sub, "lineno", 0), getattr(sub, "col_offset", 0)) < end:
                continue
            if isinstance(sub, (ast.Return, ast.Yield, ast.YieldFrom)) and sub.value is not None and \
                    any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(sub.value)):
                return True
            if isinstance(sub, (ast.Assign, ast.AugAssign)):
                targets = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
                stored = any(isinstance(t, (ast.Subscript, ast.Attribute)) for t in targets)
                if stored and any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(sub.value)):
                    return True
            if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and \
                    sub.func.attr in ("append", "extend", "insert", "add", "copy_", "set_"):
                if any(isinstance(n, ast.Name) and n.id == name for a in sub.args for n in ast.walk(a)):
                    return True
    return False


def _loop_targets(loop: ast.For) -> set[str]:
    return {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}


def _rebinds(body: list[ast.stmt], owned: set[str]):
    """(assignment, name, loop or None) for each `name = ... name.grad ...` in `body` where `name` is one of
    `owned` (the function's parameters) or the target of a for loop around the assignment."""
    found = []

    def visit(stmts, names, loop):
        for stmt in stmts:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue
            if isinstance(stmt, ast.Assign):
                for name, value in _pairs(stmt):
                    if name in names and _grad_of(value, name):
                        found.append((stmt, name, names[name]))
            if isinstance(stmt, ast.For):
                inner = dict(names)
                inner.update({n: stmt for n in _loop_targets(stmt)})
                visit(stmt.body, inner, stmt)
                visit(stmt.orelse, names, loop)
                continue
            for field in ("body", "orelse", "finalbody", "handlers"):
                block = getattr(stmt, field, None)
                if isinstance(block, list):
                    visit([s for s in block if isinstance(s, ast.stmt)] +
                          [s for h in block if isinstance(h, ast.ExceptHandler) for s in h.body], names, loop)

    visit(body, {n: None for n in owned}, None)
    return found


def _params(node: ast.FunctionDef) -> set[str]:
    args = node.args
    every = args.posonlyargs + args.args + args.kwonlyargs + [a for a in (args.vararg, args.kwarg) if a]
    return {a.arg for a in every}


def _passed(callee: reach.Callee, name: str, loop: ast.For | None, source_of) -> str:
    """What the caller handed in that `name` stands for: `[w, b]` for `for p in params`, `w` for `w`; a
    loop over a name the helper does not take (a global list) names that list."""
    holder = name
    if loop is not None and isinstance(loop.iter, ast.Name):
        holder = loop.iter.id
    arg = callee.params.get(holder)
    if arg is None:
        return holder if holder != name else ""
    return source_of(arg)


@rule(30)
def update_rebinds_name(ctx: Context):
    """A silent update that only rebinds a helper's parameter or a loop variable."""
    if ctx.tree is None or ctx.error is not None:
        return None
    places = [(None, ctx.tree.body, set(), ctx.outcome.index, ctx.source)]
    for callee in reach.callees(ctx, ctx.tree):
        if isinstance(callee.node, ast.FunctionDef) and callee.index is not None:
            places.append((callee, callee.node.body, _params(callee.node), callee.index, callee.source))
    for callee, body, owned, index, source in places:
        for stmt, name, loop in _rebinds(body, owned):
            if _kept(loop.body if loop is not None else body, name, stmt):
                continue
            return _hint(ctx, callee, stmt, name, loop, index, source)
    return None


def _hint(ctx: Context, callee, stmt: ast.Assign, name: str, loop, index: int, source: str):
    from tutor.hints.fixes import segment

    line = segment(source, stmt).strip() or ast.unparse(stmt)
    where = f" in {callee.name}()" + callee.where() if callee is not None else ""
    caller = ctx.source if callee is not None and callee.depth == 0 else ""  # where the call's arguments are
    passed = _passed(callee, name, loop, lambda n: (segment(caller, n) if caller else "") or ast.unparse(n)) \
        if callee is not None else (segment(source, loop.iter) if loop is not None else "")
    if loop is not None:
        subject, what = "a loop variable", (f"the tensors in {passed}" if passed else "the tensors it goes over")
        keep = "keep their"
    else:
        subject, what, keep = "the function's own parameter", passed or f"the tensor {name} named", "keeps its"
    explanation = (f"`{line}`{where} binds {name}, {subject}, to a new tensor; {what} {keep} old values, "
                   f"so the update changes nothing and training learns nothing.")
    updates = _in_place(stmt, source)  # one per name bound: `name` at least
    body = "\n".join(f"    {u}" for u in updates)
    site = ctx.site(index)  # `stmt` found again in its input by position (a one-line loop holds two statements)
    target = next((n for n in ast.walk(site.tree) if isinstance(n, ast.Assign) and n.lineno == stmt.lineno
                   and n.col_offset == stmt.col_offset), None) if site is not None else None
    candidates = [site.replace(target, f"with torch.no_grad():\n{body}")] if target is not None else []
    words = (f"change the tensor itself, in place and outside the graph: `with torch.no_grad(): "
             f"{updates[0]}` instead of `{line}`.")
    return ctx.hint("update-rebinds-name", explanation, "", candidates=candidates, words=words)


def _in_place(stmt: ast.Assign, source: str) -> list[str]:
    """`p = p - lr * p.grad` as `p -= lr * p.grad`, per name it binds."""
    targets = stmt.targets[0].elts if isinstance(stmt.targets[0], ast.Tuple) else [stmt.targets[0]]
    values = stmt.value.elts if isinstance(stmt.targets[0], ast.Tuple) else [stmt.value]
    return [in_place_update(t, v, source) for t, v in zip(targets, values) if isinstance(t, ast.Name)]
