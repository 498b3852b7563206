"""The chain rule step by step: the backward pass node by node, and forward mode with dual numbers.

`backward_trace(tensor, ...)` runs the backward pass itself: it calls each node's backward function
(`grad_fn(grad)`) in the order PyTorch's engine would (a node runs once every gradient for it has
arrived; among ready nodes the most recently created first), adds up gradients that arrive at a
node along several paths, and reduces broadcast gradients to the input's shape as the engine does.
It never calls AccumulateGrad, runs no hooks and frees nothing: the learner's `.grad` and graph are
untouched (D2L 2.5; exercises 5-7).

`forward_trace(func, points, names)` evaluates the function once with dual numbers
(torch.autograd.forward_ad) while a TorchFunctionMode records every operation's value and tangent.
"""

from __future__ import annotations

import heapq
import math
import sys
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

from tutor import graph as G
from tutor.commands import CommandError
from tutor.display import a_type

TRACE_LIMIT = G.WALK_LIMIT if G.WALK_LIMIT > 25_000 else 5_000  # nodes: larger graphs are summarised by %graph, not walked step by step
STEP_LIMIT = 40  # steps shown; the rest are counted
FORWARD_LIMIT = 40  # forward operations shown


# -- the backward pass -------------------------------------------------------------------------


@dataclass
class TraceEdge:
    to: str  # "[3] log", "x", "constant 1"
    rule: str  # "∂/∂a = cos(a) = cos(2) = -0.4161"
    grad: str  # the gradient leaving along this edge, as text
    value: Any = None  # the tensor (None for an input that needs no gradient)


@dataclass
class TraceStep:
    number: int
    node: str  # "[2] mul"
    torch_name: str
    formula: str  # "out = a·b"
    arriving: str  # text; a sum when several paths meet
    edges: list[TraceEdge]
    is_leaf: bool = False


@dataclass
class LeafGradient:
    name: str
    grad: Any  # tensor
    text: str


@dataclass
class BackwardTrace:
    title: str  # "y"
    seed: str  # "1" or the --gradient values
    steps: list[TraceStep]
    hidden_steps: int
    leaves: list[LeafGradient]
    order: list[str] = field(default_factory=list)  # every node in the order it ran
    node_ids: list[int] = field(default_factory=list)  # graph ids in that order


# Rules: stem of the node name → (forward formula, [(symbolic ∂out/∂input, numeric template)])
# Numeric templates use the saved values a (self), b (other), out (result), p (exponent), alpha.
_RULES: dict[str, tuple[str, list[tuple[str, str | None]]]] = {
    "AddBackward0": ("out = a + α·b", [("1", None), ("α", None)]),
    "AddBackward1": ("out = a + c", [("1", None)]),
    "SubBackward0": ("out = a - α·b", [("1", None), ("-α", None)]),
    "SubBackward1": ("out = a - c", [("1", None)]),
    "RsubBackward0": ("out = b - α·a", [("-α", None), ("1", None)]),
    "RsubBackward1": ("out = c - α·a", [("-α", None)]),
    "MulBackward0": ("out = a·b", [("b", "{b}"), ("a", "{a}")]),
    "MulBackward1": ("out = a·c", [("c", None)]),
    "DivBackward0": ("out = a / b", [("1/b", "1/{b}"), ("-a/b²", "-{a}/{b}²")]),
    "DivBackward1": ("out = a / c", [("1/c", None)]),
    "PowBackward0": ("out = a^p", [("p·a^(p-1)", "{p}·{a}^{pm1}")]),
    "PowBackward1": ("out = a^b", [("b·a^(b-1)", None), ("a^b·ln(a)", None)]),
    "PowBackward2": ("out = c^a", [("c^a·ln(c) = out·ln(c)", None)]),
    "ExpBackward0": ("out = exp(a)", [("exp(a) = out", "{out}")]),
    "LogBackward0": ("out = log(a)", [("1/a", "1/{a}")]),
    "SinBackward0": ("out = sin(a)", [("cos(a)", "cos({a})")]),
    "CosBackward0": ("out = cos(a)", [("-sin(a)", "-sin({a})")]),
    "TanBackward0": ("out = tan(a)", [("1 + out²", "1 + {out}²")]),
    "TanhBackward0": ("out = tanh(a)", [("1 - out²", "1 - {out}²")]),
    "SigmoidBackward0": ("out = σ(a)", [("out·(1 - out)", "{out}·(1 - {out})")]),
    "ReluBackward0": ("out = max(a, 0)", [("1 where a > 0, else 0", None)]),
    "ReciprocalBackward0": ("out = 1/a", [("-1/a² = -out²", "-{out}²")]),
    "NegBackward0": ("out = -a", [("-1", None)]),
    "SqrtBackward0": ("out = √a", [("1/(2·out)", "1/(2·{out})")]),
    "AbsBackward0": ("out = |a|", [("sign(a)", None)]),
    "SumBackward0": ("out = Σ a", [("1 for each element (copied back)", None)]),
    "SumBackward1": ("out = Σ a over dims", [("1 (copied back along the summed dims)", None)]),
    "MeanBackward0": ("out = mean(a)", [("1/n for each element", None)]),
    "MeanBackward1": ("out = mean(a) over dims", [("1/n (along the averaged dims)", None)]),
    "DotBackward0": ("out = a·b (dot)", [("b", None), ("a", None)]),
    "MmBackward0": ("out = A @ B", [("grad @ Bᵀ", None), ("Aᵀ @ grad", None)]),
    "MvBackward0": ("out = A @ v", [("grad ⊗ v (outer)", None), ("Aᵀ @ grad", None)]),
    "LinalgVectorNormBackward0": ("out = ‖a‖", [("a / ‖a‖ (for the 2-norm)", None)]),
}
_MOVES = ("View", "Reshape", "UnsafeView", "Expand", "T", "Transpose", "Permute", "Unsqueeze",
          "Squeeze", "Select", "Slice", "Index", "Clone", "ToCopy", "Cat", "Stack")


