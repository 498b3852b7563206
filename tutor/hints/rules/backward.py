"""Rules about the backward pass and its graph: no grad_fn, a second backward, a non-scalar output,
inference tensors, requires_grad on a computed tensor, a gradient of a gradient."""

from __future__ import annotations

import ast
import re

from tutor.hints import fixes
from tutor.hints.context import Context, call_name, dotted, is_true, keyword, names_in, paren, source_of
from tutor.hints.rules.conversion import copy_candidates
from tutor.hints.rules.common import (
    rule,
    shape_of,
    grad_fn_name,
    unparse,
    with_keyword,
    floatified,
    is_factory,
    piece_site,
    stmt_value_src,
    torch_instead,
    chain,
    failing_call_at_site,
    in_a_loop,
    leaves_in,
    find_calls,
    is_math_call,
    to_python_call,
    torch_tensor_call,
    non_differentiable,
    _last_output,
    site_and_node,
)


# factories with no requires_grad= argument (the tensor shares memory with what it is made from)
NO_REQUIRES_GRAD_ARG = {"from_numpy", "as_tensor"}


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
            f"torch.autograd.grad(d{owner}, {owner})",
            candidates=_second_derivative_again(ctx, owner))

    # 2. built under inference_mode / no_grad
    tval = ctx.try_value(target) if target is not None else None
    # the statement typed inside `with torch.inference_mode():` is named when the chain has it (y for
    # y[0]); else the target is only known to be an inference tensor
    inside = any(p.stmt is not None and "inference_mode" in p.stmt.contexts for p in pieces)
    for p in pieces:
        contexts = p.stmt.contexts if p.stmt is not None else ()
        is_inf = ctx.is_tensor(tval) and tval.is_inference() and p is pieces[0] and not inside
        if "inference_mode" in contexts or is_inf:
            if is_inf:  # where it was made is not in sight (a loop variable, a function's result)
                return ctx.hint(
                    "inference-mode-backward",
                    f"{t} is an inference tensor: it was made under torch.inference_mode(), where nothing is "
                    f"recorded, so it has no graph to differentiate.",
                    f"compute {t} outside `with torch.inference_mode():`")
            where = f"{p.name} = {p.src()}"
            return ctx.hint(
                "inference-mode-backward",
                f"{where} ran inside `with torch.inference_mode():`, where nothing is recorded, so "
                f"{t} has no graph to differentiate.",
                f"{where}  # outside the with block, then {verb}")
        if "no_grad" in contexts:
            return ctx.hint(
                "no-grad-then-backward",
                f"{p.name} = {p.src()} ran inside `with torch.no_grad():`, where nothing is recorded, so "
                f"{t} has no grad_fn.",
                f"{p.name} = {p.src()}  # outside the no_grad block, then {verb}",
                candidates=_again_then_outside(ctx, p))
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
                    f"torch.{c.func.attr}({arg})  # instead of {p.src(c)}",
                    candidates=[torch_instead(ctx, *piece_site(ctx, p, c))])
            for c in find_calls(p.node, lambda c: torch_tensor_call(c) and not ctx.is_tensor(None)):
                arg = c.args[0]
                if isinstance(arg, ast.Name) and ctx.tensor(arg.id) is not None:
                    return ctx.hint(
                        "tensor-copy-construct",
                        f"{p.src(c)} copies {arg.id}'s numbers into a new tensor outside the graph, so {t} "
                        f"has no grad_fn.",
                        f"{arg.id}.clone()  # a copy that stays in the graph, instead of {p.src(c)}",
                        candidates=copy_candidates(*piece_site(ctx, p, c), itself=True))
            for c in find_calls(p.node, lambda c: to_python_call(c) or torch_tensor_call(c)):
                where = f" (in {p.name[4:]}())" if p.name and p.name.startswith("def ") else ""
                return ctx.hint(
                    "item-breaks-graph",
                    f"{p.src(c)}{where} leaves autograd: it gives plain numbers, so {t} has no grad_fn.",
                    "keep tensor operations all the way, e.g. return t ** 2, not "
                    "torch.tensor(t.item() ** 2); build vectors with torch.stack",
                    candidates=_tensor_ops_kept(ctx, p, c))
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
    if not leaves and not any_rg:  # made by a chain of calls (torch.arange(20.0).reshape(5, 4)): created there
        leaves = [p.name for p in pieces[1:] if p.name and p.stmt is not None and ctx.tensor(p.name) is not None
                  and not any(ctx.tensor(m) is not None for m in names_in(p.node))]
    plain = [n for n in leaves if not ctx.tensor(n).requires_grad]
    if leaves and not any_rg:
        computed = [p.name for p in pieces[1:] if p.name and not p.name.startswith("def ")]
        t = computed[0] if computed and not isinstance(target, ast.Name) else t
        if len(plain) > 1:
            return _several_plain_leaves(ctx, plain, t)
        n = plain[0]
        fix, made, candidates = _switched_on(ctx, n, plain, t)
        return ctx.hint(
            "backward-no-grad-fn",
            f"{n} was created without requires_grad=True{made}, so nothing computed from it was recorded "
            f"and {t} has no grad_fn.", fix, candidates=candidates)

    # 6. unsure: the likely causes, in order
    return ctx.hint(
        "backward-no-grad-fn",
        f"{t} has no grad_fn, so there is no graph to go back through. Likely causes, in order: its inputs "
        f"never had requires_grad=True; requires_grad was set after {t} was computed; {t} was computed "
        f"under torch.no_grad(); .item(), float() or torch.tensor() cut the chain.",
        f"print({t}.grad_fn, {t}.requires_grad)  # then find where the chain stops")


