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
        hint = _detach_compare(ctx, pair, sa, sb, (ta, tb))
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


def _detach_compare(ctx: Context, pair, sa: str, sb: str, values) -> Hint | None:
    """x.grad compared with a derivative it does not hold: the sum of several passes (grad-accumulation: typed
    one after the other, or one backward run several times by a loop), or one pass through u = y.detach(),
    which treats u as a constant (detach-semantics). `values`: both sides, as float64 tensors."""
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
    passes = _passes_since_reset(ctx, x)
    if not passes:
        return None
    if len(passes) > 1:
        return _summed_passes(ctx, x, passes, sb if pair[0] is grad_side else sa)
    stmt, target, pieces = passes[0]  # the only pass that reached x
    if "loop" in stmt.contexts:
        grad, other = values if pair[0] is grad_side else values[::-1]
        return _looped_passes(ctx, x, passes[0], grad, other, sb if pair[0] is grad_side else sa)
    used = [(u, s) for u, s in detached if any(u in names_in(p.node) for p in pieces)]
    if not used:
        return None
    u, ustmt = used[0]
    base = source_of(ustmt.node.value.func.value, ustmt.source)
    zdef = next((p for p in pieces if p.name and u in names_in(p.node)), None)
    fix = (f"{zdef.name} = {zdef.src().replace(u, paren(base))}  # keep {base} in the graph for the full "
           f"derivative" if zdef and not zdef.name.startswith("def ") else
           f"use {base} instead of {u} where the gradient should flow")
    return ctx.hint(
        "detach-semantics",
        f"{x}.grad treats {u} = {source_of(ustmt.node.value, ustmt.source)} as a constant, so it is not "
        f"the full derivative you compared it with: no gradient flows through {u}.",
        fix, candidates=_attached(ctx, zdef or pieces[0], stmt, u, base))


def _passes_since_reset(ctx: Context, x: str) -> list:
    """(statement, target, chain) of every backward pass that reached `x` since its .grad was last reset,
    newest first: what x.grad holds now is their sum."""
    from tutor.hints.reach import resets_grad

    found = []
    for stmt in reversed(ctx.stmts):
        if stmt.current:
            continue
        calls = list(ctx.backward_calls(stmt.node))
        for call, target, kind in reversed(calls):
            if kind != "backward" or target is None:
                continue
            pieces = chain(ctx, target, stmt.source)
            if x in {n for p in pieces for n in names_in(p.node)}:
                found.append((stmt, target, pieces))
        if x in resets_grad(stmt.node) or "*" in resets_grad(stmt.node) or "loop" in stmt.contexts:
            break
    return found


def _summed_passes(ctx: Context, x: str, passes: list, other: str) -> Hint:
    """x.grad compared with one pass's derivative while it holds the sum of several passes."""
    from tutor.hints.fixes import insert_before, Candidate

    latest, target, _ = passes[0]
    shown = [f"{paren(source_of(t, s.source), t)}.backward()" for s, t, _ in reversed(passes)]
    candidates = []
    text = ctx.source_of_input(latest.index)
    site = ctx.site_of(latest)
    if site is not None and text is not None:  # (never in a loop: a loop ends the search for passes)
        edited = insert_before(site.source, site.stmt, f"{x}.grad = None")
        if edited is not None:
            candidates.append(Candidate(f"{x}.grad = None\n{site.segment(site.stmt).strip()}",
                                        {latest.index: edited}))
    return ctx.hint(
        "grad-accumulation",
        f"{x}.grad is not {other}: it holds the sum of {len(passes)} backward passes "
        f"since it was last reset ({', then '.join(shown)}): backward() adds to .grad, so it is not the "
        f"derivative of the last pass alone.",
        "", candidates=candidates,
        words=f"set {x}.grad = None (or {x}.grad.zero_()) before {shown[-1]}, then compare again.")


def _looped_passes(ctx: Context, x: str, found, grad, other, other_src: str) -> Hint | None:
    """x.grad compared with one pass's derivative, `other`, while a loop ran that backward k times without a
    reset: x.grad is exactly k times `other` (k a whole number >= 2). None when it is not."""
    from tutor.hints.fixes import Candidate, insert_before

    torch = ctx.torch
    stmt, target, _ = found
    nonzero = other != 0
    if not bool(nonzero.any()):
        return None
    ratio = grad[nonzero] / other[nonzero]
    k = round(float(ratio[0]))
    if k < 2 or not torch.allclose(grad, k * other, rtol=1e-5, atol=1e-6):
        return None
    shown = f"{paren(source_of(target, stmt.source), target)}.backward()"
    site = ctx.site_of(stmt)
    edited = insert_before(site.source, site.stmt, f"{x}.grad = None") if site is not None else None
    candidates = [Candidate(site.in_context(site.stmt, edited) or f"{x}.grad = None\n{shown}", {stmt.index: edited})] \
        if edited is not None else []
    return ctx.hint(
        "grad-accumulation",
        f"{x}.grad is {k} times {other_src}: {shown} runs in a loop, and each pass adds its gradient to "
        f"{x}.grad, so after {k} passes without a reset it holds their sum.",
        "", candidates=candidates,
        words=f"set {x}.grad = None (or {x}.grad.zero_()) in the loop, before {shown}, so each pass starts "
              f"from zero.")


def _attached(ctx: Context, piece, stmt, u: str, base: str) -> list:
    """The expression that used the detached `u` (the assignment that made the output, a function the
    output was computed by, or the backward call itself, `stmt`), with `base` in place of `u`: the full
    derivative flows again. (`piece` uses u: it is the piece found to use it, or the only unnamed one.)"""
    from tutor.hints.rules.common import input_of_function, same_node, site_and_node

    uses = [n for n in ast.walk(piece.node) if isinstance(n, ast.Name) and n.id == u]
    if piece.stmt is not None:
        index = piece.stmt.index
    elif (piece.name or "").startswith("def "):
        index = input_of_function(ctx, piece.name[4:])
    else:
        index = stmt.index
    site, first = site_and_node(ctx, index, uses[0])
    if site is None:
        return []
    nodes = [same_node(site.tree, n) for n in uses]
    if any(n is None for n in nodes):
        return []
    return [site.splice_all([(n, paren(base)) for n in nodes])]