def rule_for(fn, n_inputs: int) -> tuple[str, list[tuple[str, str | None]]]:
    name = type(fn).__name__
    if name in _RULES:
        formula, rules = _RULES[name]
    elif G._BACKWARD.sub("", name) in _MOVES:
        formula = f"out = {G.op_key(name)}(a)"
        rules = [("moves the gradient back into a's shape", None)]
    else:
        formula = f"out = {G.op_key(name)}(…)"
        rules = [(f"PyTorch's backward formula for {name}", None)]
    rules = list(rules) + [rules[-1]] * max(0, n_inputs - len(rules))
    return formula, rules[:n_inputs]


def _scalars(fn) -> dict[str, str]:
    """Saved values a, b, out, p, alpha as short numbers (only those that are single numbers)."""
    values = {}
    for key, saved in (("a", "self"), ("b", "other"), ("out", "result"), ("p", "exponent"),
                       ("alpha", "alpha")):
        if saved not in G.saved_names(fn):
            continue
        v = G.read_saved(fn, saved)
        if v is None or v is G.FREED:
            continue
        if hasattr(v, "numel"):
            if v.numel() != 1:
                continue
            v = v.item()
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            values[key] = _num(v)
            if key == "p":
                values["pm1"] = _num(v - 1)
    return values


def _num(v: float) -> str:
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    if isinstance(v, int) or (isinstance(v, float) and v == int(v) and abs(v) < 1e15):
        return str(int(v))
    return f"{v:.4g}"


def tensor_text(t, limit: int = 6) -> str:
    """A gradient as short text: a number, a short list, or its shape."""
    if t is None:
        return "—"
    if t.numel() == 1:
        return _num(float(t.detach().reshape(()).item()))
    if t.numel() <= limit:
        flat = ", ".join(_num(float(v)) for v in t.detach().flatten().tolist())
        return f"[{flat}]" if t.dim() == 1 else f"[{flat}] (shape {G._shape(t.shape)})"
    return f"tensor of shape {G._shape(t.shape)}"


