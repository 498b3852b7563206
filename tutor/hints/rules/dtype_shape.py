"""Rules about dtypes and shapes: integer tensors that should require grad, product shapes, mixed dtypes."""

from __future__ import annotations

import ast

from tutor.hints.context import Context, call_name, is_true, keyword, paren
from tutor.hints.rules.common import rule, shape_of, dtype_of, unparse, floatified, is_factory, stmt_value_src


@rule(20)
def int_requires_grad(ctx: Context):
    if not ctx.error_is("RuntimeError", "only tensors of floating point"):
        return None
    for node in ctx.error_nodes():
        if isinstance(node, ast.Call) and is_factory(node) and is_true(keyword(node, "requires_grad")):
            fixed = unparse(floatified(node))
            return ctx.hint(
                "int-requires-grad",
                f"{ctx.error_src(node)} makes an integer tensor (its numbers are Python ints), and only "
                f"floating point tensors can have gradients.", fixed,
                candidates=_floats_where_made(ctx, node, fixed))
    for node in ctx.error_nodes():
        if isinstance(node, ast.Call) and call_name(node) in ("Parameter", "Variable") and node.args:
            return _int_parameter(ctx, node, node.args[0])
    name = None
    for node in ctx.error_nodes():
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "requires_grad_":
            name = ctx.error_src(node.func.value)
        elif isinstance(node, ast.Attribute) and node.attr == "requires_grad" and isinstance(node.ctx, ast.Store):
            name = ctx.error_src(node.value)
    if name is None:
        return ctx.hint("int-requires-grad", "This tensor has an integer dtype.", "x = x.float()")
    t = ctx.tensor(name)
    dtype = f" ({dtype_of(t)})" if t is not None else ""
    a = ctx.assignment(name)
    if a is not None and isinstance(a.value, ast.Call) and is_factory(a.value):
        made = stmt_value_src(a.stmt, a.value)
        return ctx.hint(
            "int-requires-grad",
            f"{name} = {made} is an integer tensor{dtype} because its arguments are ints; only floating "
            f"point tensors can have gradients.",
            f"{name} = {unparse(floatified(a.value))}; {name}.requires_grad_()")
    return ctx.hint(
        "int-requires-grad",
        f"{name} is an integer tensor{dtype}; only floating point tensors can have gradients.",
        f"{name} = {name}.float().requires_grad_()")


def _int_parameter(ctx: Context, call: ast.Call, arg: ast.expr):
    """nn.Parameter(t) (or the old Variable(t, requires_grad=True)) of an integer tensor t: it requires
    grad, so t must hold floats."""
    src = ctx.error_src(arg)
    v = ctx.try_value(arg) if not ctx.in_function else None
    dtype = f" ({dtype_of(v)})" if ctx.is_tensor(v) else ""
    made = unparse(floatified(arg)) if is_factory(arg) and floatified(arg) is not None else None
    new = made or f"{paren(src, arg)}.float()"
    return ctx.hint(
        "int-requires-grad",
        f"{ctx.error_src(call)} makes {src} require grad, and it is an integer tensor{dtype}: only floating "
        f"point tensors can have gradients.", new,
        candidates=_in_the_product(ctx, arg, arg, new),
        words=f"give {ctx.error_src(call.func)} a floating point tensor: {new}.")


def _layer_call(ctx: Context):
    """(call, layer, input node, input value (None: not known), how the called module holds the layer: "is" /
    "starts with")
    for a call of an nn.Linear (or an nn.Sequential that starts with one) on the failing line, else None:
    the product that failed is inside the layer."""
    nn = getattr(ctx.torch, "nn", None)
    for node in ctx.error_nodes():
        if not (isinstance(node, ast.Call) and len(node.args) == 1 and nn is not None):
            continue
        module = _module_of(ctx, node.func)
        layer = module[0] if isinstance(module, nn.Sequential) and len(module) else module
        if not isinstance(layer, nn.Linear):
            continue
        x = ctx.try_value(node.args[0])
        return node, layer, node.args[0], x if ctx.is_tensor(x) else None, "is" if layer is module else "starts with"
    return None


