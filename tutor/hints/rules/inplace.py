"""Rules about in-place changes: on a leaf that requires grad, and on a tensor backward still needs."""

from __future__ import annotations

import ast
import re

from tutor.hints.context import Context, call_name, inplace_target, source_of
from tutor.hints.rules.common import rule, stmt_value_src, _OPS


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