# A learner's parameters, by the names courses and forum posts give them (w, b, W1, weight, bias, theta, params,
# w_hidden): when several plain leaves feed a result, these are the ones gradients are wanted for; the data
# (X, y, features, labels) is not.
PARAMETER_NAME = re.compile(r"^(?:[wWbB]\d*|[wb]_\w+|weights?\d*|bias(?:es)?\d*|theta\d*|params?|parameters|coef\w*)$")


def _switched_on(ctx: Context, n: str, plain: list[str], t: str) -> tuple[str, str, list]:
    """(template fix, ' (how it was made)', candidate fixes) for switching requires_grad on for leaf `n`."""
    a = ctx.assignment(n)
    fix = f"{n}.requires_grad_(True)  # then compute {t} again"
    made = ""
    candidates = []
    floating = ctx.tensor(n).is_floating_point()
    if a is not None and isinstance(a.value, ast.Call) and is_factory(a.value) and \
            call_name(a.value) not in NO_REQUIRES_GRAD_ARG:
        call = a.value if floating else floatified(a.value)
        fix = f"{n} = {unparse(with_keyword(call, 'requires_grad', ast.Constant(True)))}  # then compute {t} again"
        made = f" ({n} = {stmt_value_src(a.stmt, a.value)})"
        candidates = _created_with_requires_grad(ctx, a, floating)
    elif a is not None and a.value is not None and not a.unpacked and not a.augmented:
        # torch.from_numpy(...), A.reshape(...), X[:, 0]: switched on where it is made
        value = stmt_value_src(a.stmt, a.value)
        new = f"{paren(value, a.value)}{'' if floating else '.float()'}.requires_grad_()"
        fix = f"{n} = {new}  # then compute {t} again"
        made = f" ({n} = {value})"
        site, node = site_and_node(ctx, a.stmt.index, a.value)
        candidates = [site.splice(node, new)] if site is not None else []
    elif a is not None and a.unpacked:  # x, y = torch.tensor(1.0), torch.tensor(2.0): switched on right after
        site = ctx.site_of(a.stmt)
        same = [m for m in plain if (am := ctx.assignment(m)) is not None and am.stmt is a.stmt]
        candidates = [site.insert_after(site.stmt, "\n".join(f"{m}.requires_grad_(True)" for m in same))] \
            if site is not None else []
    return fix, made, candidates


