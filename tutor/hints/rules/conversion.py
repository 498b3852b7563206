"""Rules about leaving torch: NumPy, plotting, math.*, SymPy, .item() and torch.tensor() copies."""

from __future__ import annotations

import ast
import copy
import re

from tutor.hints.context import Context, call_name, dotted, paren, source_of
from tutor.hints.rules.common import (
    rule,
    input_of_function,
    piece_site,
    site_and_node,
    torch_instead,
    unparse,
    chain,
    find_calls,
    is_math_call,
    is_sympy_callable,
    is_lambdified,
    to_python_call,
    torch_tensor_call,
)
from tutor.outcome import Hint


_PLOT_NAMES = {"plot", "scatter", "bar", "hist", "semilogy", "semilogx", "loglog", "fill_between"}


def is_plot_call(ctx: Context, call: ast.Call) -> bool:
    from tutor.hints.reach import callee_of

    helper = callee_of(ctx, call)  # the learner's own helper (xyplot, to_plot): see tutor/hints/reach.py
    if helper is not None and any(call_name(n) in ("detach", "numpy") for s in helper.body for n in ast.walk(s)):
        return False  # it detaches what it plots, or calls .numpy() itself (then numpy_on_rg names that line)
    if call_name(call) not in _PLOT_NAMES:
        return "plot" in call_name(call).lower() and isinstance(call.func, ast.Name)
    func = ctx.try_value(call.func)
    module = getattr(func, "__module__", "") or ""
    return func is None or module.startswith(("plotext", "matplotlib", "d2l", "tutor")) or (
        dotted(call.func) or "").split(".")[0] in ("plt", "d2l", "ax")


@rule(20)
def numpy_on_rg(ctx: Context):
    hint = _numpy_on_rg(ctx)
    if hint is not None and hint.id == "numpy-on-requires-grad":
        return numpy_fix(ctx, hint)
    if hint is not None and hint.id == "plot-requires-grad-tensor" and hint.explanation.startswith("an argument"):
        return numpy_fix(ctx, hint, "plot-requires-grad-tensor")  # the tensor is inside a list, or .numpy()
    return hint


def _numpy_on_rg(ctx: Context):
    numpy_error = ctx.error_is("RuntimeError", "can't call numpy() on tensor that requires grad")
    ndarray_op = ctx.error_is("TypeError", "'numpy.ndarray' and 'tensor'")
    if not (numpy_error or ndarray_op):
        return None
    nodes = ctx.error_nodes()
    for node in nodes:
        if isinstance(node, ast.Call) and is_plot_call(ctx, node):
            return _plot_hint(ctx, node, ctx.error_src, failed=True)
        if isinstance(node, ast.Call) and is_lambdified(ctx, node):
            return _lambdify_hint(ctx, node)
    if ctx.tree is not None and ctx.in_function:
        for node in ast.walk(ctx.tree):
            if isinstance(node, ast.Call) and is_plot_call(ctx, node):
                return _plot_hint(ctx, node, lambda n: source_of(n, ctx.source), failed=True)
    for node in nodes:
        if isinstance(node, ast.Call) and call_name(node) == "numpy" and isinstance(node.func, ast.Attribute):
            x = ctx.error_src(node.func.value)
            return ctx.hint(
                "numpy-on-requires-grad",
                f"{x} requires grad, and a NumPy array cannot carry its graph.",
                f"{paren(x, node.func.value)}.detach().numpy()  # leave autograd only to print or plot")
        if isinstance(node, ast.Call) and (dotted(node.func) or "").startswith(("np.", "numpy.")) and node.args \
                and _involves_rg(ctx, node.args[0]):
            x = ctx.error_src(node.args[0])
            fname = call_name(node)
            torch_f = fname if ctx.torch is not None and hasattr(ctx.torch, fname) and fname not in (
                "asarray", "array") else None
            fix = (f"torch.{fname}({x})  # stays in torch; use {paren(x, node.args[0])}.detach().numpy() only to "
                   f"print or plot" if torch_f else f"np.{fname}({paren(x, node.args[0])}.detach())")
            return ctx.hint(
                "numpy-on-requires-grad",
                f"{ctx.error_src(node)} hands {x} to NumPy, which cannot carry a tensor that requires grad.", fix)
    for node in nodes:
        if isinstance(node, ast.BinOp):
            sides = [(a, b) for a, b in ((node.left, node.right), (node.right, node.left))
                     if (dotted(getattr(a, "func", None) or a) or "").startswith(("np.", "numpy."))
                     or isinstance(ctx.try_value(a), _ndarray())]
            if sides:
                arr, other = sides[0]
                asrc, osrc = ctx.error_src(arr), ctx.error_src(other)
                fixed = ctx.error_src(node).replace(asrc, f"torch.as_tensor({asrc})", 1)
                return ctx.hint(
                    "numpy-on-requires-grad",
                    f"{osrc} requires grad, and mixing it with the NumPy array {asrc} turns it into NumPy, "
                    f"which cannot carry a graph.",
                    f"{fixed}  # keep both in torch")
    rg = ctx.requires_grad_names(ctx.error_tree or ctx.tree or ast.Module(body=[], type_ignores=[]))
    x = rg[0] if rg else "x"
    return ctx.hint(
        "numpy-on-requires-grad",
        f"{x} requires grad, and NumPy cannot carry a tensor that is part of a graph.",
        f"{x}.detach().numpy()  # leave autograd only to print or plot")