def backward_trace(tensor, gradient=None, *, names: dict[int, list[str]] | None = None,
                   title: str = "y", step_limit: int = STEP_LIMIT,
                   constants: dict | None = None) -> BackwardTrace:
    """Run the backward pass from `tensor` step by step, without touching any .grad or buffer."""
    torch = sys.modules["torch"]
    if not isinstance(tensor, torch.Tensor):
        raise CommandError(f"{title} is {a_type(tensor)}, not a tensor: %trace needs a "
                           "tensor computed from tensors with requires_grad=True")
    if tensor.grad_fn is None:
        if tensor.requires_grad:
            raise CommandError(f"{title} is a leaf tensor: there is no graph behind it to walk back "
                               f"through; trace a result computed from it, e.g. (2 * {title}).sum()")
        raise CommandError(f"{title} has no graph (requires_grad=False): compute it from a tensor "
                           "created with requires_grad=True, e.g. x = torch.tensor(2.0, requires_grad=True)")
    if gradient is None:
        if tensor.numel() != 1:
            raise CommandError(
                f"{title} has shape {G._shape(tensor.shape)}: backward needs a scalar, or a gradient "
                f"v of the same shape, e.g. --gradient torch.ones({', '.join(map(str, tensor.shape))})")
        seed = torch.ones_like(tensor)
    else:
        if not isinstance(gradient, torch.Tensor):
            try:
                gradient = torch.as_tensor(gradient, dtype=tensor.dtype)
            except Exception:  # noqa: BLE001
                raise CommandError("the --gradient must be a tensor (or numbers) of the output's shape") from None
        if gradient.shape != tensor.shape:
            raise CommandError(f"the gradient has shape {G._shape(gradient.shape)} but {title} has shape "
                               f"{G._shape(tensor.shape)}: they must match (like y.backward(gradient=v))")
        seed = gradient.detach().to(tensor.dtype)

    fns, index, nexts = G.walk(tensor.grad_fn, TRACE_LIMIT + 1)
    if len(fns) > TRACE_LIMIT:
        raise CommandError(f"{title}'s graph has more than {TRACE_LIMIT:,} nodes: too many to walk step by step "
                           f"(at most {TRACE_LIMIT:,}); %graph {title} summarises it")
    graph = G.build(tensor, names, title=title, constants=constants)
    if any(G.is_freed(fn) for fn in fns):
        raise CommandError(f"{title}'s graph was freed by an earlier backward(): its saved tensors are "
                           f"gone. Recompute {title}, or call backward(retain_graph=True) next time")

    def ref(i: int) -> str:
        node = graph.nodes[i]
        if node.is_leaf:
            return graph.leaf_label(node)
        return f"[{node.number}] {node.label}"

    # dependencies: how many edges lead into each node (each must deliver before it runs)
    deps = [0] * len(fns)
    for nf in nexts:
        for nxt, _ in nf:
            if nxt is not None:
                deps[index[id(nxt)]] += 1
    buffers: dict[int, list] = {0: [None] * _num_inputs(fns[0])}
    buffers[0][tensor.output_nr] = seed
    arrivals: dict[int, list[tuple[str, Any]]] = {0: [("seed", seed)]}
    heap = [(-_seq(fns[0]), 0)]
    steps: list[TraceStep] = []
    order: list[str] = []
    ids: list[int] = []
    leaves: dict[int, Any] = {}
    while heap:
        _, i = heapq.heappop(heap)
        fn, node = fns[i], graph.nodes[i]
        order.append(ref(i))
        ids.append(i)
        grads_in = buffers.pop(i)
        came = arrivals.pop(i, [])
        arriving = _arriving_text(came)
        if node.is_leaf:
            leaves[i] = grads_in[0]
            if len(steps) < step_limit:
                steps.append(TraceStep(len(order), ref(i) + " (leaf)", "AccumulateGrad", "",
                                       arriving, [], is_leaf=True))
            continue
        metas = fn._input_metadata
        filled = [g if g is not None else torch.zeros(tuple(m.shape), dtype=m.dtype)
                  for g, m in zip(grads_in, metas)]
        try:
            with torch.no_grad():
                outs = fn(*filled)
        except RuntimeError as exc:
            if "second time" in str(exc) or "freed" in str(exc):
                raise CommandError(f"{title}'s graph was freed by an earlier backward(): recompute "
                                   f"{title}, or call backward(retain_graph=True) next time") from None
            raise CommandError(f"the backward step of {type(fn).__name__} failed: {exc}") from None
        if not isinstance(outs, (tuple, list)):
            outs = (outs,)
        formula, rules = rule_for(fn, len(nexts[i]))
        values = _scalars(fn)
        edges = []
        g_in = filled[0] if len(filled) == 1 else None
        for slot, ((nxt, input_nr), grad, (symbol, template)) in enumerate(zip(nexts[i], outs, rules)):
            if nxt is None or grad is None:
                note = node.edges[slot].note if slot < len(node.edges) else "constant"
                edges.append(TraceEdge(note, "no gradient needed", "—"))
                continue
            j = index[id(nxt)]
            grad = _validate(grad, nxt, input_nr, torch)
            letter = "ab"[slot] if slot < 2 and len(nexts[i]) > 1 else "a"
            edges.append(TraceEdge(ref(j), _rule_text(symbol, template, values, g_in, grad, letter),
                                   tensor_text(grad), grad))
            buf = buffers.setdefault(j, [None] * _num_inputs(nxt))
            buf[input_nr] = grad if buf[input_nr] is None else buf[input_nr] + grad
            arrivals.setdefault(j, []).append((ref(i), grad))
            deps[j] -= 1
            if deps[j] == 0:
                heapq.heappush(heap, (-_seq(nxt), j))
        if len(steps) < step_limit:
            steps.append(TraceStep(len(order), ref(i), type(fn).__name__, formula, arriving, edges))
    leaf_grads = []
    for i, grad in leaves.items():
        label = graph.leaf_label(graph.nodes[i])
        leaf_grads.append(LeafGradient(label, grad, tensor_text(grad)))
    seed_text = "1" if gradient is None else tensor_text(seed)
    return BackwardTrace(title, seed_text, steps, max(0, len(order) - len(steps)), leaf_grads, order, ids)


