"""Rules about torch.autograd.grad and the gradient= seed: tuples, unused inputs, seed shape and dtype."""

from __future__ import annotations

import ast
import re

from tutor.display import shape_text
from tutor.hints.context import Context, dotted, keyword, paren, source_of
from tutor.hints.rules.common import rule, shape_of, dtype_of, unparse, with_keyword


# where each call takes its seed: (position, keyword)
_SEED = {"backward": (0, "gradient"), "autograd.backward": (1, "grad_tensors"), "grad": (2, "grad_outputs")}


def _seed(call: ast.Call, kind: str) -> tuple[ast.expr | None, str]:
    """The seed node of a failing backward/grad call and the keyword that names it."""
    form = "autograd.backward" if kind == "backward" and (dotted(call.func) or "").endswith("autograd.backward") \
        else kind
    at, name = _SEED[form]
    return (call.args[at] if len(call.args) > at else keyword(call, name)), name


@rule(20)
def gradient_shape(ctx: Context):
    if not ctx.error_is("RuntimeError", "mismatch in shape: grad_output"):
        return None
    m = re.search(r"shape of torch\.Size\(\[([^\]]*)\]\) and output\[0\] has a shape of torch\.Size\(\[([^\]]*)\]\)",
                  ctx.error.message)
    found = ctx.failing_backward()
    t = found[3] if found else "y"
    target = found[1] if found else None
    seed, name = _seed(found[0], found[2]) if found else (None, "gradient")
    seed = (ctx.error_src(seed) if ctx.error_tree else source_of(seed, ctx.source)) if seed is not None else None
    def fmt(s):
        return shape_text(int(p) for p in s.split(",") if p.strip())
    shapes = f"{seed or 'the gradient'} has shape {fmt(m.group(1))} but {t} has shape {fmt(m.group(2))}" if m \
        else f"{seed or 'the gradient'} and {t} have different shapes"
    explanation = f"{shapes}: the {name}= tensor must have exactly the shape of {t}, and nothing is broadcast."
    if found and found[2] == "grad":
        call = found[0]
        new = with_keyword(ast.Call(call.func, call.args[:2], call.keywords), "grad_outputs",
                           ast.parse(f"torch.ones_like({t})", mode="eval").body)
        return ctx.hint("backward-gradient-shape", explanation, unparse(new),
                        candidates=_call_replaced(ctx, call, unparse(new)),
                        words=f"pass a grad_outputs= tensor with the shape of {t} (torch.ones_like({t})).")
    return ctx.hint("backward-gradient-shape", explanation, f"{paren(t, target)}.backward(torch.ones_like({t}))")


def _call_replaced(ctx: Context, call: ast.Call, new: str) -> list:
    """The failing call replaced by `new` in the learner's own statement (`dx, = torch.autograd.grad(...)`)."""
    from tutor.hints.rules.common import node_by_text

    site = ctx.error_site
    found = node_by_text(site, ast.Call, ctx.error_src(call)) if site is not None else None
    return [site.splice(found, new)] if found is not None else []


@rule(20)
def gradient_complex_dtype(ctx: Context):
    if not ctx.error_is("RuntimeError", "both grad_output and output are required to have the same dtype"):
        return None
    found = ctx.failing_backward()
    t = found[3] if found else "y"
    return ctx.hint(
        "backward-gradient-dtype",
        f"the gradient= tensor is complex but {t} is real; the seed must have the dtype of {t}.",
        f"{paren(t, found[1] if found else None)}.backward(torch.ones_like({t}))")


@rule(40)
def gradient_dtype(ctx: Context):
    if ctx.tree is None or ctx.error is not None:
        return None
    for call, target, kind in ctx.backward_calls(ctx.tree):
        if kind != "backward" or target is None:
            continue
        seed = call.args[0] if call.args else keyword(call, "gradient")
        if seed is None:
            continue
        g, y = ctx.try_value(seed), ctx.try_value(target)
        if not (ctx.is_tensor(g) and ctx.is_tensor(y)) or g.dtype == y.dtype:
            continue
        t = source_of(target, ctx.source)
        return ctx.hint(
            "backward-gradient-dtype",
            f"{source_of(seed, ctx.source)} is {dtype_of(g)} but {t} is {dtype_of(y)}: PyTorch converts the "
            f"seed to {dtype_of(y)} without a word, so the gradient is {dtype_of(y)} anyway.",
            f"{paren(t, target)}.backward(torch.ones_like({t}))  # y's own shape and dtype")
    return None


