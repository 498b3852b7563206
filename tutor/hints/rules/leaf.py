"""Rules about leaves and .grad access: .grad of a non-leaf, .grad before backward, a leaf rebound by a
manual update, a parameter that is not a leaf because of how it was built."""

from __future__ import annotations

import ast
import copy

from tutor.hints.context import Context, Stmt, call_name, is_true, keyword, names_in, paren, source_of
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


def _zeroed_grad(node: ast.AST) -> ast.Attribute | None:
    """The `t.grad` of a call `t.grad.zero_()` or `t.grad.data.zero_()` (older tutorials zero through .data)."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "zero_"
            and not node.args):
        return None
    base = node.func.value
    if isinstance(base, ast.Attribute) and base.attr == "data":
        base = base.value
    return base if isinstance(base, ast.Attribute) and base.attr == "grad" else None


def _zero_of_none(ctx: Context) -> ast.Attribute | None:
    """The `t.grad` whose zero_() (or .data.zero_()) failed because t.grad is None, or None."""
    if not ctx.error_is("AttributeError", "'NoneType' object has no attribute 'zero_'") and not ctx.error_is(
            "AttributeError", "'NoneType' object has no attribute 'data'"):
        return None
    return next((g for g in map(_zeroed_grad, ctx.error_nodes()) if g is not None), None)


@rule(20)
def grad_zero_none(ctx: Context):
    grad = _zero_of_none(ctx)
    if grad is None:
        return None
    x = ctx.error_src(grad.value)
    t = ctx.try_value(grad.value)
    why = (f"{x} is not a leaf, so its .grad is never filled in" if ctx.is_tensor(t) and not t.is_leaf
           else f"no backward pass has reached {x} yet")
    return ctx.hint(
        "grad-zero-none",
        f"{x}.grad is None: {why}, so there is nothing to zero.",
        f"{x}.grad = None  # safe any time; or: if {x}.grad is not None: {x}.grad.zero_()",
        candidates=_zero_candidates(ctx),
        words=f"set {x}.grad = None instead of calling {x}.grad.zero_() (None is safe at any time), "
              f"or zero it only after a backward pass has filled it.")


def _zero_resets(tree: ast.AST) -> list[ast.Expr]:
    """Every statement `<t>.grad.zero_()` (or `<t>.grad.data.zero_()`) in `tree`."""
    return [n for n in ast.walk(tree) if isinstance(n, ast.Expr) and _zeroed_grad(n.value) is not None]


def _zero_candidates(ctx: Context) -> list:
    """Every `t.grad.zero_()` of the failing input rewritten at once (a training loop zeroes w and b before
    the first backward: fixing only the line that raised makes the next one raise): first as
    `t.grad = None`, then guarded with `if t.grad is not None:`."""
    from tutor.hints.fixes import segment

    site = ctx.error_site
    if site is None:
        return []
    found = []
    for style in ("none", "guard"):
        edits = []
        for stmt in _zero_resets(site.tree):
            base = segment(site.source, _zeroed_grad(stmt.value).value)
            edits.append((stmt, f"{base}.grad = None" if style == "none"
                          else f"if {base}.grad is not None:\n    {base}.grad.zero_()"))
        found.append(site.replace_all(edits))  # inside a loop, shown with its loop
    return [c for c in found if c is not None]


def _grad_attr_in_error(ctx: Context) -> tuple[ast.Attribute, str] | None:
    """The `t.grad` read on the failing line, the first whose tensor has no .grad when several are read
    (`print(w.grad.norm(), b.grad.norm())` fails on b)."""
    reads = [n for n in ctx.error_nodes() if isinstance(n, ast.Attribute) and n.attr == "grad"
             and isinstance(n.ctx, ast.Load)]
    for node in reads:
        t = ctx.try_value(node.value)
        if not (ctx.is_tensor(t) and t.grad is not None):
            return node, ctx.error_src(node.value)
    return (reads[0], ctx.error_src(reads[0].value)) if reads else None


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
    if _zero_of_none(ctx) is not None:
        return None  # grad_zero_none explains it
    found = _grad_attr_in_error(ctx)
    if found is None:
        return _stale_grad_copy(ctx)
    node, x = found
    t = ctx.try_value(node.value)
    if t is None and ctx.error is not None:  # self.w inside a method: read it as that frame saw it
        from tutor.hints import reach

        t = reach.attribute_in_frames(ctx, node.value)
    if ctx.is_tensor(t) and not t.is_leaf:
        if isinstance(node.value, ast.Attribute):
            hint = _attribute_update_hint(ctx, x, t)
            if hint is not None:
                return hint
        kind = _nonleaf_kind(ctx, x) if isinstance(node.value, ast.Name) else "nonleaf-grad-access"
        return _nonleaf_hint(ctx, kind, x, t)
    if ctx.is_tensor(t) and t.grad is not None:
        return None  # it was None only inside a loop or function: not ours to guess
    x, via = _caller_name(ctx, node.value, x, t)
    if ctx.is_tensor(t) and not t.requires_grad:
        return ctx.hint(
            "grad-none-before-backward",
            f"{via}{x}.grad is None: {x} does not require grad, so no backward pass fills its .grad.",
            f"{x}.requires_grad_(True)  # then compute and call backward() again",
            words=f"create {x} with requires_grad=True (or call {x}.requires_grad_() before anything is computed "
                  f"from it), then compute the output again and call backward().")
    return _none_before_backward(ctx, x, via)


def _caller_name(ctx: Context, node: ast.AST, x: str, t) -> tuple[str, str]:
    """(name, via): inside the learner's function, the session's own name for the tensor the local `x` holds
    (`update(b)` runs `w.grad` with w = b: b.grad is the one that is None), and the sentence saying so."""
    if not (ctx.in_function and isinstance(node, ast.Name) and ctx.is_tensor(t)):
        return x, ""
    names = [n for n, v in ctx.ns.items() if v is t and not n.startswith("_")]
    if not names or x in names:
        return x, ""
    from tutor.hints import reach

    frames = reach.error_frames(ctx)
    where = f" in {frames[-1].name}()" if frames and frames[-1].name != "<module>" else ""
    return names[0], f"{x}{where} is {names[0]}. "


def _stale_grad_copy(ctx: Context) -> Hint | None:
    """`g = x.grad` read while x.grad was None, then `g` used as a tensor: a backward pass since has given x a
    .grad, but g still names the None it read (it does not follow x.grad)."""
    if ctx.in_function:
        return None
    for node in ctx.error_nodes():
        if not (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)) or node.id not in ctx.ns \
                or ctx.ns[node.id] is not None:
            continue
        a = ctx.assignment(node.id)
        if a is None or a.unpacked or not (isinstance(a.value, ast.Attribute) and a.value.attr == "grad"):
            continue
        t = ctx.try_value(a.value.value)
        if not ctx.is_tensor(t):
            continue
        g, x = node.id, source_of(a.value.value, a.stmt.source)
        read = f"{g} = {stmt_value_src(a.stmt, a.value)}"
        if t.grad is None:
            return _none_before_backward(ctx, x, f"{g} is None: `{read}` read {x}.grad, and ")
        site = ctx.error_site
        candidates = [site.insert_before(site.stmt, read)] if site is not None and site.stmt is not None else []
        return ctx.hint(
            "grad-none-before-backward",
            f"`{read}` ran while {x}.grad was None, so {g} is None. A backward pass has filled {x}.grad since, "
            f"but {g} still names the None it read: it does not follow {x}.grad.",
            "", candidates=[c for c in candidates if c is not None],
            words=f"read {x}.grad after backward() has run (`{read}` again, or use {x}.grad directly).")
    return None


def _attribute_updates(body: list[ast.stmt]) -> list[ast.Assign]:
    """`self.w = self.w - lr * self.w.grad` (an attribute rebound from its own .grad) in a function body."""
    found = []
    for stmt in body:
        for sub in ast.walk(stmt):
            if isinstance(sub, ast.Assign) and len(sub.targets) == 1 and isinstance(sub.targets[0], ast.Attribute):
                target = ast.unparse(sub.targets[0])
                if any(isinstance(n, ast.Attribute) and n.attr == "grad" and ast.unparse(n.value) == target
                       for n in ast.walk(sub.value)):
                    found.append(sub)
    return found


def _attribute_update_hint(ctx: Context, x: str, t) -> Hint | None:
    """self.w.grad is None because a method rebinds self.w = self.w - lr * self.w.grad: after the first
    step self.w names a computed tensor, not the leaf (manual-update-nonleaf, one level down)."""
    from tutor.hints import reach

    frames = reach.error_frames(ctx)
    callee = reach.callee_for_frame(ctx, frames[-1]) if frames else None
    if callee is None or callee.index is None or not isinstance(callee.node, ast.FunctionDef):
        return None
    updates = _attribute_updates(callee.node.body)
    mine = [u for u in updates if ast.unparse(u.targets[0]) == x]
    if not mine:
        return None
    line = callee.src(mine[0]).strip()
    site = ctx.site(callee.index)
    candidates = []
    for reset in (True, False):  # D2L's sgd also resets the gradient; then the update alone
        candidates.append(_in_place_updates(site, updates, reset) if site is not None else None)
    return ctx.hint(
        "manual-update-nonleaf",
        f"`{line}` in {callee.name}(){callee.where()} rebinds {x} to a computed tensor (grad_fn={grad_fn_name(t)}): "
        f"after the first step {x} is no longer the leaf you created, so backward() keeps no .grad for it and "
        f"{x}.grad is None.",
        "", candidates=candidates,
        words=f"update {x} in place under `with torch.no_grad():` ({x} -= lr * {x}.grad) in {callee.name}(), "
              f"so it stays the same leaf.")


def _in_place_updates(site, updates: list[ast.Assign], reset: bool):
    """A Candidate: each `T = T - ... T.grad` of `updates` written as `T -= ...` under no_grad (then
    `T.grad = None` when `reset`), or None."""
    from tutor.hints.fixes import segment
    from tutor.hints.rules.common import in_place_update

    edits = []
    for u in updates:
        same = next((n for n in ast.walk(site.tree) if isinstance(n, ast.Assign) and n.lineno == u.lineno
                     and n.col_offset == u.col_offset), None)
        if same is None:
            return None
        code = f"with torch.no_grad():\n    {in_place_update(same.targets[0], same.value, site.source)}"
        edits.append((same, code + (f"\n{segment(site.source, same.targets[0])}.grad = None" if reset else "")))
    return site.replace_all(edits)


def _none_before_backward(ctx: Context, x: str, via: str = "") -> Hint:
    a = ctx.assignment(x)
    after = a.stmt.order if a is not None else -1
    ran = None
    for stmt in ctx.stmts:
        if stmt.order > after and not stmt.current:
            for call, tgt, kind in ctx.backward_calls(stmt.node):
                ran = (stmt, tgt)
    # The only code worth proving runs backward on one of the learner's own outputs that x reaches; an
    # invented one ((x * 2).sum()) would fill x.grad with the gradient of a function nobody wrote.
    outputs = _outputs_reaching(ctx, x)
    fix = f"{outputs[0]}.backward()" if outputs else ""
    if ran is not None and ran[1] is not None:
        stmt, tgt = ran
        tsrc = source_of(tgt, stmt.source)
        cut = _cut_from(ctx, x, tgt, stmt.source)
        if cut is not None:  # b = a.detach(), then c from b: c depends on a's numbers, not on a
            name, made = cut
            return ctx.hint(
                "grad-none-before-backward",
                f"{via}{x}.grad is still None: the backward pass you ran ({paren(tsrc, tgt)}.backward()) did not "
                f"reach {x}, because {tsrc} was computed from {name} = {made}, a copy of {x}'s values cut from "
                f"its graph: no gradient flows back through it.", fix,
                words=f"compute {tsrc} from {x} itself where the gradient should reach {x} (a detached copy is "
                      f"a constant), or read {name}.grad if {name} is the tensor you meant to differentiate.")
        return ctx.hint(
            "grad-none-before-backward",
            f"{via}{x}.grad is still None: the backward pass you ran ({paren(tsrc, tgt)}.backward()) did not "
            f"reach {x}, because {tsrc} does not depend on {x}.", fix,
            words=f"make {tsrc} depend on {x} (use {x} where the output is computed), or run backward() on an "
                  f"output that does, before reading {x}.grad.")
    return ctx.hint(
        "grad-none-before-backward",
        f"{via}{x}.grad is None: no backward pass has reached {x} yet, so there is no gradient to use.", fix)


def _cut_from(ctx: Context, x: str, target: ast.AST, source: str) -> tuple[str, str] | None:
    """(name, its right-hand side) when what `target` was computed from includes `name = x.detach()` (or
    x.data, or a torch.tensor(x) copy): the graph from the output stops there, before x."""
    for piece in chain(ctx, target, source):
        if piece.name is None or piece.stmt is None:
            continue
        for node in ast.walk(piece.node):
            base = None
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "detach":
                base = node.func.value
            elif isinstance(node, ast.Attribute) and node.attr == "data":
                base = node.value
            elif isinstance(node, ast.Call) and call_name(node) == "tensor" and node.args:
                base = node.args[0]
            if isinstance(base, ast.Name) and base.id == x:
                return piece.name, piece.src()
    return None


def _outputs_reaching(ctx: Context, x: str, max_nodes: int = 5_000) -> list[str]:
    """Names of the learner's one-number tensors whose graph leads back to the leaf `x` names."""
    t = ctx.ns.get(x)
    if not (ctx.is_tensor(t) and t.is_leaf and t.requires_grad):
        return []
    found = []
    for name, value in list(ctx.ns.items()):
        if name == x or name.startswith("_") or not ctx.is_tensor(value) or value.grad_fn is None \
                or value.numel() != 1:
            continue
        todo, seen = [value.grad_fn], set()
        while todo and len(seen) < max_nodes:
            fn = todo.pop()
            if fn is None or id(fn) in seen:
                continue
            seen.add(id(fn))
            if getattr(fn, "variable", None) is t:
                found.append(name)
                break
            todo.extend(f for f, _ in fn.next_functions)
    return found


