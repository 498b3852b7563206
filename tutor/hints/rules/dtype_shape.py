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
        if not all(ctx.is_tensor(v) for v in vals):
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
    return ctx.hint("mixed-dtype-op", "The two sides of this product have different dtypes.",
                    "a.float() @ b.float()")