def _ndarray():
    import numpy

    return numpy.ndarray


def _involves_rg(ctx: Context, node: ast.AST) -> bool:
    v = ctx.try_value(node)
    if ctx.is_tensor(v):
        return bool(v.requires_grad)
    return bool(ctx.requires_grad_names(node)) or ctx.in_function


def _plot_hint(ctx: Context, call: ast.Call, src, failed: bool) -> Hint:
    rg_args = []
    new = copy.deepcopy(call)

    def detached(node: ast.AST) -> ast.AST:
        """`node` with .detach() on itself, or on each element of a list/tuple of curves, that requires grad."""
        if isinstance(node, (ast.List, ast.Tuple)):
            node.elts = [detached(e) for e in node.elts]
            return node
        if _requires_grad(ctx, node, ctx.try_value(node)):
            rg_args.append(src(node))
            return ast.parse(f"{paren(src(node), node)}.detach()", mode="eval").body
        return node

    for i, arg in enumerate(call.args):
        new.args[i] = detached(copy.deepcopy(arg))
    names = " and ".join(rg_args) or "an argument"
    verb = "requires" if len(rg_args) < 2 else "require"
    them = "it into a NumPy array" if len(rg_args) < 2 else "them into NumPy arrays"
    if failed:
        why = f"{names} {verb} grad; plotting turns {them}, which cannot carry a graph."
    else:
        why = (f"{names} {verb} grad; this plot converted {'it' if len(rg_args) < 2 else 'them'} number by number, but matplotlib would fail "
               f"with the numpy() error. A plot only needs the values.")
    return ctx.hint("plot-requires-grad-tensor", why, unparse(new), candidates=_detached_args(ctx, call, src))


def _curves(args: list) -> list:
    """The arguments of a plotting call, a list or tuple of curves taken item by item."""
    found = []
    for arg in args:
        found += _curves(arg.elts) if isinstance(arg, (ast.List, ast.Tuple)) else [arg]
    return found


def _requires_grad(ctx: Context, node: ast.AST, v) -> bool:
    """Whether the tensor `v` (the value of `node`) requires grad. The evaluator computes an expression like
    `2 * x - 3` without recording, so an expression counts when a name in it requires grad."""
    return ctx.is_tensor(v) and (v.requires_grad or not isinstance(node, ast.Name)
                                 and bool(ctx.requires_grad_names(node)))


def _detached_args(ctx: Context, call: ast.Call, src) -> list:
    """The plotting call, in the learner's own statement (the line that failed or the one this input
    typed), with .detach() after each argument that requires grad."""
    from tutor.hints.rules.common import node_by_text

    for site in (ctx.error_site, ctx.current_site):
        found = node_by_text(site, ast.Call, src(call)) if site is not None else None
        if found is None:
            continue
        edits = []
        for arg in _curves(found.args):
            v = ctx.try_value(arg) if site.index == ctx.outcome.index else None
            if _requires_grad(ctx, arg, v):
                edits.append((arg, f"{paren(site.segment(arg), arg)}.detach()"))
        return [site.splice_all(edits)] if edits else []
    return []


