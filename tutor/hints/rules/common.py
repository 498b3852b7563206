"""Helpers every rule family shares: the registry (`rule`), value summaries, AST rewrites and the
definition chain of a result."""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from typing import Callable

from tutor.display import shape_text
from tutor.hints.context import FACTORIES, Context, Stmt, call_name, dotted, names_in, source_of


RULES: list[tuple[int, Callable[[Context], object]]] = []
# A specific hint replaces a generic one for the same input: SUPERSEDES[specific] = {generic, ...}.
# A family that names the cause more precisely than an older rule registers it here.
SUPERSEDES: dict[str, set[str]] = {}


def rule(priority: int = 50):
    """Register a rule; lower priority numbers are shown first."""

    def register(func):
        RULES.append((priority, func))
        return func

    return register


def shape_of(t) -> str:
    return shape_text(t.shape)


def dtype_of(t) -> str:
    return str(t.dtype).replace("torch.", "")


def brief(value) -> str:
    """A tensor's values in a few characters: '6', '[0, 4, 8, 12]' or 'a (100,) tensor'."""
    try:
        import torch

        if isinstance(value, torch.Tensor):
            if value.numel() == 1:
                return f"{value.detach().reshape(()).item():.4g}"
            if value.numel() <= 5 and value.dim() == 1:
                return "[" + ", ".join(f"{v:.4g}" for v in value.detach().tolist()) + "]"
            return f"a {shape_of(value)} tensor"
    except Exception:  # noqa: BLE001
        pass
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def grad_fn_name(t) -> str:
    return type(t.grad_fn).__name__ if getattr(t, "grad_fn", None) is not None else "None"


def unparse(node: ast.AST) -> str:
    return ast.unparse(node)


def with_keyword(call: ast.Call, name: str, value: ast.expr) -> ast.Call:
    new = copy.deepcopy(call)
    new.keywords = [k for k in new.keywords if k.arg != name] + [ast.keyword(arg=name, value=value)]
    return new


def floatified(call: ast.Call) -> ast.Call | None:
    """The same factory call giving floats: torch.arange(4) -> torch.arange(4.0)."""
    new = copy.deepcopy(call)
    fname = call_name(call)
    targets = new.args[:1] if fname in ("tensor", "as_tensor") else new.args if fname in (
        "arange", "linspace") else new.args[1:2] if fname == "full" else []
    changed = False
    for arg in targets:
        for sub in ast.walk(arg):
            if isinstance(sub, ast.Constant) and type(sub.value) is int:
                sub.value = float(sub.value)
                changed = True
    if not changed:
        new = with_keyword(new, "dtype", ast.parse("torch.float32", mode="eval").body)
    return new


def is_factory(call: ast.AST) -> bool:
    if not isinstance(call, ast.Call):
        return False
    name = dotted(call.func) or ""
    return name.startswith(("torch.", "th.")) and call_name(call) in FACTORIES


def stmt_value_src(stmt: Stmt, node: ast.AST | None) -> str:
    return source_of(node, stmt.source) if node is not None else "?"


@dataclass
class Piece:
    node: ast.AST
    source: str
    stmt: Stmt | None  # the assignment it came from (None: the target itself or a function body)
    name: str | None = None  # the name this piece defines

    def src(self, node: ast.AST | None = None) -> str:
        return source_of(node or self.node, self.source)