def _module_of(ctx: Context, func: ast.expr):
    """The value of `func` when it is a module: `net`, or `self.fc` / `model.fc` (a submodule, read from
    the module's own table, so nothing of the learner's runs)."""
    value = ctx.try_value(func)
    if value is not None or not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
        return value
    owner = ctx.error_locals.get(func.value.id, ctx.ns.get(func.value.id))
    nn = getattr(ctx.torch, "nn", None)
    return owner._modules.get(func.attr) if nn is not None and isinstance(owner, nn.Module) else None


def _in_the_product(ctx: Context, product: ast.AST, odd: ast.AST, new: str) -> list:
    """The product in the learner's statement with its odd operand (`odd`) written as `new`."""
    from tutor.hints.rules.common import node_by_text

    site = ctx.error_site
    found = node_by_text(site, type(product), ctx.error_src(product)) if site is not None else None
    if found is None:
        return []
    side = next((n for n in ast.walk(found) if type(n) is type(odd) and site.segment(n) == ctx.error_src(odd)), None)
    return [site.splice(side, new)] if side is not None else []


def _floats_where_made(ctx: Context, node: ast.Call, fixed: str) -> list:
    """The failing factory call, in the learner's statement, made with floats."""
    from tutor.hints.rules.common import node_by_text

    site = ctx.error_site
    found = node_by_text(site, ast.Call, ctx.error_src(node)) if site is not None else None
    return [site.splice(found, fixed)] if found is not None else []


@rule(20)
def dot_shapes(ctx: Context):
    if not ctx.error_is("RuntimeError", "1d tensors expected", "shapes cannot be multiplied",
                        "inconsistent tensor size", "size mismatch, got", "both arguments to matmul need"):
        return None
    for node in ctx.error_nodes():
        pair = None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            pair, what = (node.left, node.right), "@"
        elif isinstance(node, ast.Call) and call_name(node) in ("dot", "mm", "mv", "matmul", "inner") and \
                len(node.args) >= 2:
            pair, what = (node.args[0], node.args[1]), f"torch.{call_name(node)}"
        elif isinstance(node, ast.Call) and call_name(node) in ("dot", "mm", "mv", "matmul") and \
                isinstance(node.func, ast.Attribute) and node.args:
            pair, what = (node.func.value, node.args[0]), f".{call_name(node)}"
        if pair is None:
            continue
        a, b = pair
        va, vb = ctx.try_value(a), ctx.try_value(b)
        sa, sb = ctx.error_src(a), ctx.error_src(b)
        if not (ctx.is_tensor(va) and ctx.is_tensor(vb)):
            return ctx.hint("dot-matmul-shapes", f"The shapes of {sa} and {sb} do not fit {what}.",
                            f"print({sa}.shape, {sb}.shape)")
        shapes = f"{sa} has shape {shape_of(va)} and {sb} has shape {shape_of(vb)}"
        if what.endswith("dot") and (va.dim() != 1 or vb.dim() != 1):
            fix = f"({sa} * {sb}).sum()  # or torch.dot({paren(sa, a)}.flatten(), {paren(sb, b)}.flatten())"
            why = f"{shapes}: torch.dot only takes two 1-D vectors."
        elif va.dim() == 1 and vb.dim() == 1:
            why = f"{shapes}: vectors must have the same length."
            fix = f"print({sa}.shape, {sb}.shape)  # make the lengths agree"
        else:
            why = f"{shapes}: for a matrix product the inner sizes must agree."
            fix = f"{paren(sa, a)} @ {paren(sb, b)}.T  # {shape_of(va)} @ {shape_of(vb.T)}" if va.dim() == 2 and \
                vb.dim() == 2 and va.shape[1] == vb.shape[1] else f"print({sa}.shape, {sb}.shape)"
        return ctx.hint("dot-matmul-shapes", why, fix)
    found = _layer_call(ctx)
    if found is not None:
        call, layer, arg, x, how = found
        xsrc, layer_src = ctx.error_src(arg), ctx.error_src(call.func)
        if x is None:  # an input the tutor does not evaluate (random numbers...)
            return ctx.hint(
                "dot-matmul-shapes",
                f"{layer_src} {how} nn.Linear({layer.in_features}, {layer.out_features}): the last size of its "
                f"input, {xsrc}, must be {layer.in_features}, the number of input features.",
                f"print({xsrc}.shape)  # the last size must be {layer.in_features}")
        size = x.shape[-1] if x.dim() else 1
        return ctx.hint(
            "dot-matmul-shapes",
            f"{xsrc} has shape {shape_of(x)}: its last size, {size}, is the number of input features, but "
            f"{layer_src} {how} nn.Linear({layer.in_features}, {layer.out_features}), which expects "
            f"{layer.in_features}.",
            f"print({xsrc}.shape)  # the last size must be {layer.in_features}",
            words=f"make the last size of {xsrc} {layer.in_features}, or build the layer with "
                  f"nn.Linear({size}, {layer.out_features}).")
    return ctx.hint("dot-matmul-shapes", "The operand shapes do not fit this product.",
                    "print(a.shape, b.shape)")