def _lambdify_hint(ctx: Context, call: ast.Call) -> Hint:
    fname = call.func.id
    a = ctx.assignment(fname)
    fix = f"{fname} = sympy.lambdify(s, expr, 'torch')  # generated code calls torch functions"
    if a is not None and isinstance(a.value, ast.Call) and call_name(a.value) == "lambdify":
        new = copy.deepcopy(a.value)
        new.args = new.args[:2] + [ast.Constant("torch")]
        new.keywords = [k for k in new.keywords if k.arg != "modules"]
        made = unparse(new)
        if len(a.value.args) >= 2:  # in the learner's own text: their function, arguments and spacing
            src = a.stmt.source
            parts = [source_of(x, src) for x in a.value.args[:2]] + ["'torch'"] + [
                source_of(k, src) for k in a.value.keywords if k.arg != "modules"]
            made = f"{source_of(a.value.func, src)}({', '.join(parts)})"
        fix = f"{fname} = {made}  # generated code calls torch functions"
    return ctx.hint(
        "sympy-on-tensor",
        f"{fname} was made by sympy.lambdify with NumPy functions, which cannot take a tensor that requires "
        f"grad.", fix)


@rule(30)
def float_result_methods(ctx: Context):
    """'float'/'Float' object has no attribute 'backward': math.* or SymPy made a number."""
    m = re.search(r"'(\w+)' object has no attribute '(\w+)'", ctx.error.message if ctx.error else "")
    if not ctx.error_is("AttributeError") or m is None:
        return None
    kind = m.group(1)
    tree = ctx.error_tree or ctx.tree
    receiver = None
    for node in ast.walk(tree) if tree is not None else []:
        if isinstance(node, ast.Attribute) and node.attr == m.group(2):
            receiver = node.value
            break
    if receiver is None and kind == "float":  # raised inside torch: F.mse_loss(pred, y) with pred a float
        receiver = next((n for n in ast.walk(tree) if isinstance(n, ast.Name)
                         and isinstance(ctx.try_value(n), float) and _math_made(ctx, n)), None)
    if receiver is None:
        return None
    rsrc = ctx.error_src(receiver)
    value = ctx.try_value(receiver)
    pieces = chain(ctx, receiver, ctx.error_source or ctx.source)
    if kind == "float" or isinstance(value, float):
        for p in pieces:
            for c in find_calls(p.node, lambda c: is_math_call(ctx, c)):
                arg = p.src(c.args[0]) if c.args else "x"
                return ctx.hint(
                    "math-module-on-tensor",
                    f"{rsrc} is a Python float: {p.src(c)} turned {arg} into a number and dropped its graph.",
                    f"{p.name or rsrc} = {p.src().replace(p.src(c.func), 'torch.' + c.func.attr)}"
                    if p.name else f"torch.{c.func.attr}({arg})",
                    candidates=[torch_instead(ctx, *piece_site(ctx, p, c))])
    if (type(value).__module__ or "").startswith("sympy") or kind in ("Float", "Integer", "Mul", "Add", "Pow",
                                                                       "Rational", "Zero", "One"):
        for p in pieces:
            for c in find_calls(p.node, lambda c: is_sympy_callable(ctx, c)):
                arg = p.src(c.args[0]) if c.args else "x"
                return ctx.hint(
                    "sympy-on-tensor",
                    f"{rsrc} is a SymPy number ({kind}): {p.src(c)} turned {arg} into SymPy's own Float, "
                    f"so the graph is gone.",
                    f"torch.{call_name(c)}({arg})  # or f = sympy.lambdify(s, expr, 'torch'); f({arg})",
                    candidates=[torch_instead(ctx, *piece_site(ctx, p, c))])
    return None


def _math_made(ctx: Context, name: ast.Name) -> bool:
    """Whether a math.* call on a tensor that requires grad made the float `name` holds."""
    return any(ctx.requires_grad_names(c.args[0]) for p in chain(ctx, name, ctx.error_source or ctx.source)
               for c in find_calls(p.node, lambda c: is_math_call(ctx, c)) if c.args)