def chain(ctx: Context, target: ast.AST, source: str, limit: int = 40) -> list[Piece]:
    """The target expression plus the right-hand sides that defined the names it uses (recursively)."""
    pieces = [Piece(target, source, None)]
    seen: set[str] = set()
    i = 0
    while i < len(pieces) and len(pieces) < limit:
        piece = pieces[i]
        i += 1
        for call, fdef, fsrc in ctx.called_functions(piece.node):
            key = f"def {fdef.name}"
            if key in seen:
                continue
            seen.add(key)
            for sub in ast.walk(fdef):
                if isinstance(sub, (ast.Return, ast.Assign, ast.AugAssign)) and sub.value is not None:
                    pieces.append(Piece(sub.value, fsrc, None, key))
        for name in names_in(piece.node):
            if name in seen or piece.name and piece.name.startswith("def "):
                continue
            seen.add(name)
            a = ctx.assignment(name)
            t = ctx.tensor(name)
            made = unpacked_value(a, name) if a is not None else None
            if t is not None and t.is_leaf and made is not None and is_factory(made) and not torch_tensor_call(made):
                continue  # a tensor the learner created (`w = torch.zeros(2)`, `w, b = torch.zeros(2), ...`)
            if a is not None and a.value is not None:
                pieces.append(Piece(a.value, a.stmt.source, a.stmt, name))
    return pieces


def unpacked_value(a, name: str) -> ast.AST | None:
    """The expression that gave `name` its value in assignment `a`: the value itself, or for `w, b = f(), g()`
    the element at name's place (None when unpacking hides it: `w, b = pair`)."""
    if not a.unpacked:
        return a.value
    node = a.stmt.node
    targets = node.targets if isinstance(node, ast.Assign) else []
    for target in targets:
        if isinstance(target, (ast.Tuple, ast.List)) and isinstance(a.value, (ast.Tuple, ast.List)) and \
                len(target.elts) == len(a.value.elts):
            for elt, value in zip(target.elts, a.value.elts):
                if isinstance(elt, ast.Name) and elt.id == name:
                    return value
    return None


def leaves_in(ctx: Context, pieces: list[Piece]) -> list[str]:
    """Names of the tensors the learner created (leaves, not results) that the pieces use."""
    computed = {p.name for p in pieces if p.name}
    found = []
    for p in pieces:
        for n in names_in(p.node):
            t = ctx.tensor(n)
            if t is None or not t.is_leaf or n in found or n in computed:
                continue
            found.append(n)
    return found


def find_calls(node: ast.AST, pred) -> list[ast.Call]:
    return [s for s in ast.walk(node) if isinstance(s, ast.Call) and pred(s)]


def is_math_call(ctx: Context, call: ast.Call) -> bool:
    import math as _math

    f = call.func
    return isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and ctx.ns.get(
        f.value.id, _math if f.value.id == "math" else None) is _math and f.attr not in ("isclose",)


def is_sympy_callable(ctx: Context, call: ast.Call) -> bool:
    obj = ctx.try_value(call.func) if isinstance(call.func, (ast.Name, ast.Attribute)) else None
    if obj is None and isinstance(call.func, (ast.Name, ast.Attribute)):
        root = dotted(call.func) or ""
        head = root.split(".")[0]
        mod = ctx.ns.get(head)
        return getattr(mod, "__name__", "").startswith("sympy") and "." in root
    return (getattr(obj, "__module__", "") or "").startswith("sympy") and call_name(call) not in (
        "lambdify", "Symbol", "symbols", "diff")


def is_lambdified(ctx: Context, call: ast.Call) -> bool:
    if isinstance(call.func, ast.Name):
        func = ctx.ns.get(call.func.id)
        return getattr(func, "__name__", "") == "_lambdifygenerated"
    return False


_TO_PYTHON = ("item", "tolist")


def to_python_call(call: ast.Call) -> bool:
    if isinstance(call.func, ast.Attribute) and call.func.attr in _TO_PYTHON:
        return True
    return isinstance(call.func, ast.Name) and call.func.id in ("float", "int") and len(call.args) == 1


def torch_tensor_call(call: ast.Call) -> bool:
    """torch.tensor(...) of something computed (not of literal numbers)."""
    name = dotted(call.func) or ""
    return name in ("torch.tensor", "th.tensor") and bool(call.args) and any(
        isinstance(n, (ast.Name, ast.Call, ast.Attribute)) for n in ast.walk(call.args[0]))