def _made_by(ctx: Context, x: str):
    """The statement that made the tensor `x` names: the latest plain assignment (`x -= ...` changes the
    same tensor in place, or raised, and `x = ...` quoted from it would be a line nobody typed)."""
    a = ctx.assignment(x)
    while a is not None and a.augmented:
        a = ctx.assignment(x, before=a.stmt.order)
    return a


def _quoted(a) -> str:
    """The statement that made the tensor, as the learner typed it (`x = ...` rebuilt only when it spans lines)."""
    node = a.stmt.node
    if isinstance(node, ast.Assign) and node.lineno == node.end_lineno:
        return a.stmt.src().strip()
    return f"{a.name} = {stmt_value_src(a.stmt, a.value)}"


def _nonleaf_hint(ctx: Context, kind: str, x: str, t, via: str = "") -> Hint:
    """The hint for reading `x`.grad while `x` is a non-leaf; `via` says where a helper read it."""
    a = _made_by(ctx, x)
    made = _quoted(a) if a is not None and a.value is not None else x
    check = grad_filled(x)
    if kind == "nonleaf-by-construction" and a is not None:
        fac = _construction_factory(a.value)
        return ctx.hint(
            kind,
            f"{via}{made}: the operation after {_leaf_text(fac)} makes {x} a computed tensor "
            f"({grad_fn_name(t)}), not a leaf, so {x}.grad is never filled in.",
            "", candidates=_construction_candidates(ctx, x, a, check),
            words=f"build {x} as a leaf where you made it: finish the computation, then mark it "
                  f"({x} = (...).requires_grad_()), and run the inputs after it again.")
    if kind == "manual-update-nonleaf" and a is not None:
        return ctx.hint(
            kind,
            f"{via}{made} was recorded by autograd, so {x} now names a computed tensor (grad_fn="
            f"{grad_fn_name(t)}), not your leaf: its .grad stays None.",
            "", candidates=_manual_update_candidates(ctx, x),
            words=_manual_update_words(x))
    leaves = []
    if a is not None and a.value is not None:
        leaves = [n for n in leaves_in(ctx, chain(ctx, a.value, a.stmt.source)) if ctx.tensor(n).requires_grad]
    leaf = leaves[0] if leaves else None
    usable = a is not None and a.value is not None and not a.unpacked
    rebound = usable and x in names_in(a.value)
    candidates = []
    if usable:
        candidates = (_rebound_candidates(ctx, x, a, check) if rebound else []) + _retain_candidates(ctx, x, a, check)
    if t.retains_grad:
        return ctx.hint(
            "nonleaf-grad-access",
            f"{via}{x}.retain_grad() came after the backward pass; it only affects passes that run later.",
            "", candidates=candidates,
            words=f"call {x}.retain_grad() before backward() (right after `{made}`), then run backward again.")
    if rebound:
        return ctx.hint(
            "nonleaf-grad-access",
            f"{via}{made} bound {x} to a computed tensor (grad_fn={grad_fn_name(t)}): the leaf you created is no "
            f"longer called {x}, and backward() passes through the new {x} without keeping its gradient, so "
            f"{x}.grad is None.",
            "", candidates=candidates,
            words=(f"keep {x} the leaf: change it in place under `with torch.no_grad():` instead of `{made}` (or "
                   f"build it as a leaf with .requires_grad_() at the end), then run the inputs after it again."
                   if isinstance(a.value, ast.BinOp) and type(a.value.op) in _INPLACE_OPS else
                   f"give the result its own name instead of `{made}`, so {x} stays the leaf you created and "
                   f"{x}.grad fills in (or build the result as a leaf with .detach().requires_grad_() at the end), "
                   f"then run the inputs after it again."))
    other = f", or read {leaf}.grad, the leaf's own gradient" if leaf else ""
    return ctx.hint(
        "nonleaf-grad-access",
        f"{via}{x} is not a leaf: it was computed ({made + ', ' if made != x else ''}grad_fn={grad_fn_name(t)}), "
        f"and backward() passes "
        f"through it without keeping its gradient, so {x}.grad is None.",
        "", candidates=candidates,
        words=f"call {x}.retain_grad() right after `{made}`, before backward(){other}." if usable else "")