@rule(30)
def math_value_error(ctx: Context):
    if not ctx.error_is(("ValueError", "TypeError"), "only one element tensors can be converted",
                        "must be real number, not tensor"):
        return None
    for node in ctx.error_nodes():
        if isinstance(node, ast.Call) and is_math_call(ctx, node) and node.args:
            arg = ctx.error_src(node.args[0])
            v = ctx.try_value(node.args[0])
            n = f" ({v.numel()} elements)" if ctx.is_tensor(v) else ""
            return ctx.hint(
                "math-module-on-tensor",
                f"{ctx.error_src(node)} needs one Python number, but {arg} is a tensor{n}; math.* never keeps "
                f"a graph anyway.",
                f"torch.{node.func.attr}({arg})  # elementwise, and autograd can follow it")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) \
                and isinstance(node.left.value, str):
            if isinstance(node.right, ast.Tuple):  # '... %f' % (epoch + 1, l): which item is the tensor
                return _percent_tuple(ctx, node.right)
            x = ctx.error_src(node.right)
            return ctx.hint(
                "format-tensor",
                f"'%' formatting needs one number, but {x} is a tensor with several elements.",
                f"', '.join('%.3f' % v for v in {paren(x, node.right)}.tolist())",
                candidates=_percent_each(ctx, node))
    return None


def _percent_tuple(ctx: Context, items: ast.Tuple) -> Hint:
    """`'epoch %d, loss %f' % (epoch + 1, l)` with l a tensor of several numbers (the losses of a batch)."""
    many = [(e, v) for e in items.elts if ctx.is_tensor(v := ctx.try_value(e)) and v.numel() > 1]
    node = many[0][0] if many else items
    x, px = ctx.error_src(node), paren(ctx.error_src(node), node)
    what = (f"{x} is a tensor with {many[0][1].numel()} elements" if many
            else f"{x} holds a tensor with several elements")
    return ctx.hint(
        "format-tensor",
        f"'%' formatting needs one number for each %-field, but {what}.",
        "",
        words=f"give % one number for {x}: {px}.mean() or {px}.sum() if that is the value you mean, or format "
              f"each of {px}.tolist().")


def _percent_each(ctx: Context, node: ast.BinOp) -> list:
    """`'%.3f' % x` in the learner's statement as the same format applied to each number of x, joined."""
    from tutor.hints.rules.common import node_by_text

    site = ctx.error_site
    found = node_by_text(site, ast.BinOp, ctx.error_src(node)) if site is not None else None
    if found is None:
        return []
    fmt, x = site.segment(found.left), site.segment(found.right)
    return [site.splice(found, f"', '.join({fmt} % v for v in {paren(x, found.right)}.tolist())")]


@rule(40)
def tensor_copy(ctx: Context):
    if ctx.tree is None or ctx.error is not None:
        return None
    warned = any("copy construct from a tensor" in w.message for w in ctx.outcome.warnings)
    for call in find_calls(ctx.tree, torch_tensor_call):
        arg = call.args[0]
        if not isinstance(arg, (ast.Name, ast.Attribute, ast.Subscript)):
            continue
        v = ctx.try_value(arg)
        if not ctx.is_tensor(v) or not (v.requires_grad or warned):
            continue
        a = source_of(arg, ctx.source)
        why = (f"{source_of(call, ctx.source)} copies {a}'s numbers into a new tensor outside the graph"
               + (f": nothing computed from it reaches {a}." if v.requires_grad else "."))
        fix = f"{paren(a, arg)}.clone()  # stays in the graph; {paren(a, arg)}.detach().clone() for a constant copy"
        return ctx.hint("tensor-copy-construct", why, fix,
                        candidates=copy_candidates(*site_and_node(ctx, ctx.outcome.index, call)))
    return None


def copy_candidates(site, node: ast.Call | None, itself: bool = False) -> list:
    """`torch.tensor(t)` (the call `node` of `site`) rewritten in the learner's statement. When the graph
    was wanted (`itself`: a backward pass failed for lack of it): `t` itself, then `t.clone()` (a copy
    that stays in the graph). Otherwise `t.detach().clone()` first, what torch.tensor(t) makes without
    the warning (PyTorch's own advice; a lesson step that asks for a constant copy accepts it), then
    `t.clone()`."""
    from tutor.hints.rules.common import shown_holder

    if site is None or node is None or not node.args:
        return []
    arg = node.args[0]
    a = paren(site.segment(arg), arg)
    holder = shown_holder(site, node)
    news = [site.segment(arg), f"{a}.clone()"] if itself else [f"{a}.detach().clone()", f"{a}.clone()"]
    return [site.splice(node, new if new != site.segment(arg) else a, shown_node=holder) for new in news]