_NON_DIFF_METHODS = {"argmax", "argmin", "long", "int", "bool", "sign", "argsort", "nonzero", "eq", "gt",
                     "lt", "ge", "le", "ne", "floor_divide", "count_nonzero", "isnan", "isfinite"}


def non_differentiable(node: ast.AST) -> ast.AST | None:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Compare):
            return sub
        if isinstance(sub, ast.Call) and call_name(sub) in _NON_DIFF_METHODS:
            return sub
    return None


def _last_output(ctx: Context) -> str:
    """The target of the latest earlier backward call ('y' when there is none)."""
    for stmt in reversed(ctx.stmts):
        if stmt.current:
            continue
        for call, target, kind in ctx.backward_calls(stmt.node):
            if target is not None:
                return source_of(target, stmt.source)
    return "y"


_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}


def failing_call_at_site(ctx: Context):
    """The backward/grad call that failed, in the input where it is written: (site, call, target, kind)."""
    site = ctx.error_site
    if site is None or site.stmt is None:
        return None
    calls = ctx.backward_calls(site.stmt)
    if not calls:
        return None
    call, target, kind = calls[-1]
    return site, call, target, kind


def in_a_loop(tree: ast.AST, node: ast.AST) -> ast.stmt | None:
    """The innermost for/while loop of `tree` that contains `node`."""
    best = None
    for loop in ast.walk(tree):
        if isinstance(loop, (ast.For, ast.While)) and any(sub is node for sub in ast.walk(loop)):
            best = loop
    return best


# -- where a candidate edit goes (tutor.hints.fixes.Site), found from a node a rule already has ---------


def same_node(tree: ast.AST, node: ast.AST) -> ast.AST | None:
    """The node of `tree` of the same type at the same position as `node` (parsed from the same text)."""
    where = (getattr(node, "lineno", None), getattr(node, "col_offset", None),
             getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None))
    if where[0] is None:
        return None
    for sub in ast.walk(tree):
        if type(sub) is type(node) and (getattr(sub, "lineno", None), getattr(sub, "col_offset", None),
                                        getattr(sub, "end_lineno", None), getattr(sub, "end_col_offset", None)) == where:
            return sub
    return None


def site_and_node(ctx: Context, index: int | None, node: ast.AST):
    """(Site, node) for `node` as parsed from the whole text of input `index` (the current input, an
    earlier one, or the input that defined a function): the Site points at the statement that holds it.
    (None, None) when the input or the node cannot be found again."""
    from tutor.hints.fixes import enclosing_stmt

    site = ctx.site(index) if index is not None else None
    found = same_node(site.tree, node) if site is not None else None
    if found is None:
        return None, None
    site.stmt = found if isinstance(found, ast.stmt) else enclosing_stmt(site.tree, found)
    return site, found


def input_of_function(ctx: Context, func) -> int | None:
    """The input number that defined the learner's function `func` (a function object or a name)."""
    if isinstance(func, str):
        func = ctx.ns.get(func)
    return ctx.input_of_file(getattr(getattr(func, "__code__", None), "co_filename", ""))  # a notebook cell too


def node_by_text(site, node_type, text: str) -> ast.AST | None:
    """In `site` (its statement first, then the whole input): the node of `node_type` whose text is
    `text` (for nodes a rule found in the failing line, parsed on its own, whose positions differ)."""
    for scope in ([site.stmt] if site.stmt is not None else []) + [site.tree]:
        for sub in ast.walk(scope):
            if isinstance(sub, node_type) and site.segment(sub) == text:
                return sub
    return None


def enclosing_def(tree: ast.AST, node: ast.AST) -> ast.FunctionDef | None:
    """The innermost function definition of `tree` that holds `node`."""
    best = None
    for f in ast.walk(tree):
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(sub is node for sub in ast.walk(f)):
            if best is None or f.lineno >= best.lineno:
                best = f
    return best


