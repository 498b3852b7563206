"""Rules about comparing results: exact float equality, and .grad compared after a detach()."""

from __future__ import annotations

import ast

from tutor.hints.context import Context, call_name, names_in, paren, source_of
from tutor.hints.rules.common import rule, chain
from tutor.outcome import Hint


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