@rule(40)
def item_cut(ctx: Context):
    if ctx.tree is None or ctx.error is not None:
        return None
    for node in ast.walk(ctx.tree):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        lhs = source_of(node.targets[0], ctx.source)
        value = node.value
        # torch.tensor([x ** 2, x ** 3]) of tensors that require grad
        for call in find_calls(value, torch_tensor_call):
            if isinstance(call.args[0], (ast.List, ast.Tuple)) and ctx.requires_grad_names(call.args[0]):
                items = ", ".join(source_of(e, ctx.source) for e in call.args[0].elts)
                return ctx.hint(
                    "item-breaks-graph",
                    f"{source_of(call, ctx.source)} copies the numbers of its items into a new tensor outside the "
                    f"graph, so {lhs} has no gradient path back to {ctx.requires_grad_names(call.args[0])[0]}.",
                    f"{lhs} = torch.stack([{items}])  # keeps the graph")
        # x * x.item(): part of the expression became a constant
        found = None
        for op in (n for n in ast.walk(value) if isinstance(n, ast.BinOp)):
            cuts = [c for c in find_calls(op, to_python_call)
                    if ctx.requires_grad_names(c.func.value if isinstance(c.func, ast.Attribute) else c.args[0])]
            if cuts and any(_uses_outside(op, cuts, n) for n in ctx.requires_grad_names(op)):
                found = cuts[0]
                break
        if found is None:
            continue
        c = found
        inner = c.func.value if isinstance(c.func, ast.Attribute) else c.args[0]
        fixed = source_of(value, ctx.source).replace(source_of(c, ctx.source), source_of(inner, ctx.source))
        return ctx.hint(
            "item-breaks-graph",
            f"{source_of(c, ctx.source)} is a plain Python number, so autograd treats it as a constant in "
            f"{lhs} = {source_of(value, ctx.source)}: the gradient misses that part.",
            f"{lhs} = {fixed}")
    return None


def _uses_outside(value: ast.AST, cuts: list[ast.Call], name: str) -> bool:
    inside = {id(n) for c in cuts for n in ast.walk(c)}
    return any(isinstance(n, ast.Name) and n.id == name and id(n) not in inside for n in ast.walk(value))


@rule(40)
def math_on_rg(ctx: Context):
    if ctx.tree is None or ctx.error is not None:
        return None
    def math_call(c: ast.Call) -> bool:
        return is_math_call(ctx, c) and bool(c.args)  # every math.* function takes an argument

    calls = [(c, ctx.source, None) for c in find_calls(ctx.tree, math_call)]
    for call, fdef, fsrc in ctx.called_functions(ctx.tree):
        if any(ctx.is_tensor(v := ctx.try_value(a)) and v.requires_grad for a in call.args):
            calls += [(c, fsrc, fdef.name) for c in find_calls(fdef, math_call)]
    for c, src, fname in calls:
        arg = source_of(c.args[0], src)
        if fname is None:
            v = ctx.try_value(c.args[0])
            if not (ctx.is_tensor(v) and v.requires_grad) and not ctx.requires_grad_names(c.args[0]):
                continue
        where = f" (in {fname}())" if fname else ""
        return ctx.hint(
            "math-module-on-tensor",
            f"{source_of(c, src)}{where} turned {arg} into a Python float: that term has no graph, so the "
            f"gradient will miss it (or backward() will fail).",
            f"torch.{c.func.attr}({arg})  # instead of {source_of(c, src)}",
            candidates=[torch_instead(ctx, *site_and_node(
                ctx, input_of_function(ctx, fname) if fname else ctx.outcome.index, c))])
    return None


@rule(40)
def sympy_on_rg(ctx: Context):
    if ctx.tree is None or ctx.error is not None:
        return None
    for c in find_calls(ctx.tree, lambda c: is_sympy_callable(ctx, c)):
        if not c.args:
            continue
        v = ctx.try_value(c.args[0])
        if not (ctx.is_tensor(v) and v.requires_grad):
            continue
        arg = source_of(c.args[0], ctx.source)
        return ctx.hint(
            "sympy-on-tensor",
            f"{source_of(c, ctx.source)} turned {arg} into a SymPy number: the result has no graph.",
            f"torch.{call_name(c)}({arg})  # or f = sympy.lambdify(s, expr, 'torch'); f({arg})",
            candidates=[torch_instead(ctx, *site_and_node(ctx, ctx.outcome.index, c))])
    return None