def shown_holder(site, node: ast.AST, most_lines: int = 5) -> ast.AST | None:
    """What to show for an edit of `node`: the whole function that holds it when it is short (the edit
    reads best in place), else the statement."""
    fdef = enclosing_def(site.tree, node)
    if fdef is not None and fdef.end_lineno - fdef.lineno + 1 <= most_lines and not fdef.decorator_list:
        return fdef
    return None


def piece_site(ctx: Context, piece: Piece, node: ast.AST):
    """(Site, node) for `node`, part of chain piece `piece`, in the input that has it: the assignment
    that made a name (this input or an earlier one), a function's body (the input that defined it), or
    the failing line itself. (None, None) when it cannot be found again."""
    from tutor.hints.fixes import enclosing_stmt

    if piece.stmt is not None:
        return site_and_node(ctx, piece.stmt.index, node)
    if piece.name and piece.name.startswith("def "):
        return site_and_node(ctx, input_of_function(ctx, piece.name[4:]), node)
    if piece.source == ctx.source:
        return site_and_node(ctx, ctx.outcome.index, node)
    site = ctx.error_site or ctx.current_site
    found = node_by_text(site, type(node), piece.src(node)) if site is not None else None
    if found is None:
        return None, None
    site.stmt = found if isinstance(found, ast.stmt) else enclosing_stmt(site.tree, found)
    return site, found


def torch_instead(ctx: Context, site, call: ast.Call):
    """`math.sin(x)` / `sympy.exp(x)` (found in `site`) as `torch.sin(x)`, when torch has that function;
    shows the whole short function when the call is inside one."""
    name = call_name(call)
    if site is None or call is None or ctx.torch is None or not name or not hasattr(ctx.torch, name):
        return None
    return site.splice(call.func, f"torch.{name}", shown_node=shown_holder(site, call))


def without_python_numbers(site, node: ast.AST) -> str | None:
    """The text of `node` (an expression of `site`) with autograd kept: `torch.tensor(E)` replaced by E,
    and every `t.item()` / `float(t)` / `int(t)` in it by `t` itself. None when there is nothing to undo."""
    from tutor.hints.context import paren

    wrapped = isinstance(node, ast.Call) and torch_tensor_call(node)
    body = node.args[0] if wrapped else node
    edits = []
    for sub in ast.walk(body):
        if isinstance(sub, ast.Call) and to_python_call(sub) and not (
                isinstance(sub.func, ast.Attribute) and sub.func.attr == "tolist"):
            inner = sub.func.value if isinstance(sub.func, ast.Attribute) else sub.args[0]
            edits.append((sub, paren(site.segment(inner), inner)))
    edits = [e for e in edits if not any(o is not e and _inside(e[0], o[0]) for o in edits)]
    if not edits and not wrapped:
        return None
    text = site.text_with(body, edits)
    if text is None or not wrapped:
        return text
    parent = next((p for p in ast.walk(site.tree) for c in ast.iter_child_nodes(p) if c is node), None)
    operand = isinstance(parent, (ast.BinOp, ast.UnaryOp, ast.Attribute, ast.Subscript, ast.Compare))
    return paren(text, body) if operand else text


def _inside(node: ast.AST, outer: ast.AST) -> bool:
    return any(sub is node for sub in ast.walk(outer)) and node is not outer


def in_place_update(target: ast.AST, value: ast.AST, source: str) -> str:
    """An update `T = T - lr * T.grad` written in place: `T -= lr * T.grad` (`T.copy_(...)` for any other
    right-hand side), in the learner's own text; `target` is a name or an attribute such as self.w."""
    from tutor.hints.fixes import segment

    text = segment(source, target) or ast.unparse(target)
    if isinstance(value, ast.BinOp) and isinstance(value.op, (ast.Sub, ast.Add)) and \
            ast.unparse(value.left) == ast.unparse(target):
        op = "-=" if isinstance(value.op, ast.Sub) else "+="
        return f"{text} {op} {segment(source, value.right) or ast.unparse(value.right)}"
    return f"{text}.copy_({segment(source, value) or ast.unparse(value)})"