def _num_inputs(fn) -> int:
    try:
        return max(1, len(fn._input_metadata))
    except Exception:  # noqa: BLE001
        return 1


def _seq(fn) -> int:
    try:
        return fn._sequence_nr()
    except Exception:  # noqa: BLE001
        return 0


def _validate(grad, nxt, input_nr, torch):
    """What the engine does to a gradient before passing it on: sum broadcast dims, cast dtype."""
    try:
        meta = nxt._input_metadata[input_nr]
    except Exception:  # noqa: BLE001
        return grad
    shape = tuple(meta.shape)
    if tuple(grad.shape) != shape:
        grad = grad.sum_to_size(shape) if shape else grad.sum()
    if grad.dtype != meta.dtype:
        grad = grad.to(meta.dtype)
    return grad


def _arriving_text(came: list[tuple[str, Any]]) -> str:
    if not came:
        return "—"
    if len(came) == 1:
        who, g = came[0]
        return tensor_text(g) + ("  (the seed)" if who == "seed" else "")
    total = came[0][1]
    for _, g in came[1:]:
        total = total + g
    if all(g.numel() == 1 for _, g in came) and len(came) <= 4:
        parts = " + ".join(tensor_text(g) for _, g in came).replace("+ -", "- ")
        return f"{parts} = {tensor_text(total)}"
    return f"sum of {len(came)} paths = {tensor_text(total)}"


def _rule_text(symbol: str, template: str | None, values: dict, g_in, g_out, letter: str = "a") -> str:
    text = f"∂/∂{letter} = {symbol}"
    if template is not None:
        try:
            filled = template.format(**values)
        except KeyError:
            filled = None
        if filled is not None:
            text += " = " + filled
            if _is_number(filled):
                return text
    if g_in is not None and g_in.numel() == 1 and g_out.numel() == 1:
        gi = float(g_in.reshape(()).item())
        if gi != 0:
            local = float(g_out.reshape(()).item()) / gi
            if symbol not in ("1", "-1") or template:
                text += f" = {_num(local)}"
    return text


# -- forward mode --------------------------------------------------------------------------------


@dataclass
class ForwardStep:
    label: str  # v1
    expr: str  # "x ** 2"
    rule: str  # "v1' = 2·x·x'"
    value: str
    tangent: str


@dataclass
class ForwardTrace:
    call: str  # "f(x) at x = 2"
    inputs: list[tuple[str, str, str]]  # (name, value, tangent)
    steps: list[ForwardStep]
    hidden: int
    output_value: str
    output_tangent: str
    derivative: Any  # tensor: the full derivative (tangents of all passes)
    reverse: Any  # the same by reverse mode
    passes: int
    direction: str  # what the first pass's tangent was
    agree: bool
    output: Any = None  # the primal output tensor


