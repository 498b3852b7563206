"""Rules about in-place changes: on a leaf that requires grad, and on a tensor backward still needs."""

from __future__ import annotations

import ast
import re

from tutor.hints import fixes
from tutor.hints.context import Context, call_name, inplace_target, is_true, source_of
from tutor.hints.rules.common import rule, stmt_value_src, _OPS

# in-place methods with an operator of their own (y.add_(1) -> y = y + 1)
_METHOD_OPS = {"add_": "+", "sub_": "-", "mul_": "*", "div_": "/", "pow_": "**"}


def out_of_place(node: ast.stmt, src) -> str | None:
    """The out-of-place form of an in-place statement, in the learner's names and expressions
    (`y += 1` -> `y = y + 1`, `y.add_(1)` -> `y = y + 1`, `y.clamp_(0)` -> `y = y.clamp(0)`); `src(node)`
    gives the learner's text of a node. None for `y[0] = 0` (see clone_first). `node` is an in-place
    statement (inplace_target finds its target)."""
    name, how = inplace_target(node)
    if how == "augassign":
        return f"{name} = {name} {_OPS.get(type(node.op), '+')} {src(node.value)}"
    if how == "method":
        call = node.value
        meth = call.func.attr
        if meth in _METHOD_OPS and len(call.args) == 1 and not call.keywords:
            return f"{name} = {name} {_METHOD_OPS[meth]} {src(call.args[0])}"
        args = src(call)[len(src(call.func)):]
        return f"{name} = {name}.{meth[:-1]}{args}"
    return None


def inplace_candidates(site, node: ast.stmt) -> list:
    """Fixes for the in-place statement `node` of `site` (best first): written out of place, or the
    tensor copied with .clone() just before the in-place change."""
    found = inplace_target(node)
    if site is None or found is None:
        return []
    name = found[0]
    new = out_of_place(node, site.segment)
    out = [site.replace(node, new)] if new is not None else []
    out.append(site.insert_before(node, f"{name} = {name}.clone()"))
    return out