@rule(20)
def allow_unused(ctx: Context):
    unused = ctx.error_is("RuntimeError", "appears to not have been used in the graph")
    no_rg = ctx.error_is("RuntimeError", "one of the differentiated tensors does not require grad")
    if not (unused or no_rg):
        return None
    found = ctx.failing_backward()
    if found is None or found[2] != "grad":
        return ctx.hint("allow-unused", "An input of torch.autograd.grad is not used by the output.",
                        "torch.autograd.grad(y, inputs, allow_unused=True)")
    call, target, kind, t = found
    inputs = call.args[1] if len(call.args) > 1 else keyword(call, "inputs")
    isrc = ctx.error_src(inputs) if inputs is not None else "inputs"
    elts = inputs.elts if isinstance(inputs, (ast.List, ast.Tuple)) else [inputs] if inputs is not None else []
    if no_rg:
        bad = next((e for e in elts if ctx.is_tensor(v := ctx.try_value(e)) and not v.requires_grad), None)
        b = ctx.error_src(bad) if bad is not None else "an input"
        return ctx.hint(
            "allow-unused",
            f"{b} does not require grad, so torch.autograd.grad cannot give a gradient with respect to it.",
            f"{b}.requires_grad_(True)  # before computing {t}; or leave {b} out of the inputs")
    m = re.search(r"at index (\d+)", ctx.error.message)
    idx = int(m.group(1)) if m else 0
    z = ctx.error_src(elts[idx]) if idx < len(elts) else "that input"
    new = with_keyword(call, "allow_unused", ast.Constant(True))
    return ctx.hint(
        "allow-unused",
        f"{t} does not depend on {z}" + (f" (input {idx} of {isrc})" if len(elts) > 1 else "")
        + ", so there is no gradient to return for it.",
        f"{unparse(new)}  # {z}'s entry will be None; or check why {z} is unused")


def _grad_tuple_name(ctx: Context, node: ast.AST) -> tuple[str, ast.Call | None, str] | None:
    """If `node` is a name holding the tuple of torch.autograd.grad: (name, the call, its source)."""
    if isinstance(node, ast.Call) and (dotted(node.func) or "").endswith("autograd.grad"):
        return None, node, ctx.error_src(node)
    if not isinstance(node, ast.Name):
        return None
    value = ctx.ns.get(node.id)
    if not isinstance(value, tuple):
        return None
    a = ctx.assignment(node.id)
    if a is not None and isinstance(a.value, ast.Call) and (dotted(a.value.func) or "").endswith("autograd.grad") \
            and not a.unpacked:
        return node.id, a.value, source_of(a.value, a.stmt.source)
    return None


SEQUENCE = "can't multiply sequence by non-int"  # lr * grads: a tuple times a float


@rule(20)
def grad_tuple_error(ctx: Context):
    if not (ctx.error_is("AttributeError", "'tuple' object") or ctx.error_is("TypeError", "tuple", SEQUENCE)):
        return None
    for node in _culprits_first(ctx, list(ctx.error_nodes())):
        found = _grad_tuple_name(ctx, node)
        if found is None:
            continue
        name, call, csrc = found
        if name is None:
            return ctx.hint(
                "grad-returns-tuple",
                f"{csrc} returns a tuple with one gradient per input, not a tensor.",
                f"{csrc}[0]")
        value = ctx.ns[name]
        return ctx.hint(
            "grad-returns-tuple",
            f"{name} is the tuple {brief_tuple(value)}: torch.autograd.grad returns one gradient per input, "
            f"in a tuple.",
            f"({name},) = {csrc}  # unpack the tuple", candidates=_unpack_candidates(ctx, name))
    return None


def _culprits_first(ctx: Context, nodes: list) -> list:
    """The nodes of the failing line, the one the error is about first: for "'tuple' object has no attribute
    'item'", the value whose .item was read (not another tuple that merely sits on the same line)."""
    import re

    found = re.search(r"has no attribute '(\w+)'", getattr(ctx.error, "message", "") or "")
    if not found:
        return nodes
    read = [n.value for n in nodes if isinstance(n, ast.Attribute) and n.attr == found.group(1)]
    return read + [n for n in nodes if all(n is not r for r in read)]


def _unpack_candidates(ctx: Context, name: str) -> list:
    """`name = torch.autograd.grad(...)` unpacked where it was made: `(name,) = ...`; the later inputs run again."""
    a = ctx.assignment(name)
    if a is None or not isinstance(a.stmt.node, ast.Assign) or len(a.stmt.node.targets) != 1:
        return []
    site = ctx.site_of(a.stmt)  # the same statement, `name = ...` (None once its input left the history)
    found = site.splice(site.stmt.targets[0], f"({name},)", site.stmt) if site is not None else None
    return [found] if found is not None else []


def brief_tuple(value) -> str:
    def one(v):
        text = repr(v) if not hasattr(v, "numel") or v.numel() == 1 else f"tensor of shape {shape_of(v)}"
        return text.replace(", requires_grad=True", "")
    more = ", ..." if len(value) > 3 else ""  # a 4-tuple is not shown as a 3-tuple
    text = "(" + ", ".join(one(v) for v in value[:3]) + more + ("," if len(value) == 1 else "") + ")"
    return text if len(text) <= 60 else f"of {len(value)} tensors"


@rule(40)
def grad_tuple_silent(ctx: Context):
    if ctx.tree is None or ctx.error is not None:
        return None
    for node in ast.walk(ctx.tree):
        operands = []
        if isinstance(node, ast.BinOp):
            operands = [node.left, node.right]
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
        for op in operands:
            found = _grad_tuple_name(ctx, op) if isinstance(op, ast.Name) else None
            if found is None:
                continue
            name, call, csrc = found
            what = source_of(node, ctx.source)
            return ctx.hint(
                "grad-returns-tuple",
                f"{name} is the tuple {brief_tuple(ctx.ns[name])}, so {what} works on the tuple, not on "
                f"the gradient.",
                f"({name},) = {csrc}  # unpack the tuple")
    return None