_FWD_BINARY = {
    "add": ("{0} + {1}", "{0}' + {1}'"), "radd": ("{1} + {0}", "{0}' + {1}'"),
    "sub": ("{0} - {1}", "{0}' - {1}'"), "rsub": ("{1} - {0}", "{1}' - {0}'"),
    "mul": ("{0}·{1}", "{0}'·{1} + {0}·{1}'"), "rmul": ("{1}·{0}", "{0}'·{1} + {0}·{1}'"),
    "div": ("{0} / {1}", "({0}'·{1} - {0}·{1}') / {1}²"), "truediv": ("{0} / {1}", "({0}'·{1} - {0}·{1}') / {1}²"),
    "rdiv": ("{1} / {0}", "-{1}·{0}' / {0}²"), "rtruediv": ("{1} / {0}", "-{1}·{0}' / {0}²"),
    "pow": ("{0} ** {1}", "{1}·{0}^({1}-1)·{0}'"), "rpow": ("{1} ** {0}", "{1}^{0}·ln({1})·{0}'"),
    "dot": ("dot({0}, {1})", "{0}'·{1} + {0}·{1}'"), "matmul": ("{0} @ {1}", "{0}' @ {1} + {0} @ {1}'"),
}
_FWD_UNARY = {
    "sin": "cos({0})·{0}'", "cos": "-sin({0})·{0}'", "exp": "exp({0})·{0}'", "log": "{0}' / {0}",
    "tanh": "(1 - tanh²({0}))·{0}'", "sigmoid": "σ({0})(1 - σ({0}))·{0}'", "sqrt": "{0}' / (2√{0})",
    "neg": "-{0}'", "reciprocal": "-{0}' / {0}²", "sum": "Σ {0}'", "mean": "mean({0}')",
    "abs": "sign({0})·{0}'", "relu": "{0}' where {0} > 0", "square": "2·{0}·{0}'", "tan": "(1 + tan²({0}))·{0}'",
}


def _op_name(func) -> str:
    name = getattr(func, "__name__", None) or str(func)
    return name.strip("_")


def forward_trace(func: Callable, points: list, names: list[str], *, call: str = "f(x)",
                  limit: int = FORWARD_LIMIT) -> ForwardTrace:
    """Evaluate `func(*points)` with dual numbers, recording each operation's value and tangent.

    The tangent seeds the first input only (one pass per input element gives the whole derivative;
    every pass after the first is run without recording).
    """
    torch = sys.modules["torch"]
    import torch.autograd.forward_ad as fwAD
    from torch.overrides import TorchFunctionMode

    points = [p.detach() for p in points]
    labels: dict[int, str] = {}
    keep: list = []
    steps: list[ForwardStep] = []
    counter = [0]

    class Recorder(TorchFunctionMode):
        def __torch_function__(self, f, types, args=(), kwargs=None):
            out = f(*args, **(kwargs or {}))
            if isinstance(out, torch.Tensor) and fwAD.unpack_dual(out).tangent is not None \
                    and id(out) not in labels:
                counter[0] += 1
                label = f"v{counter[0]}"
                labels[id(out)] = label
                keep.append(out)
                if len(steps) < limit:
                    steps.append(_forward_step(label, f, args, out, labels, fwAD))
            return out

    with warnings.catch_warnings():
        # forward_ad loads its decompositions on first use through torch.jit.script (deprecated)
        warnings.filterwarnings("ignore", message=r".*torch\.jit\.script", category=DeprecationWarning)
        return _forward_trace(func, points, names, call, limit, torch, fwAD, Recorder, labels, keep, steps, counter)