def _lookup(namespace: dict, expr: str):
    """The value `expr` ("w" or "model.w") names in `namespace`, or None."""
    parts = expr.split(".")
    if not all(p.isidentifier() for p in parts):
        return None
    value = namespace.get(parts[0])
    for p in parts[1:]:
        value = getattr(value, p, None)
    return value


def grad_filled(expr: str):
    """A Candidate check: after the edited inputs `expr`.grad holds a tensor. Reading .grad of a non-leaf gives
    None (and a warning), it does not raise, so an edit that merely runs without error proves nothing."""

    def check(session, outcome) -> str | None:
        import warnings

        t = _lookup(session.namespace, expr)
        if t is None:
            return f"{expr} is gone after the fix"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            grad = getattr(t, "grad", None)
        return f"{expr}.grad is still None" if grad is None else None

    return check


def made_a_leaf(expr: str):
    """A Candidate check: after the edited inputs `expr` is a leaf that requires grad."""

    def check(session, outcome) -> str | None:
        t = _lookup(session.namespace, expr)
        if not (getattr(t, "is_leaf", False) and getattr(t, "requires_grad", False)):
            return f"{expr} is still not a leaf that requires grad"
        return None

    return check


def _with_check(found: list, check) -> list:
    found = [c for c in found if c is not None]
    for c in found:
        c.check = check
    return found