def _several_plain_leaves(ctx: Context, plain: list[str], t: str):
    """Several leaves feed the result and none requires grad. Naming one of them (the first found was often the
    data, `y`) gave a fix that cleared the error and left the wanted `w.grad` None. When some names read as
    parameters (w, b), all of those are switched on and the others are said to be fine as data; otherwise all
    of them are switched on (every gradient the learner may read is then there)."""
    plain = sorted(plain, key=lambda n: _made_at(ctx, n))
    params = [n for n in plain if PARAMETER_NAME.match(n)] or plain
    data = [n for n in plain if n not in params]
    edits: dict[int, str] = {}
    shown = []
    for n in params:
        _fix, _made, found = _switched_on(ctx, n, params, t)
        c = next((c for c in found if c is not None), None)
        if c is not None and all(edits.get(k) == v for k, v in c.replaces.items()):
            continue  # `w, b = ...`: one edit switches both on
        if c is None or set(c.replaces) & set(edits):
            edits = {}
            break
        edits.update(c.replaces)
        shown.append(c.shown)
    candidates = [fixes.Candidate("\n".join(dict.fromkeys(shown)), edits)] if edits else []
    were = "was" if len(params) == 1 else "were"
    it = "it is" if len(data) == 1 else "they are"
    also = f" ({_names(data)} can stay as {it} if {it} your data)" if data else ""
    return ctx.hint(
        "backward-no-grad-fn",
        f"{_names(params)} {were} created without requires_grad=True{also}, so nothing computed from "
        f"{'it' if len(params) == 1 else 'them'} was recorded and {t} has no grad_fn.", "",
        candidates=candidates,
        words=f"create {_names(params)} with requires_grad=True, then compute {t} again.")


def _made_at(ctx: Context, name: str) -> tuple[int, int]:
    """Where `name` got its value, to list names in the order the learner made them (w before b in `w, b = ...`)."""
    a = ctx.assignment(name)
    if a is None:
        return (-1, 0)
    found = re.search(rf"\b{re.escape(name)}\b", a.stmt.source.splitlines()[a.stmt.node.lineno - 1]
                      if a.stmt.node.lineno <= len(a.stmt.source.splitlines()) else "")
    return (a.stmt.order, found.start() if found else 0)


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@rule(20)
def double_backward(ctx: Context):
    if not ctx.error_is("RuntimeError", "backward through the graph a second time"):
        return None
    found = ctx.failing_backward()
    if found is None:  # the pass is not written as backward()/torch.autograd.grad (an alias): no names to give
        return ctx.hint(
            "double-backward",
            "a backward pass already went through this graph and freed the values it saved; this pass needs "
            "them again.", "",
            words="compute the output again before this pass (each pass needs a fresh graph), or pass "
                  "retain_graph=True to the pass that comes first.")
    call, target, kind, t = found
    verb = f"{paren(t, target)}.backward()" if kind == "backward" else f"torch.autograd.grad({t}, ...)"
    at = failing_call_at_site(ctx)
    a = ctx.assignment(t) if isinstance(target, ast.Name) else None
    in_loop = ctx.tree is not None and any(isinstance(n, (ast.For, ast.While)) for n in ast.walk(ctx.tree))
    if in_loop and a is not None and a.stmt.current and "loop" in a.stmt.contexts:
        # the loop rebuilds t, so a part built once outside the loop is shared
        for p in chain(ctx, a.value, a.stmt.source)[1:]:
            if p.stmt is not None and "loop" not in p.stmt.contexts and ctx.is_tensor(
                    ctx.ns.get(p.name)) and ctx.ns[p.name].grad_fn is not None:
                line = p.stmt.src()
                candidates = []
                site = ctx.current_site
                loop = in_a_loop(site.tree, at[1]) if site is not None and at is not None and \
                    at[0].index == site.index else None
                if loop is not None:
                    leaves = [n for n in leaves_in(ctx, chain(ctx, a.value, a.stmt.source))
                              if ctx.tensor(n).requires_grad] if kind == "backward" else []
                    if leaves:
                        resets = "\n".join(f"{n}.grad = None" for n in leaves)
                        candidates.append(fixes.in_loop_body(site, loop, f"{resets}\n{line}"))
                    candidates.append(fixes.in_loop_body(site, loop, line))
                return ctx.hint(
                    "double-backward",
                    f"{p.name} = {p.src()} was computed once, before the loop; the first "
                    f"{t}.backward() freed what its graph saved, so the next step cannot go through it.",
                    f"{line}  # move it inside the loop, before {t} = ...", candidates=candidates,
                    words=f"move `{line}` into the loop body, so each step builds its own graph.")
    root = _root_name(ctx, target) if target is not None else None
    g = root or t
    earlier = ctx.earlier_backward(g)
    where = f" in {ctx.input_name(earlier)}" if earlier is not None and ctx.input_name(earlier) else ""
    return ctx.hint(
        "double-backward",
        f"a backward pass already went through {g}'s graph{where} and freed the values it saved; "
        f"{verb} needs them again.", "",
        candidates=_double_backward_fixes(ctx, at, root, kind),
        words=f"compute {g} again before this pass (each pass needs a fresh graph), or pass "
              f"retain_graph=True to the pass that comes first.")