def _forward_trace(func, points, names, call, limit, torch, fwAD, Recorder, labels, keep, steps, counter):
    first = points[0]
    n = max(1, first.numel())
    tangents = []
    output = None
    for k in range(n):
        direction = torch.zeros_like(first).reshape(-1)
        direction[k] = 1
        direction = direction.reshape(first.shape)
        with fwAD.dual_level():
            dual = fwAD.make_dual(first, direction)
            args = [dual] + points[1:]
            if k == 0:
                labels[id(dual)] = names[0]
                keep.append(dual)
                with Recorder():
                    out = func(*args)
            else:
                out = func(*args)
            if not isinstance(out, torch.Tensor):
                raise CommandError(f"{call} returned a {type(out).__name__}, not a tensor")
            primal, tangent = fwAD.unpack_dual(out)
            if tangent is None:
                tangent = torch.zeros_like(primal)
            if k == 0:
                output = (primal.detach().clone(), tangent.detach().clone())
            tangents.append(tangent.detach().clone())
    derivative = torch.stack(tangents, dim=-1).reshape(tuple(output[0].shape) + tuple(first.shape))
    # reverse mode, for comparison
    x = first.clone().requires_grad_(True)
    out = func(x, *points[1:])
    if out.requires_grad:
        rows = []
        flat = out.reshape(-1)
        for i in range(flat.numel()):
            (g,) = torch.autograd.grad(flat[i], x, retain_graph=True, allow_unused=True)
            rows.append(torch.zeros_like(first) if g is None else g)
        reverse = torch.stack(rows).reshape(tuple(out.shape) + tuple(first.shape))
    else:
        reverse = torch.zeros_like(derivative)
    agree = bool(torch.allclose(derivative.double(), reverse.double(), rtol=1e-4, atol=1e-6))
    seed = torch.zeros(n, dtype=first.dtype)
    seed[0] = 1
    inputs = [(names[0], tensor_text(first), tensor_text(seed.reshape(first.shape)))]
    inputs += [(nm, tensor_text(p), "0") for nm, p in zip(names[1:], points[1:])]
    direction = "1" if first.numel() == 1 else f"e₁ = {inputs[0][2]} (the first of {n} passes)"
    return ForwardTrace(call, inputs, steps, max(0, counter[0] - len(steps)),
                        tensor_text(output[0]), tensor_text(output[1]), derivative, reverse,
                        n, direction, agree, output[0])


def _forward_step(label, f, args, out, labels, fwAD) -> ForwardStep:
    torch = sys.modules["torch"]
    names = []
    for a in args:
        if isinstance(a, torch.Tensor):
            names.append(labels.get(id(a)) or tensor_text(fwAD.unpack_dual(a).primal, 3))
        elif isinstance(a, (int, float)):
            names.append(_num(a))
        else:
            names.append(str(a)[:12])
    op = _op_name(f)
    if op in _FWD_BINARY and len(names) >= 2:
        expr, rule = _FWD_BINARY[op]
        a, b = names[0], names[1]
        const_b = not (isinstance(args[1], torch.Tensor) and id(args[1]) in labels)
        const_a = not (isinstance(args[0], torch.Tensor) and id(args[0]) in labels)
        expr = expr.format(a, b)
        rule = _simplify_rule(op, rule, a, b, const_a, const_b)
    elif op in _FWD_UNARY and names:
        expr = f"{op}({names[0]})"
        rule = _FWD_UNARY[op].format(names[0])
    else:
        expr = f"{op}({', '.join(names)})"
        rule = "by PyTorch's forward-mode formula"
    primal, tangent = fwAD.unpack_dual(out)
    return ForwardStep(label, expr, f"{label}' = {rule}", tensor_text(primal), tensor_text(tangent))


def _simplify_rule(op, rule, a, b, const_a, const_b) -> str:
    """The tangent rule with constants' tangents (zero) dropped."""
    if op in ("pow",) and const_b:
        if not _is_number(b):
            return f"{b}·{a}^({b}-1)·{a}'"
        p = float(b)
        power = a if p - 1 == 1 else f"{a}^{_num(p - 1)}"
        return f"{_num(p)}·{power}·{a}'"
    if op in ("rdiv", "rtruediv") and const_b and _is_number(b):
        c = float(b)
        return f"-{a}' / {a}²" if c == 1 else f"-{_num(c)}·{a}' / {a}²"
    if op in ("mul", "rmul"):
        if const_b:
            return f"{b}·{a}'"
        if const_a:
            return f"{a}·{b}'"
    if op in ("add", "radd", "sub") and const_b:
        return f"{a}'"
    if op == "rsub" and const_b:
        return f"-{a}'"
    if op in ("div", "truediv") and const_b:
        return f"{a}' / {b}"
    return rule.format(a, b)


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


FORWARD_VS_REVERSE = (
    "Forward mode carries a (value, tangent) pair from the input to the output and can drop each "
    "intermediate once used, but one pass gives the derivative along ONE input direction: n inputs "
    "need n passes. Reverse mode (backward) keeps the intermediates (saved tensors), then carries "
    "one gradient from ONE output back to every input: m outputs need m passes. So forward suits "
    "few inputs and many outputs; reverse suits many inputs and one output, such as a loss over "
    "millions of weights (D2L 2.5, exercise 8)."
)