def _construction_candidates(ctx: Context, x: str, a, check) -> list:
    """The statement that made `x` (in whichever input it was typed) written to build a leaf."""
    site = ctx.site_of(a.stmt)
    if site is None:
        return []
    return _with_check([site.replace(site.stmt, f"{x} = {_construction_fix(a.value)}")], check)


_INPLACE_OPS = {ast.Add: "+=", ast.Sub: "-=", ast.Mult: "*=", ast.Div: "/="}


def _rebound_candidates(ctx: Context, x: str, a, check) -> list:
    """`x = x * 2` (x was the leaf): changed in place under no_grad so x stays the leaf, or built again as one."""
    site = ctx.site_of(a.stmt)
    if site is None:
        return []
    v = a.value
    found = []
    op = _INPLACE_OPS.get(type(v.op)) if isinstance(v, ast.BinOp) else None
    if op and isinstance(v.left, ast.Name) and v.left.id == x and x not in names_in(v.right):
        found.append(site.replace(site.stmt, f"with torch.no_grad(): {x} {op} {source_of(v.right, a.stmt.source)}"))
    value = source_of(v, a.stmt.source)
    found.append(site.replace(site.stmt, f"{x} = {paren(value, v)}.detach().requires_grad_()"))
    return _with_check(found, check)