def saved_candidates(ctx: Context) -> list:
    """For 'modified by an inplace operation': each in-place change the learner made (latest first, in the
    session's statements or in the body of a helper they defined) rewritten; prove() keeps the first that
    really stops the error."""
    found = []
    for stmt in reversed(ctx.stmts):
        if len(found) >= 2 * fixes.MAX_TRIES:
            break
        if isinstance(stmt.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            site = ctx.site_of(stmt)
            if site is None:
                continue
            params = {a.arg for a in stmt.node.args.args}
            for node in ast.walk(site.stmt):
                hit = inplace_target(node) if isinstance(node, ast.stmt) else None
                if hit is not None and hit[0] not in params:
                    found += inplace_candidates(site, node)
            continue
        hit = inplace_target(stmt.node)
        if hit is None or ctx.tensor(hit[0]) is None or ctx.tensor(hit[0])._version == 0:
            continue
        if _changed_before(ctx, hit[0], stmt):
            continue  # `h /= h.sum(); h *= 10`: once the first is out of place, the later ones change a new tensor
        found += inplace_candidates(ctx.site_of(stmt), stmt.node)
    return [c for c in found if c is not None]


def _changed_before(ctx: Context, name: str, stmt) -> bool:
    """Whether an earlier statement changed `name` in place since it was last bound (`name = ...`)."""
    for earlier in reversed(ctx.stmts[:stmt.order]):
        node = earlier.node
        if inplace_target(node) is not None and inplace_target(node)[0] == name:
            return True
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return False
    return False


@rule(20)
def inplace_on_leaf(ctx: Context):
    if not ctx.error_is("RuntimeError", "leaf variable that requires grad is being used in an in-place"):
        return None
    tree = ctx.error_tree or ctx.tree
    stmt = None
    for node in ast.walk(tree) if tree is not None else []:
        if isinstance(node, ast.stmt) and inplace_target(node) and _may_be_leaf(ctx, inplace_target(node)[0]):
            stmt = node
            break
    if stmt is None:
        step = next((n for n in ast.walk(tree) if _is_grad_step(n)), None) if tree is not None else None
        if step is not None:  # `self.w -= lr * self.w.grad` in a method: a leaf held by an attribute
            s = ctx.error_src(step)
            target = step.target if isinstance(step, ast.AugAssign) else step.value.func.value
            return ctx.hint(
                "inplace-on-leaf",
                f"`{s}` is a gradient step on the leaf {ctx.error_src(target)}, and with grad mode on autograd "
                f"refuses to change a leaf it differentiates.", "", candidates=_steps_under_no_grad(ctx),
                words=f"make the update under `with torch.no_grad():` (`with torch.no_grad(): {s}`), and the "
                      f"other parameter updates next to it too.")
        hint = _inplace_call_on_leaf(ctx)
        if hint is not None:
            return hint
        return ctx.hint("inplace-on-leaf", "An in-place operation changed a leaf that requires grad.", "")
    x, how = inplace_target(stmt)
    s = ctx.error_src(stmt)
    candidates = _leaf_candidates(ctx, stmt)
    if any(isinstance(n, ast.Attribute) and n.attr == "grad" for n in ast.walk(stmt)):
        return ctx.hint(
            "inplace-on-leaf",
            f"`{s}` is a gradient step on the leaf {x}, and with grad mode on autograd refuses to change "
            f"a leaf it differentiates.",
            f"with torch.no_grad(): {s}", candidates=candidates)
    if how == "augassign":
        new = f"{x}_new = {x} {_OPS.get(type(stmt.op), '+')} {ctx.error_src(stmt.value)}"
        fix = f"{new}  # a new tensor; or with torch.no_grad(): {s} to change {x} itself"
    else:
        fix = f"with torch.no_grad(): {s}  # or set the values before requires_grad_()"
    base = _viewed_leaf(ctx, x)
    if base is not None:  # b = a.view(4); b.add_(1): b is no leaf, it shares a's memory
        return ctx.hint(
            "inplace-on-leaf",
            f"{x} is a view of the leaf {base}, which requires grad: `{s}` would overwrite {base}'s values, "
            f"the ones autograd differentiates with respect to.", fix, candidates=candidates)
    return ctx.hint(
        "inplace-on-leaf",
        f"{x} is a leaf that requires grad: `{s}` would overwrite the values autograd differentiates with "
        f"respect to.", fix, candidates=candidates)


def _may_be_leaf(ctx: Context, name: str) -> bool:
    """Whether the in-place statement on `name` can be the one that changed a leaf requiring grad: `name` is
    one, or a view of one (`running_loss += loss.item()`, `torch.relu_(w)` and `v.copy_(w)` with v a plain
    tensor are not). A name the session does not hold is a helper's local: it may be."""
    t = ctx.tensor(name)
    if t is None:
        return ctx.in_function or name not in ctx.ns
    base = t if t.is_leaf else getattr(t, "_base", None)
    return base is not None and base.is_leaf and base.requires_grad


def _value(ctx: Context, node: ast.AST):
    """What `node` holds: a name or expression, else an attribute read from the objects' own __dict__."""
    from tutor.hints import reach

    found = ctx.try_value(node)
    return found if found is not None else reach.attribute_in_frames(ctx, node)


def _inplace_call_on_leaf(ctx: Context):
    """An in-place call inside a bigger statement, or on an attribute: `y = x.add_(1)`, `print(w.mul_(2))`,
    `model.w.uniform_(-1, 1)`, `torch.relu_(w)`, `F.relu(w, inplace=True)`. The leaf changed is the method's
    tensor, or the first argument; the fix computes a new tensor where torch has an out-of-place twin, else
    (uniform_, copy_, fill_: setting values) makes the change under no_grad."""
    site = ctx.error_site
    if site is None or site.stmt is None:
        return None
    for call in (n for n in ast.walk(site.stmt) if isinstance(n, ast.Call)):
        found = _changed_by(ctx, call, site)
        if found is None:
            continue
        x, t, new = found
        candidates = [site.splice(call, new)] if new is not None else []
        line = site.segment(site.stmt)
        if "\n" not in line:
            candidates.append(site.replace(site.stmt, f"with torch.no_grad(): {line}"))
        s = site.segment(call)
        instead = f"compute a new tensor ({new}) instead of changing {x} in place, or " if new is not None else ""
        return ctx.hint(
            "inplace-on-leaf",
            f"{x} is a leaf that requires grad: `{s}` changes {x} in place, overwriting the values autograd "
            f"differentiates with respect to.", "", candidates=[c for c in candidates if c is not None],
            words=f"{instead}make the change under `with torch.no_grad():` if you mean to set {x}'s values.")
    return None


def _changed_by(ctx: Context, call: ast.Call, site):
    """(the leaf's text, the leaf, the call written out of place or None) when `call` changes a leaf that
    requires grad in place; else None."""
    torch = ctx.torch
    f, new = call.func, None
    if call.args and any(k.arg == "inplace" and is_true(k.value) for k in call.keywords):  # F.relu(w, inplace=True)
        target = call.args[0]
        kept = [site.segment(a) for a in call.args] + [site.segment(k) for k in call.keywords if k.arg != "inplace"]
        new = f"{site.segment(f)}({', '.join(kept)})"
    elif isinstance(f, ast.Attribute) and f.attr.endswith("_") and not f.attr.startswith("_") \
            and f.attr != "requires_grad_":
        owner = _value(ctx, f.value)
        if owner is torch and call.args:  # torch.relu_(w)
            target = call.args[0]
            if callable(getattr(torch, f.attr[:-1], None)):
                new = f"{site.segment(f)[:-1]}{site.segment(call)[len(site.segment(f)):]}"
        else:  # w.add_(1), model.w.uniform_(-1, 1)
            target = f.value
            if ctx.is_tensor(owner) and callable(getattr(owner, f.attr[:-1], None)):
                new = f"{site.segment(f.value)}.{f.attr[:-1]}{site.segment(call)[len(site.segment(f)):]}"
    else:
        return None
    if not isinstance(target, (ast.Name, ast.Attribute)):
        return None
    t = _value(ctx, target)
    if not ctx.is_tensor(t) or not t.is_leaf or not t.requires_grad:
        return None
    return site.segment(target), t, new


def _viewed_leaf(ctx: Context, x: str) -> str | None:
    """The name of the leaf that `x` is a view of (x = a.view(4), a[0], a.T), or None."""
    t = ctx.tensor(x)
    base = getattr(t, "_base", None) if t is not None and not t.is_leaf else None
    if base is None:
        return None
    return next((name for name, value in ctx.ns.items() if value is base and not name.startswith("_")), None)


def _is_grad_step(node: ast.AST) -> bool:
    """`p -= lr * p.grad`, `self.w -= ...`, `p.sub_(lr * p.grad)`: an in-place statement that reads a .grad."""
    if isinstance(node, ast.AugAssign) and isinstance(node.target, (ast.Name, ast.Attribute, ast.Subscript)):
        body = node.value
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute) \
            and node.value.func.attr.endswith("_") and not node.value.func.attr.startswith("_"):
        body = node.value
    else:
        return False
    return any(isinstance(n, ast.Attribute) and n.attr == "grad" for n in ast.walk(body))