@rule(40)
def plot_rg(ctx: Context):
    if ctx.tree is None or ctx.error is not None:
        return None
    for c in find_calls(ctx.tree, lambda c: is_plot_call(ctx, c)):
        func = ctx.try_value(c.func)
        if (getattr(func, "__module__", "") or "").startswith("tutor"):
            continue  # the tutor's own plot() detaches on purpose
        for arg in c.args:
            v = ctx.try_value(arg)
            if ctx.is_tensor(v) and v.requires_grad:
                return _plot_hint(ctx, c, lambda n: source_of(n, ctx.source), failed=False)
    return None


# -- numpy-on-requires-grad: the culprit found by value, and its own candidates -------------------------


def _frame_locals(ctx: Context) -> dict:
    """The locals of the innermost learner frame of the error (a helper's arguments), or {}."""
    exc = ctx.error.exc if ctx.error is not None else None
    tb = getattr(exc, "__traceback__", None)
    found = {}
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.startswith("<input-") and code.co_name != "<module>":
            found = dict(tb.tb_frame.f_locals)
        tb = tb.tb_next
    return found


def _holds_rg(ctx: Context, v, depth: int = 0) -> bool:
    """Whether `v` is a tensor that requires grad, or a list/tuple/dict holding one."""
    if depth > 3:
        return False
    if ctx.is_tensor(v):
        return bool(v.requires_grad)
    if isinstance(v, (list, tuple)):
        return any(_holds_rg(ctx, e, depth + 1) for e in list(v)[:1000])
    if isinstance(v, dict):
        return any(_holds_rg(ctx, e, depth + 1) for e in list(v.values())[:1000])
    return False


def _name_value(ctx: Context, local: dict, name: str):
    return local[name] if name in local else ctx.ns.get(name)


def _rg_names(ctx: Context, node: ast.AST, local: dict) -> list[str]:
    """Names read in `node` whose values require grad (or hold such tensors), in order, once each."""
    bound = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    found = []
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in found and n.id not in bound:
            if _holds_rg(ctx, _name_value(ctx, local, n.id)):
                found.append(n.id)
    return found


def _numpy_culprit(ctx: Context, stmt: ast.AST, local: dict) -> ast.AST | None:
    """The expression handed to NumPy that carries a tensor requiring grad: the receiver of .numpy(), or
    the argument of np.*(...) / a plotting call."""
    calls = [node for node in ast.walk(stmt) if isinstance(node, ast.Call)]
    for node in calls:  # a .numpy() call first: it is where the error comes from
        if call_name(node) == "numpy" and isinstance(node.func, ast.Attribute):
            if _rg_names(ctx, node.func.value, local) or _comp_rg(ctx, node.func.value, local):
                return node.func.value
    for node in calls:
        if (dotted(node.func) or "").startswith(("np.", "numpy.", "plt.")) or call_name(node) in _PLOT_NAMES:
            for arg in node.args:
                if _rg_names(ctx, arg, local) or _comp_rg(ctx, arg, local):
                    return arg
    return None


def _comp_rg(ctx: Context, node: ast.AST, local: dict) -> bool:
    """A comprehension over a list of tensors that require grad (its loop variable is not in any namespace)."""
    return any(isinstance(c, (ast.ListComp, ast.GeneratorExp)) and any(
        _rg_names(ctx, g.iter, local) for g in c.generators) for c in ast.walk(node))


def _detached(site, node: ast.AST) -> str:
    text = site.segment(node)
    simple = isinstance(node, (ast.Name, ast.Attribute, ast.Call, ast.Subscript))
    return f"{text}.detach()" if simple else f"({text}).detach()"