def _retain_candidates(ctx: Context, x: str, a, check) -> list:
    """`x.retain_grad()` right after the statement that made x, else just before the backward pass after it."""
    found = []
    site = ctx.site_of(a.stmt)
    if site is not None:
        found.append(site.insert_after(site.stmt, f"{x}.retain_grad()"))
    simple = (ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return)
    passes = [s for s in ctx.stmts if s.order > a.stmt.order and isinstance(s.node, simple)
              and any(k == "backward" for _, _, k in ctx.backward_calls(s.node))]
    if passes:
        bsite = ctx.site_of(passes[-1])
        if bsite is not None:
            found.append(bsite.insert_before(bsite.stmt, f"{x}.retain_grad()"))
    return _with_check(found, check)


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
        if not isinstance(node.value, (ast.Name, ast.Attribute, ast.Subscript)):  # y, net.h, outs[0]
            continue
        t = ctx.try_value(node.value)
        if not ctx.is_tensor(t) or t.is_leaf or (t.retains_grad and t.grad is not None):
            continue
        x = source_of(node.value, ctx.source)
        kind = _nonleaf_kind(ctx, x) if isinstance(node.value, ast.Name) else "nonleaf-grad-access"
        return _nonleaf_hint(ctx, kind, x, t)
    return _nonleaf_access_in_helper(ctx)


