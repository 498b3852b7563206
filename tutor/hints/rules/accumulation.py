"""Rules about gradients that add up: backward() adds into .grad, it does not replace it."""

from __future__ import annotations

import ast

from tutor.hints import fixes, reach
from tutor.hints.context import Context, call_name, is_true, keyword, names_in, source_of
from tutor.hints.rules.common import rule, brief


@rule(40)
def accumulation(ctx: Context):
    if ctx.tree is None or not ctx.outcome.gradients or ctx.error is not None:
        return None
    from tutor.hints.rules.calls import handles_accumulation

    if handles_accumulation(ctx):
        return None  # loops and learner functions: calls.accumulation_through_calls looks inside them
    calls = [(c, t, k) for c, t, k in ctx.backward_calls(ctx.tree) if k == "backward"]
    if not calls:
        return None
    if any(isinstance(t, ast.Attribute) and t.attr == "grad" for _, t, _ in calls):
        return None  # x.grad.backward(): the grad-of-grad rule explains it
    resets = reach.resets_grad(ctx.tree)
    if "*" in resets:
        return None  # opt.zero_grad() in this input
    added = _added_up(ctx, resets)  # (an input with a loop never gets here: see handles_accumulation)
    if not added:
        return None
    change, names = added[0], [c.name for c in added]
    site = ctx.current_site
    candidates = [typed_now(ctx, site, calls, names)]
    stmt = fixes.enclosing_stmt(site.tree, calls[0][0])
    for reset in ("{}.grad = None", "{}.grad.zero_()"):  # every gradient that added up, not just the first
        code = "\n".join(reset.format(n) for n in names)
        candidates.append(site.insert_before(stmt, code, _shown_with_line(site, stmt, code))
                          if stmt is not None else None)
    candidates = [c for c in candidates if c is not None]
    check = one_pass(added)
    for c in candidates:
        c.check = check
    resets_words = ", ".join(f"`{n}.grad = None`" for n in names)
    return ctx.hint(
        "grad-accumulation",
        f"{change.name}.grad went from {brief(change.old)}{_left_by(ctx, change.name)} to {brief(change.new)}: "
        f"backward() adds to .grad, it does not replace it.",
        f"{change.name}.grad.zero_()  # before the next backward", candidates=candidates,
        words=f"reset {' and '.join(n + '.grad' for n in names)} ({resets_words}) before the next backward pass.")


def _shown_with_line(site, stmt: ast.stmt, code: str) -> str | None:
    """`code` then the whole line of the top-level `stmt` when other statements share it (`a.backward();
    b.backward()`: the reset goes before both), else None (the usual display)."""
    body = site.tree.body
    if not any(stmt is top for top in body) or not any(
            other is not stmt and other.lineno <= stmt.end_lineno and other.end_lineno >= stmt.lineno for other in body):
        return None
    return code + "\n" + "\n".join(site.source.splitlines()[stmt.lineno - 1:stmt.end_lineno]).strip()


def _left_by(ctx: Context, name: str) -> str:
    """' (left by In [2])' in a notebook: the cell whose backward left the old gradient behind."""
    earlier = ctx.earlier_grad_change(name)
    where = ctx.input_name(earlier.index) if earlier is not None else ""
    return f" (left by {where})" if where else ""


def _added_up(ctx: Context, resets: set[str]) -> list:
    """The gradient changes of this input that added to a gradient an earlier pass left (not reset first)."""
    found = []
    for change in ctx.outcome.gradients:
        new, old = change.new, change.old
        if not ctx.is_tensor(new) or not new.is_floating_point() or change.name in resets:
            continue  # cleared (None), or an integer tensor's .grad, or reset in this input
        if not change.old_known or not ctx.is_tensor(old) or old.shape != new.shape:
            continue
        if bool(old.abs().sum()) and not bool((old == new).all()):
            found.append(change)
    return found


def one_pass(changes: list):
    """A Candidate check: after the fix each .grad holds what this input's pass added, no more (the gradient
    of one pass, worked out from the values before and after it, not from the fix)."""
    wanted = [(c.name, (c.new - c.old).detach().clone()) for c in changes]

    def check(session, outcome) -> str | None:
        import torch

        for name, want in wanted:
            try:
                t = eval(name, {"__builtins__": {}}, dict(session.namespace))  # noqa: S307 - a name the tutor printed
            except Exception:  # noqa: BLE001
                return f"{name} is gone after the fix"
            grad = getattr(t, "grad", None)
            if grad is None:
                return f"{name}.grad is None after the fix: no backward pass filled it"
            if grad.shape != want.shape or not torch.allclose(grad, want.to(grad.dtype), rtol=1e-5, atol=1e-6):
                return f"{name}.grad is {brief(grad)}, not the one pass's {brief(want)}"
        return None

    return check


def typed_now(ctx: Context, site, calls: list, names: list[str]):
    """Code to type after this input, which already ran: reset the gradients, build the graph again (it was
    freed, unless the pass kept it with retain_graph=True) and run the pass again, as typed. Its edit is
    this input followed by the code, so the hint shows it as the next thing to type."""
    if len(calls) != 1:
        return None
    call, target, _ = calls[0]
    stmt = fixes.enclosing_stmt(site.tree, call)
    if stmt is None or not any(stmt is s for s in site.tree.body) or not isinstance(stmt, ast.Expr):
        return None
    kept = is_true(keyword(call, "retain_graph"))
    rebuild = [] if kept or target is None else _graph_statements(ctx, target)
    if rebuild is None:
        return None
    code = "\n".join([f"{n}.grad = None" for n in names] + rebuild + [site.segment(stmt).strip()])
    return fixes.Candidate(code, {site.index: site.source.rstrip() + "\n" + code})


def _graph_statements(ctx: Context, target: ast.AST, limit: int = 6) -> list[str] | None:
    """The learner's statements that computed `target`'s non-leaf tensors, oldest first, as typed (None when
    one cannot simply be run again: in a loop, unpacked, or rebinding its own name)."""
    todo, seen, found = list(names_in(target)), set(), {}
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        t = ctx.tensor(name)
        if t is None or t.grad_fn is None:
            continue  # a leaf (or not a tensor): nothing to build again
        a = ctx.assignment(name)
        if a is None or a.value is None or a.unpacked or a.augmented or a.stmt.contexts:
            return None
        node = a.stmt.node
        if not isinstance(node, ast.Assign) or node.lineno != node.end_lineno or name in names_in(a.value):
            return None
        found[a.stmt.order] = a.stmt.src().strip()
        if len(found) > limit:
            return None
        todo.extend(names_in(a.value))
    return [found[k] for k in sorted(found)]