@rule(20)
def mixed_dtype(ctx: Context):
    if not ctx.error_is("RuntimeError", "same dtype", "expected scalar type", "expected m1 and m2") or \
            ctx.error_is("RuntimeError", "grad_output"):
        return None
    for node in ctx.error_nodes():
        pair = None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            pair = (node.left, node.right)
        elif isinstance(node, ast.Call) and len(node.args) >= 2 and call_name(node) in (
                "dot", "mm", "mv", "matmul", "inner", "vdot", "addmv", "outer"):
            pair = (node.args[0], node.args[1])
        if pair is None:
            continue
        vals = [ctx.try_value(x) for x in pair]
        known = [(x, v) for x, v in zip(pair, vals) if ctx.is_tensor(v)]
        if len(known) == 1 and not known[0][1].is_floating_point():  # the other side is not known (random...)
            odd, odd_v = known[0]
            osrc = ctx.error_src(odd)
            new = f"{paren(osrc, odd)}.float()"
            return ctx.hint(
                "mixed-dtype-op",
                f"{osrc} is {dtype_of(odd_v)} (its numbers are Python ints) but the other side of the product has "
                f"another dtype; a product needs one dtype.", new,
                candidates=_in_the_product(ctx, node, odd, new))
        if len(known) < 2:
            continue
        (a, b), (va, vb) = pair, vals
        a_odd = not va.is_floating_point() or (va.dtype == ctx.torch.float64 and vb.is_floating_point())
        odd, odd_v, good_v = (a, va, vb) if a_odd else (b, vb, va)
        osrc = ctx.error_src(odd)
        if isinstance(odd, ast.Call) and is_factory(odd) and not odd_v.is_floating_point():
            new = unparse(floatified(odd))
            fix = new + f"  # instead of {osrc}"
        else:
            new = f"{paren(osrc, odd)}.to({ctx.error_src(a if odd is b else b)}.dtype)"
            fix = f"{new}  # or .float()"
        why = "" if odd_v.is_floating_point() else " (its numbers are Python ints)"
        return ctx.hint(
            "mixed-dtype-op",
            f"{osrc} is {dtype_of(odd_v)}{why} but the other side is {dtype_of(good_v)}; a product needs one dtype.",
            fix, candidates=_in_the_product(ctx, node, odd, new))
    found = _layer_call(ctx)
    if found is not None:
        call, layer, arg, x, _ = found
        xsrc, layer_src, wtype = ctx.error_src(arg), ctx.error_src(call.func), dtype_of(layer.weight)
        new = f"{paren(xsrc, arg)}.to({'torch.' + wtype})"
        given = f"is {dtype_of(x)}" if x is not None else "has another dtype"
        return ctx.hint(
            "mixed-dtype-op",
            f"{xsrc} {given} but the weights of {layer_src} are {wtype}; a layer needs its input "
            f"in its own dtype.", f"{layer_src}({new})",
            candidates=_in_the_product(ctx, call, arg, new),
            words=f"convert the input: {layer_src}({new}) (NumPy arrays are float64; torch layers float32).")
    return ctx.hint("mixed-dtype-op", "The two sides of this product have different dtypes.",
                    "a.float() @ b.float()")