def _double_backward_fixes(ctx: Context, at, root: str | None, kind: str) -> list:
    """Retain the graph where the pass repeats in a loop; else build the graph again (resetting the
    leaves' .grad, which a second backward() would add to); else retain it in the earlier pass."""
    if at is None:
        return []
    site, call, target, _ = at
    found = []
    if in_a_loop(site.tree, call) is not None:
        found.append(site.add_argument(call, "retain_graph=True"))
    where, before = site, site.stmt
    if ctx.in_function:  # the pass runs in a helper: build the graph again before the call
        where, before, root = _call_site_root(ctx, target)
    if root is not None and where is not None and before is not None:
        pieces = chain(ctx, ast.Name(root, ast.Load()), where.source)
        computed = [p for p in pieces[1:] if p.stmt is not None and p.name and not p.name.startswith("def ")
                    and ctx.is_tensor(ctx.ns.get(p.name)) and ctx.ns[p.name].grad_fn is not None]
        ra = ctx.assignment(root)
        own = [ra.stmt] if ra is not None and ra.value is not None else []
        leaves = [n for n in leaves_in(ctx, pieces) if ctx.tensor(n).requires_grad and
                  ctx.grad_of(ctx.tensor(n)) is not None] if kind == "backward" and not _passes_on_others(
            ctx, root, ra.stmt if ra is not None else None) else []
        resets = [f"{n}.grad = None" for n in leaves]
        stmts = sorted({id(s): s for s in own + [p.stmt for p in computed]}.values(), key=lambda s: s.order)
        for rebuild in ([s.src() for s in own], [s.src() for s in stmts]):
            if not rebuild or any("\n" in r for r in rebuild):
                continue
            if resets:
                found.append(where.insert_before(before, "\n".join(resets + rebuild)))
            found.append(where.insert_before(before, "\n".join(rebuild)))
    # retain_graph=True in the pass that came first (that input is run again on the copy)
    for stmt in reversed(ctx.stmts):
        if stmt.current and site.index == ctx.outcome.index and stmt.node is site.stmt:
            continue
        calls = [c for c, tgt, k in ctx.backward_calls(stmt.node)
                 if tgt is not None and root is not None and _root_name(ctx, tgt) == root]
        if calls:
            earlier = ctx.site_of(stmt)
            if earlier is not None:
                again = [c for c, tgt, k in ctx.backward_calls(earlier.stmt)  # `calls`, in the site's own tree
                         if tgt is not None and _root_name(ctx, tgt) == root]
                found.append(earlier.add_argument(again[-1], "retain_graph=True"))
            break
    return found