def _numpy_candidates(ctx: Context, site, culprit: ast.AST, local: dict) -> list:
    from tutor.hints.fixes import Candidate

    found = []
    stmt = site.stmt
    holder = next((f for f in ast.walk(site.tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                   and any(s is stmt for s in ast.walk(f))), None)
    if holder is not None:  # inside a helper: show the whole def, so the shown code compiles
        found.append(site.splice(culprit.elt if isinstance(culprit, (ast.ListComp, ast.GeneratorExp)) else culprit,
                                 _detached(site, culprit.elt if isinstance(culprit, (ast.ListComp, ast.GeneratorExp))
                                           else culprit), shown_node=holder))
    elif isinstance(culprit, (ast.ListComp, ast.GeneratorExp)):
        found.append(site.splice(culprit.elt, _detached(site, culprit.elt)))
    elif isinstance(culprit, (ast.List, ast.Tuple)):
        text = site.source
        shown = site.segment(stmt)
        for elt in sorted(culprit.elts, key=lambda e: (e.lineno, e.col_offset), reverse=True):
            if _rg_names(ctx, elt, local):
                one = site.splice(elt, _detached(site, elt))
                if one is None:
                    break
                from tutor.hints.fixes import splice as _splice, _shift
                text = _splice(text, elt, _detached(site, elt))
                shown = _splice(shown, _shift(elt, stmt), _detached(site, elt)) or shown
        else:
            if text is not None and text != site.source:
                found.append(Candidate(shown.strip(), {site.index: text}))
    elif isinstance(culprit, ast.Name) and ctx.is_tensor(_name_value(ctx, local, culprit.id)) is False:
        found.append(site.splice(culprit, f"[t.detach() for t in {culprit.id}]"))
    else:
        found.append(site.splice(culprit, _detached(site, culprit)))
    if stmt is not None and holder is None:
        found.append(site.replace(stmt, "with torch.no_grad():\n    " + site.segment(stmt).replace("\n", "\n    ")))
    return [c for c in found if c is not None]


def numpy_fix(ctx: Context, hint: Hint, hint_id: str = "numpy-on-requires-grad") -> Hint:
    """`hint` (numpy-on-requires-grad) with the culprit found by value and its own candidates."""
    site = ctx.error_site
    if site is None or site.stmt is None:
        return hint
    local = _frame_locals(ctx) if site.index != ctx.outcome.index or ctx.in_function else {}
    culprit = _numpy_culprit(ctx, site.stmt, local)
    if culprit is None:
        return hint
    names = _rg_names(ctx, culprit, local)
    what = site.segment(culprit)
    who = " and ".join(names) or what
    one = len(names) < 2 and (not names or ctx.is_tensor(_name_value(ctx, local, names[0])))
    verb = "requires grad" if one else ("holds tensors that require grad" if len(names) == 1 else "require grad")
    explanation = (f"{who} {verb}{'' if who == what else f' (in {what})'}, and a NumPy array "
                   f"cannot carry a graph.")
    return ctx.hint(hint_id, explanation, "",
                    candidates=_numpy_candidates(ctx, site, culprit, local),
                    words=_numpy_words(ctx, site, culprit, who, one, local))


def _plain_value(ctx: Context, node: ast.AST, local: dict, current: bool):
    """The value of a name, `name[constant]` (a dict of lists too), or an expression of this input; else None."""
    if isinstance(node, ast.Name):
        return _name_value(ctx, local, node.id)
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        base = _plain_value(ctx, node.value, local, current)  # the failing line just read base[key]
        return base[node.slice.value] if isinstance(base, (dict, list, tuple)) else None
    return ctx.try_value(node) if current and not local else None


def _numpy_words(ctx: Context, site, culprit: ast.AST, who: str, one: bool, local: dict) -> str:
    """What to detach: the tensor itself, or each tensor of a list (a list has no .detach())."""
    what = site.segment(culprit)
    if isinstance(culprit, (ast.ListComp, ast.GeneratorExp)):
        return f"call .detach() on {site.segment(culprit.elt)} in {what} before it reaches NumPy (or stay in torch)."
    if not one:
        value = _plain_value(ctx, culprit, local, site.index == ctx.outcome.index)
        if isinstance(value, (list, tuple)):
            return (f"detach each tensor of {what} before it reaches NumPy ([t.detach() for t in {what}]), or "
                    f"stay in torch.")
        if not ctx.is_tensor(value):
            return f"detach each tensor of {who} before it reaches NumPy, or stay in torch."
        who = what
    return f"call .detach() on {who} before it reaches NumPy (or stay in torch)."