def _steps_under_no_grad(ctx: Context) -> list:
    """Every gradient step of the function the error happened in, each under `with torch.no_grad():` (the
    first one alone would move the error to the next: `self.b -= lr * self.b.grad`)."""
    from tutor.hints.rules.common import enclosing_def

    site = ctx.error_site
    if site is None or site.stmt is None:
        return []
    holder = enclosing_def(site.tree, site.stmt)
    steps = [n for n in ast.walk(holder if holder is not None else site.stmt) if isinstance(n, ast.stmt)
             and _is_grad_step(n) and "\n" not in site.segment(n)]
    found = site.replace_all([(n, f"with torch.no_grad(): {site.segment(n)}") for n in steps])
    return [found] if found is not None else []


def _leaf_candidates(ctx: Context, stmt: ast.stmt) -> list:
    """The learner's line kept, inside `with torch.no_grad():`; else written out of place."""
    site = ctx.error_site
    if site is None or site.stmt is None or inplace_target(site.stmt) is None:
        return []
    line = site.segment(site.stmt)
    if "\n" in line:
        return []
    found = [site.replace(site.stmt, f"with torch.no_grad(): {line}")]
    new = out_of_place(site.stmt, site.segment)
    if new is not None:
        found.append(site.replace(site.stmt, new))
    return found