def _call_site_root(ctx: Context, target: ast.AST | None):
    """For a pass inside a helper: (site of the calling input, the calling statement, the learner's name
    for the tensor the helper differentiates), from the helper's parameters and the call's arguments.
    Called only for an error inside a function (ctx.in_function: two frames at least)."""
    fname = ctx.error.frames[1][0]
    top = ctx.site(ctx.outcome.index, ctx.error.frames[0][1])
    fd = ctx.function_def(ctx.ns.get(fname)) if fname in ctx.ns else None
    if top is None or top.stmt is None or fd is None:
        return None, None, None
    inner = target
    while isinstance(inner, (ast.Call, ast.Attribute, ast.Subscript)):
        inner = inner.func.value if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) else \
            getattr(inner, "value", None)
    if not isinstance(inner, ast.Name):
        return None, None, None
    params = [a.arg for a in fd[0].args.args]
    for call in ast.walk(top.stmt):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == fname:
            bound = dict(zip(params, call.args))
            bound.update({k.arg: k.value for k in call.keywords if k.arg})
            arg = bound.get(inner.id)
            if isinstance(arg, ast.Name) and (t := ctx.tensor(arg.id)) is not None and t.grad_fn is not None:
                return top, top.stmt, arg.id
    return None, None, None


def _root_name(ctx: Context, target: ast.AST) -> str | None:
    """The named, computed tensor a target expression starts from: y for y, y.sum(), (y * 2)[0], and
    torch.sum(y) or loss_fn(out, t) (the first computed name, the method chain's receiver first)."""
    names = names_in(target)
    node = target
    while isinstance(node, (ast.Attribute, ast.Subscript)) or isinstance(node, ast.Call) and isinstance(
            node.func, ast.Attribute):
        node = node.func.value if isinstance(node, ast.Call) else node.value
    if isinstance(node, ast.Name):
        names = [node.id] + [n for n in names if n != node.id]
    return next((n for n in names if (t := ctx.tensor(n)) is not None and t.grad_fn is not None), None)


def _passes_on_others(ctx: Context, root: str, since) -> bool:
    """A backward pass through another output since `root` was made (loss1.backward() before
    loss2.backward()): the gradients it left are wanted, not a repeat for a reset to undo."""
    for stmt in ctx.stmts:
        if since is not None and stmt.order <= since.order or isinstance(stmt.node, (ast.FunctionDef, ast.ClassDef)):
            continue
        for _, tgt, kind in ctx.backward_calls(stmt.node):
            if tgt is not None and _root_name(ctx, tgt) not in (None, root):
                return True
    return False


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
    candidates = []
    at = failing_call_at_site(ctx)
    if at is not None:
        site, call, node, kind = at
        if node is not None:
            tsrc = site.segment(node)
            candidates.append(site.splice(node, f"{paren(tsrc, node)}.sum()"))
            if kind == "grad":
                candidates.append(site.add_argument(call, f"grad_outputs=torch.ones_like({tsrc})"))
            elif not call.args and keyword(call, "gradient") is None and call_name(call) == "backward":
                candidates.append(site.add_argument(call, f"torch.ones_like({tsrc})"))
    needs = "backward()" if kind == "backward" else "torch.autograd.grad"
    return ctx.hint("non-scalar-backward", f"{what}: {needs} needs a single number{why}.", "",
                    candidates=candidates,
                    words=f"reduce {t} to one number first ({paren(t, target)}.sum()), or pass a gradient of "
                          f"{t}'s own shape (torch.ones_like({t})).")


def _terms(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        return _terms(node.left) + _terms(node.right)
    return [node]


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
                f"torch.autograd.grad(d{x}, {x})",
                candidates=_second_derivative(ctx, x, ctx.site(ctx.outcome.index, call.lineno, call.col_offset)))


def _created_with_requires_grad(ctx: Context, a, floating: bool) -> list:
    """The statement that created the leaf (this input or an earlier one), with requires_grad=True added
    to its factory call (and integer numbers written as floats): the inputs after it then build the graph."""
    from tutor.hints.rules.common import site_and_node

    site, call = site_and_node(ctx, a.stmt.index, a.value)
    if site is None:
        return []
    if floating:
        return [site.add_argument(call, "requires_grad=True")]
    new = with_keyword(floatified(call), "requires_grad", ast.Constant(True))
    return [site.splice(call, unparse(new))]