NONLEAF_WARNING = "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed"


def _nonleaf_access_in_helper(ctx: Context) -> Hint | None:
    """`report(y)` where the learner's `def report(t): return t.grad` reads the .grad of a non-leaf; only when
    torch warned that a non-leaf's .grad was read."""
    from tutor.hints import fixes, reach

    if not any(NONLEAF_WARNING in (w.message or "") for w in ctx.outcome.warnings):
        return None
    for callee in reach.callees(ctx, ctx.tree, depth=1):
        local = {n for stmt in callee.body for sub in ast.walk(stmt) if isinstance(sub, ast.Name)
                 and isinstance(sub.ctx, ast.Store) for n in [sub.id]}
        for stmt in callee.body:
            for node in ast.walk(stmt):
                if not (isinstance(node, ast.Attribute) and node.attr == "grad" and isinstance(node.ctx, ast.Load)
                        and isinstance(node.value, ast.Name)):
                    continue
                name = node.value.id
                arg = callee.params.get(name)
                items = _loop_items(callee, stmt, node, name) if arg is None and name in local else []
                if arg is None and (name in local or name in _params(callee)) and not items:
                    continue
                line = callee.src(fixes.enclosing_stmt(stmt, node) or stmt)
                via = (f"{source_of(callee.call, ctx.source)} reads {name}.grad inside {callee.name}{callee.where()}: "
                       f"`{line}`. ")
                for arg in items or [arg if arg is not None else node.value]:  # a global the helper reads
                    said = via[:-2] + f", with {name} = {source_of(arg, ctx.source)}. " if items else via
                    hint = _nonleaf_read(ctx, arg, node.value, name, said)
                    if hint is not None:
                        return hint
    return None


def _loop_items(callee, stmt: ast.stmt, node: ast.AST, name: str) -> list[ast.expr]:
    """`for p in params:` around `node` in the helper, with the caller passing a list of tensors as params
    (`report([x, h])`): those tensors, each what p names in one turn of the loop."""
    for loop in ast.walk(stmt):
        if isinstance(loop, ast.For) and isinstance(loop.target, ast.Name) and loop.target.id == name \
                and isinstance(loop.iter, ast.Name) and any(n is node for n in ast.walk(loop)):
            given = callee.params.get(loop.iter.id)
            if isinstance(given, (ast.List, ast.Tuple)):
                return list(given.elts)
    return []


def _nonleaf_read(ctx: Context, arg: ast.AST, read: ast.AST, name: str, via: str) -> Hint | None:
    """The hint when the caller's `arg`, read as `name`.grad in a helper, is a non-leaf without retain_grad."""
    if not isinstance(arg, (ast.Name, ast.Attribute)):
        return None
    t = ctx.try_value(arg)
    if not ctx.is_tensor(t) or t.is_leaf or t.retains_grad:
        return None
    x = source_of(arg, ctx.source) if arg is not read else name
    kind = _nonleaf_kind(ctx, x) if isinstance(arg, ast.Name) else "nonleaf-grad-access"
    return _nonleaf_hint(ctx, kind, x, t, via)