@rule(20)
def inplace_saved(ctx: Context):
    if not ctx.error_is("RuntimeError", "modified by an inplace operation"):
        return None
    m = re.search(r"output (\d+) of (\w+)", ctx.error.message)
    op = m.group(2) if m else "an operation"
    v = re.search(r"is at version (\d+); expected version (\d+)", ctx.error.message)
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
                f"{name} = {base}.detach().clone()  # an independent copy you may change",
                candidates=_cloned_where_detached(ctx, a))
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
            f"`{s}`{where} changed {name} in place, but the backward pass of {op} needs the value it saved"
            + (f" (version {v.group(2)}; now version {v.group(1)})." if v else "."), fix,
            candidates=saved_candidates(ctx))
    saved = f"the backward pass of {op} needs the value it saved" + (
        f" (version {v.group(2)}; now version {v.group(1)})." if v else ".")
    inner = _inplace_in_helpers(ctx)
    if len(inner) == 1:  # the one in-place line of the learner's helpers this input or an earlier one called
        callee, node = inner[0]
        return ctx.hint(
            "inplace-saved-tensor",
            f"`{callee.src(node).strip()}` in {callee.name}(){callee.where()} changed {inplace_target(node)[0]} "
            f"in place, but {saved}", "", candidates=saved_candidates(ctx))
    return ctx.hint("inplace-saved-tensor",
                    f"A tensor saved by {op} for the backward pass was changed in place afterwards.",
                    "", candidates=saved_candidates(ctx))


def _inplace_in_helpers(ctx: Context) -> list:
    """(callee, statement) for each in-place statement in the learner functions called where the graph of
    the failing backward was built: the failing input and the assignments its output came from (a helper
    that changed some other tensor in place is not a suspect), each function once."""
    from tutor.hints import reach
    from tutor.hints.rules.common import chain

    built = [ctx.tree] if ctx.tree is not None else []
    for _call, target, _kind in ctx.backward_calls(ctx.tree) if ctx.tree is not None else []:
        if target is not None:
            built += [p.stmt.node for p in chain(ctx, target, ctx.source) if p.stmt is not None]
    found, seen = [], set()
    for node in built:
        for callee in reach.callees(ctx, node):
            key = (callee.index, callee.name, callee.node.lineno)  # each call parses the def anew: not its id
            if key in seen:
                continue
            seen.add(key)
            found += [(callee, n) for n in ast.walk(callee.node) if isinstance(n, ast.stmt) and inplace_target(n)]
    return found


def _cloned_where_detached(ctx: Context, a) -> list:
    """`u = y.detach()` (the assignment `a`, this input or an earlier one) as `u = y.detach().clone()`:
    an independent copy, so changing it in place leaves y as backward needs it."""
    from tutor.hints.rules.common import site_and_node

    site, call = site_and_node(ctx, a.stmt.index, a.value)
    if site is None:
        return []
    return [site.splice(call, f"{site.segment(call)}.clone()")]