def _second_derivative_again(ctx: Context, owner: str) -> list:
    """In place of the failing `x.grad.backward()`: the output computed again from its own assignment (the
    backward pass that filled x.grad freed its graph), its first derivative taken with create_graph=True,
    and that differentiated."""
    return _second_derivative(ctx, owner, ctx.error_site, again=True)


def _second_derivative(ctx: Context, owner: str, site, again: bool = False) -> list:
    """In place of `x.grad.backward()` (the statement of `site`): the first derivative of the latest output
    taken with torch.autograd.grad(..., create_graph=True), then differentiated; the output computed again
    first (from its own assignment) when `again` or when the graph is gone."""
    out = _last_output(ctx)
    if site is None or site.stmt is None:
        return []
    grads = (f"(d{owner},) = torch.autograd.grad({out}, {owner}, create_graph=True)\n"
             f"torch.autograd.grad(d{owner}, {owner})")
    if not out.isidentifier():  # an expression ((x ** 3).backward(...)): computed anew where it is written
        return [site.replace(site.stmt, grads)]
    found = [] if again else [site.replace(site.stmt, grads)]
    a = ctx.assignment(out)
    if a is not None and a.value is not None and not a.unpacked and not a.augmented:
        found.append(site.replace(site.stmt, f"{out} = {stmt_value_src(a.stmt, a.value)}\n{grads}"))
    return found


def _tensor_ops_kept(ctx: Context, piece, cut: ast.Call) -> list:
    """The learner's expression with autograd kept where `cut` (a .item()/float() call or a torch.tensor()
    of a computed value) left it: the outermost torch.tensor(...) around it unwrapped and the Python
    numbers inside it read as the tensors they came from (`torch.tensor(t.item() ** 2)` -> `t ** 2`)."""
    from tutor.hints.rules.common import shown_holder, without_python_numbers

    site, node = piece_site(ctx, piece, cut)
    if site is None:
        return []
    outer = next((w for w in ast.walk(site.stmt) if isinstance(w, ast.Call) and torch_tensor_call(w)
                  and any(sub is node for sub in ast.walk(w))), node)
    new = without_python_numbers(site, outer)
    return [site.splice(outer, new, shown_node=shown_holder(site, outer))] if new else []


def outside_block(ctx: Context, stmt):
    """The statement `stmt` (from the history) taken out of the `with` block that holds it, in the input
    where it was typed: the statements before and after it stay in the block, each part in the
    learner's own lines and order."""
    from tutor.hints.rules.common import site_and_node

    site, node = site_and_node(ctx, stmt.index, stmt.node)
    if site is None:
        return None
    block = next((w for w in ast.walk(site.tree) if isinstance(w, ast.With) and node in w.body), None)
    if block is None or block.body[0].lineno == block.lineno:
        return None
    lines = site.source.split("\n")

    def text(stmts, dedent: int) -> str:
        part = lines[stmts[0].lineno - 1:stmts[-1].end_lineno]
        return "\n".join(line[dedent:] if not line[:dedent].strip() else line for line in part)

    header = lines[block.lineno - 1][block.col_offset:].rstrip()
    if not header.endswith(":"):
        return None
    i = block.body.index(node)
    before, after = block.body[:i], block.body[i + 1:]
    parts = ([f"{header}\n{text(before, block.col_offset)}"] if before else []) + [text([node], node.col_offset)] + (
        [f"{header}\n{text(after, block.col_offset)}"] if after else [])
    return site.replace(block, "\n".join(parts))


def _again_then_outside(ctx: Context, piece) -> list:
    """For a result computed under no_grad: computed again right before the failing pass (what to type
    next), else its statement taken out of the with block where it was typed."""
    site = ctx.error_site
    found = []  # `piece` is a named statement of the history (its no_grad context came from it)
    if site is not None and site.stmt is not None:
        found.append(site.insert_before(site.stmt, f"{piece.name} = {piece.src()}"))
    found.append(outside_block(ctx, piece.stmt))
    return found