def _params(callee) -> set[str]:
    node = callee.node
    args = node.args
    return {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)} | {
        a.arg for a in (args.vararg, args.kwarg) if a is not None}


@rule(45)
def grad_none_after_backward(ctx: Context):
    """`x.grad` shows None after a backward that did not reach x (not before any backward: that is normal)."""
    if ctx.tree is None or ctx.error is not None or ctx.outcome.has_value and ctx.outcome.value is not None:
        return None
    body = ctx.tree.body
    if len(body) != 1 or not isinstance(body[0], ast.Expr):
        return None
    node = body[0].value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print" \
            and len(node.args) == 1 and not node.keywords and ctx.outcome.stdout.strip() == "None":
        node = node.args[0]  # print(x.grad) printed None
    if not (isinstance(node, ast.Attribute) and node.attr == "grad" and isinstance(node.value, ast.Name)):
        return None
    t = ctx.tensor(node.value.id)
    if t is None or not t.is_leaf or not t.requires_grad:
        return None
    hint = _none_before_backward(ctx, node.value.id)
    return hint if "did not reach" in hint.explanation else None


_SHAPING = ("double", "float", "half", "to", "reshape", "view", "cuda", "cpu", "type", "t", "unsqueeze",
            "flatten", "squeeze")


def _made_leaf(node: ast.AST) -> ast.Call | None:
    """`torch.randn(..., requires_grad=True)` or `torch.tensor(...).requires_grad_()`: a factory made a leaf."""
    if is_factory(node) and is_true(keyword(node, "requires_grad")):
        return node
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "requires_grad_" \
            and is_factory(node.func.value) and (not node.args or is_true(node.args[0])) and not node.keywords:
        return node
    return None


def _construction_factory(value: ast.AST) -> ast.Call | None:
    """The call that made a leaf inside `value` when operations follow it in the same expression (scaled,
    shifted, negated, cast, moved, reshaped): the learner's parameter, built as a computed tensor."""
    if value is None:
        return None
    if isinstance(value, ast.BinOp):
        for side, other in ((value.left, value.right), (value.right, value.left)):
            if _has_grad_tensor_call(other):
                continue
            found = _made_leaf(side) or _construction_factory(side)
            if found is not None:
                return found
        return None
    if isinstance(value, ast.UnaryOp):
        return _made_leaf(value.operand) or _construction_factory(value.operand)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in _SHAPING:
        inner = value.func.value
        return _made_leaf(inner) or _construction_factory(inner)
    return None


def _leaf_text(fac: ast.Call) -> str:
    """How the message names the call that made the leaf."""
    if call_name(fac) == "requires_grad_":
        return f"{call_name(fac.func.value)}(...).requires_grad_()"
    return f"{call_name(fac)}(..., requires_grad=True)"


def _has_grad_tensor_call(node: ast.AST) -> bool:
    return any(_made_leaf(n) is not None for n in ast.walk(node))


class _Unmarked(ast.NodeTransformer):
    """The expression without its requires_grad marks (the keyword, and `.requires_grad_()` calls)."""

    def visit_Call(self, node: ast.Call):
        self.generic_visit(node)
        if isinstance(node.func, ast.Attribute) and node.func.attr == "requires_grad_":
            return node.func.value
        node.keywords = [k for k in node.keywords if k.arg != "requires_grad"]
        return node


def _construction_fix(value: ast.AST) -> str:
    """`(torch.randn(3) * 0.01).requires_grad_()`: finish building the tensor, then mark it."""
    return f"({unparse(_Unmarked().visit(copy.deepcopy(value)))}).requires_grad_()"


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
            code = f"{w} = {_construction_fix(node.value)}"
            site = ctx.site(ctx.outcome.index, node.lineno, node.col_offset)
            found = [site.replace(node, code)] if site is not None else []
            return ctx.hint(
                "nonleaf-by-construction",
                f"the operation after {_leaf_text(fac)} makes {w} a computed tensor "
                f"({grad_fn_name(t)}), not a leaf, so {w}.grad will stay None.",
                "", candidates=_with_check(found, made_a_leaf(w)))
    return None


@rule(35)
def manual_update(ctx: Context):
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
