"""Rules about Python control flow on tensors: ambiguous conditions, formats, runaway loops, where() NaN."""

from __future__ import annotations

import ast
import re

from tutor.hints import fixes
from tutor.hints.context import Context, call_name, dotted, paren, source_of
from tutor.hints.rules.common import rule, shape_of, chain, find_calls


@rule(20)
def bool_ambiguous(ctx: Context):
    if not ctx.error_is("RuntimeError", "boolean value of tensor with more than one value is ambiguous"):
        return None
    tree = ctx.error_tree or ctx.tree
    test = None
    for node in ast.walk(tree) if tree is not None else []:
        if isinstance(node, (ast.If, ast.While, ast.IfExp, ast.Assert)):
            test = node.test
            break
        if isinstance(node, ast.BoolOp):
            test = node.values[0]
            break
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            test = node.operand
            break
    tsrc = ctx.error_src(test) if test is not None else "the condition"
    v = ctx.try_value(test) if test is not None and not ctx.in_function else None
    n = f" ({v.numel()} values)" if ctx.is_tensor(v) else ""
    branches = _if_branches(ctx, test)
    if branches:
        fix = f"return torch.where({tsrc}, {branches[0]}, {branches[1]})  # elementwise choice"
    else:
        fix = f"torch.where({tsrc}, a, b)  # elementwise; or ({tsrc}).all() / .any() for one decision"
    return ctx.hint(
        "bool-ambiguous-control-flow",
        f"{tsrc} gives one True/False per element{n}, and Python's if/while needs a single one.", fix,
        candidates=_where_candidates(ctx, test, tsrc))


def _where_candidates(ctx: Context, test, tsrc: str) -> list:
    """The elementwise choice written with torch.where where the learner wrote it with Python's if, in
    the statement that raised (this input, or a function defined earlier): `A if c else B`;
    `if c: return A` followed by `return B`; `if c: y = A else: y = B`; and `assert c` as `assert
    (c).all()` (every element must hold). A `while` or a bare `if` asks for one decision whose meaning
    (all? any?) only the learner knows: no code then."""
    from tutor.hints.rules.common import node_by_text, shown_holder

    site = ctx.error_site
    if site is None or site.stmt is None or test is None:
        return []
    found = []
    for node in ast.walk(site.stmt):
        t = getattr(node, "test", None)
        if t is None or site.segment(t) != tsrc:
            continue
        if any(isinstance(sub, (ast.BoolOp, ast.Not)) for sub in ast.walk(t)):
            break  # and/or/not ask Python for one truth value each: torch.where would not mean the same
        c = site.segment(t)
        holder = shown_holder(site, node)
        if isinstance(node, ast.IfExp):
            new = f"torch.where({c}, {site.segment(node.body)}, {site.segment(node.orelse)})"
            found.append(site.splice(node, new, shown_node=holder))
        elif isinstance(node, ast.Assert):
            found.append(site.splice(t, f"({c}).all()", shown_node=holder))
        elif isinstance(node, ast.If) and len(node.body) == 1:
            found.append(_if_as_where(site, node, c, holder))
        break
    return [f for f in found if f is not None]


def _if_as_where(site, node: ast.If, c: str, holder):
    """`if c: return A` + `return B` (or else:), or `if c: y = A` + `else: y = B`, as one torch.where."""
    from tutor.hints.fixes import Candidate, replace_stmt

    first = node.body[0]
    other, end = None, node
    if node.orelse and len(node.orelse) == 1:
        other = node.orelse[0]
    elif not node.orelse:
        parent = next((p for p in ast.walk(site.tree) for field in ("body", "orelse")
                       if node in getattr(p, field, []) and isinstance(getattr(p, field), list)), None)
        body = next((getattr(parent, f) for f in ("body", "orelse") if node in getattr(parent, f, [])), [])
        i = body.index(node) if node in body else -1
        if 0 <= i < len(body) - 1 and isinstance(first, ast.Return):
            other = end = body[i + 1]
    if other is None:
        return None
    if isinstance(first, ast.Return) and isinstance(other, ast.Return) and first.value and other.value:
        new = f"return torch.where({c}, {site.segment(first.value)}, {site.segment(other.value)})"
    elif isinstance(first, ast.Assign) and isinstance(other, ast.Assign) and len(first.targets) == len(
            other.targets) == 1 and site.segment(first.targets[0]) == site.segment(other.targets[0]):
        new = f"{site.segment(first.targets[0])} = torch.where({c}, {site.segment(first.value)}, " \
              f"{site.segment(other.value)})"
    else:
        return None
    span = ast.Pass()
    span.lineno, span.col_offset = node.lineno, node.col_offset
    span.end_lineno, span.end_col_offset = end.end_lineno, end.end_col_offset
    text = replace_stmt(site.source, span, new)
    if text is None:
        return None
    shown = new
    if holder is not None:  # the whole (short) function, as it reads after the edit
        try:
            tree = ast.parse(text)
        except SyntaxError:
            tree = None
        fdef = next((f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) and f.name == holder.name
                     and f.lineno == holder.lineno), None) if tree is not None else None
        if fdef is not None:
            shown = ast.get_source_segment(text, fdef) or new
    return Candidate(shown, {site.index: text})


def _if_branches(ctx: Context, test) -> tuple[str, str] | None:
    """For `if c: return A` [else:] `return B` in the failing function: (A, B)."""
    if test is None or not ctx.error or len(ctx.error.frames) < 2:
        return None
    fname = ctx.error.frames[-1][0]
    fd = ctx.function_def(ctx.ns.get(fname)) if fname in ctx.ns else None
    if fd is None:
        return None
    fdef, src = fd
    body = fdef.body
    for i, node in enumerate(body):
        if isinstance(node, ast.If) and len(node.body) == 1 and isinstance(node.body[0], ast.Return):
            other = node.orelse[0] if node.orelse else body[i + 1] if i + 1 < len(body) else None
            if isinstance(other, ast.Return) and node.body[0].value is not None and other.value is not None:
                return source_of(node.body[0].value, src), source_of(other.value, src)
    return None


@rule(20)
def format_tensor(ctx: Context):
    if not ctx.error_is("TypeError", "unsupported format string passed to tensor.__format__"):
        return None
    spec, x = ".3f", None
    for node in ctx.error_nodes():
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            x = ctx.error_src(node.value) if ctx.error_tree else source_of(node.value)
            spec = "".join(str(v.value) for v in node.format_spec.values if isinstance(v, ast.Constant)) or spec
            xnode = node.value
            break
        if isinstance(node, ast.Call) and call_name(node) == "format" and node.args:
            if isinstance(node.func, ast.Name) and len(node.args) >= 2:
                xnode = node.args[0]
                x = ctx.error_src(xnode)
                if isinstance(node.args[1], ast.Constant):
                    spec = str(node.args[1].value)
            else:
                xnode = node.args[0]
                x = ctx.error_src(xnode)
                fmt = node.func.value.value if isinstance(node.func.value, ast.Constant) else ""
                m = re.search(r"\{[^:}]*:([^}]*)\}", str(fmt))
                spec = m.group(1) if m else spec
            break
    if x is None:
        return ctx.hint("format-tensor", "A format spec like :.3f needs one number, not a tensor.",
                        "', '.join(f'{v:.3f}' for v in t.tolist())")
    v = ctx.try_value(xnode) if not ctx.in_function else None
    n = f" has shape {shape_of(v)}" if ctx.is_tensor(v) else " has several elements"
    return ctx.hint(
        "format-tensor",
        f"{x}{n}: a format such as :{spec} applies to one number, not to a tensor.",
        f"', '.join(f'{{v:{spec}}}' for v in {paren(x, xnode)}.tolist())",
        candidates=_format_each(ctx, x, xnode))


def _format_each(ctx: Context, x: str, xnode: ast.AST) -> list:
    """`'grad: {:.2f}'.format(t)` (one field) as `'grad: {}'.format(', '.join(f'{v:.2f}' for v in
    t.tolist()))`, and `format(t, '.2f')` as the joined numbers, in the learner's statement: the format
    applied to each number of the tensor."""
    site = ctx.error_site
    if site is None or site.stmt is None:
        return []
    for js in (j for j in ast.walk(site.stmt) if isinstance(j, ast.JoinedStr)):
        found = _fstring_each(site, js, x, xnode)
        if found is not None:
            return [found]
    for call in (c for c in ast.walk(site.stmt) if isinstance(c, ast.Call) and call_name(c) == "format"):
        if len(call.args) < 1 or site.segment(call.args[0]) != x:
            continue
        arg = call.args[0]
        if isinstance(call.func, ast.Name) and len(call.args) == 2 and isinstance(call.args[1], ast.Constant):
            spec = str(call.args[1].value)
            return [site.splice(call, f"', '.join(f'{{v:{spec}}}' for v in {paren(x, arg)}.tolist())")]
        fmt = call.func.value if isinstance(call.func, ast.Attribute) else None
        if not (isinstance(fmt, ast.Constant) and isinstance(fmt.value, str)) or len(call.args) != 1 or call.keywords:
            return []
        text = site.segment(fmt)
        fields = re.findall(r"\{[^{}]*\}", text)
        if len(fields) != 1 or ":" not in fields[0] or "'" in fields[0] or '"' in fields[0]:
            return []
        name, spec = fields[0][1:-1].split(":", 1)
        joined = f"', '.join(f'{{v:{spec}}}' for v in {paren(x, arg)}.tolist())"
        return [site.splice_all([(fmt, text.replace(fields[0], "{" + name + "}", 1)), (arg, joined)],
                                shown_node=None)]
    return []


@rule(5)
def runaway_loop(ctx: Context):
    if ctx.error is None or ctx.error.type not in ("KeyboardInterrupt", "Timeout"):
        return None
    candidates: list[tuple[ast.While, str]] = []
    if ctx.tree is not None:
        candidates += [(n, ctx.source) for n in ast.walk(ctx.tree) if isinstance(n, ast.While)]
        for call, fdef, fsrc in ctx.called_functions(ctx.tree):
            candidates += [(n, fsrc) for n in ast.walk(fdef) if isinstance(n, ast.While)]
    for loop, src in candidates:
        if not _tensor_condition(ctx, loop.test):
            continue
        test = source_of(loop.test, src)
        zero, candidates = None, []
        if ctx.tree is not None:
            for call, fdef, fsrc in ctx.called_functions(ctx.tree):
                for arg in call.args:
                    v = ctx.try_value(arg)
                    if ctx.is_tensor(v) and v.numel() and not bool(v.detach().abs().sum()):
                        zero = source_of(arg, ctx.source)
                        candidates = _random_start(ctx, arg, v)
        stuck = None
        here = next((st for st in ctx.current_stmts if st.node is loop), None) if src == ctx.source else None
        if zero is None and here is not None:  # a loop typed in this input, on a tensor that stays 0
            for name in dict.fromkeys(n.id for n in ast.walk(loop.test) if isinstance(n, ast.Name)):
                v = ctx.tensor(name)
                if v is not None and v.numel() and not bool(v.detach().abs().sum()):
                    start = ctx.assignment(name, before=here.order)
                    if start is not None and start.value is not None and not start.unpacked and not start.augmented:
                        stuck, candidates = name, _random_start(ctx, ast.Name(name), v, before=here.order)
                        break
        if stuck:
            why = (f"`while {test}:` never became False: {stuck} is still 0, as it was when the loop started, and "
                   f"the loop's updates keep it there.")
            fix = (candidates[0].shown if candidates else "") + "  # D2L uses a random input; and cap the loop"
        elif zero:
            why = (f"`while {test}:` never became False: {zero} is 0, so doubling it stays 0 forever.")
            fix = (candidates[0].shown if candidates else f"{zero} = torch.randn(size=(), requires_grad=True)"
                   if zero.isidentifier() else "") + "  # D2L uses a random input; and cap the loop"
        else:
            why = f"`while {test}:` never became False, so the loop ran until it was stopped."
            fix = "for _ in range(1000):  # a bounded loop; check the condition inside and break"
        return ctx.hint("infinite-loop-control-flow", why, fix, candidates=candidates)
    return None


def _random_start(ctx: Context, arg: ast.expr, value, before: int | None = None) -> list:
    """The zero input replaced by a random one of the same shape (D2L 2.5.4), where it was written: in the
    input that assigned the name passed to the call (before statement number `before`, when given), or
    the literal argument in the call itself."""
    size = "()" if value.dim() == 0 else repr(tuple(value.shape))
    grad = ", requires_grad=True" if value.requires_grad else ""
    new = f"torch.randn(size={size}{grad})"
    found = []
    if isinstance(arg, ast.Name):
        a = ctx.assignment(arg.id, before=before)
        site = ctx.site_of(a.stmt) if a is not None and a.value is not None and not a.unpacked else None
        if site is not None and not a.stmt.current:
            found.append(site.splice(_same_node(site.tree, a.value), new))
        elif site is not None:
            here = ctx.current_site
            node = _same_node(here.tree, a.value) if here is not None else None
            if node is not None:
                here.stmt = fixes.enclosing_stmt(here.tree, node)
                found.append(here.splice(node, new))
    else:
        here = ctx.current_site
        if here is not None:
            here.stmt = fixes.enclosing_stmt(here.tree, arg)
            found.append(here.splice(arg, new))
    return [c for c in found if c is not None]


def _same_node(tree: ast.AST, node: ast.AST):
    """The node of `tree` at `node`'s position (the same text parsed again)."""
    for sub in ast.walk(tree):
        if type(sub) is type(node) and (sub.lineno, sub.col_offset, sub.end_lineno, sub.end_col_offset) == (
                node.lineno, node.col_offset, node.end_lineno, node.end_col_offset):
            return sub
    return None


def _tensor_condition(ctx: Context, test: ast.AST) -> bool:
    for node in ast.walk(test):
        if isinstance(node, ast.Call) and call_name(node) in ("norm", "sum", "abs", "max", "min", "mean", "item",
                                                              "all", "any"):
            return True
        if isinstance(node, ast.Name) and ctx.tensor(node.id) is not None:
            return True
        if isinstance(node, ast.Attribute) and (dotted(node) or "").startswith("torch."):
            return True
    return False


@rule(40)
def where_nan(ctx: Context):
    if ctx.tree is None or ctx.torch is None:
        return None
    torch = ctx.torch
    nan = [g for g in ctx.outcome.gradients if ctx.is_tensor(g.new) and g.new.is_floating_point()
           and bool(torch.isnan(g.new).any())]
    if not nan:
        return None
    name = nan[0].name
    pieces = []
    for call, target, kind in ctx.backward_calls(ctx.tree):
        if target is not None:
            pieces += chain(ctx, target, ctx.source)
    pieces = pieces or [type("P", (), {"node": ctx.tree, "src": lambda self, n=None: source_of(n, ctx.source),
                                       "name": None})()]
    for p in pieces:
        for w in find_calls(p.node, lambda c: (dotted(c.func) or "").endswith("where") and len(c.args) == 3):
            cond, a, b = w.args
            danger = next((c for br in (a, b) for c in find_calls(br, lambda c: call_name(c) in (
                "sqrt", "log", "log10", "log2", "rsqrt", "reciprocal", "pow", "acos", "asin"))), None)
            dsrc = p.src(danger) if danger is not None else "the other branch"
            arg = p.src(danger.args[0]) if danger is not None and danger.args else name
            return ctx.hint(
                "where-nan-gradient",
                f"{name}.grad has NaN: torch.where computes {dsrc} for every element, and where it is "
                f"unused its derivative is NaN or inf; 0 times that is still NaN.",
                f"safe = torch.where({p.src(cond)}, {arg}, torch.ones_like({arg}))  # use "
                f"{dsrc.replace(arg, 'safe', 1) if danger is not None else 'safe'} in the where",
                candidates=_safe_branch(ctx, p, w, danger))
        for s in find_calls(p.node, lambda c: call_name(c) == "sqrt"):
            return ctx.hint(
                "where-nan-gradient",
                f"{name}.grad has NaN: the derivative of {p.src(s)} is infinite where its input is 0, and "
                f"0 × inf is NaN.",
                f"torch.linalg.vector_norm({name})  # handles 0; or clamp the input: .clamp(min=1e-12)",
                candidates=_finite_sqrt(ctx, p, s))
    return None


def _safe_branch(ctx: Context, piece, where: ast.Call, danger: ast.Call | None) -> list:
    """The dangerous call of torch.where's unused branch given an input that is safe everywhere: its
    argument replaced by torch.where(cond, arg, torch.ones_like(arg)) (ones where the branch is unused)."""
    from tutor.hints.rules.common import piece_site, same_node

    if danger is None or not danger.args or piece.__class__.__name__ != "Piece":
        return []
    site, w = piece_site(ctx, piece, where)
    d = same_node(site.tree, danger) if site is not None else None
    if d is None:
        return []
    cond, a, _ = w.args
    arg = d.args[0]
    x, c = site.segment(arg), site.segment(cond)
    in_true = any(sub is d for sub in ast.walk(a))
    safe = (f"torch.where({c}, {x}, torch.ones_like({x}))" if in_true
            else f"torch.where({c}, torch.ones_like({x}), {x})")
    return [site.splice(arg, safe)]


def _finite_sqrt(ctx: Context, piece, sqrt: ast.Call) -> list:
    """sqrt of a sum of squares as torch.linalg.vector_norm (its gradient at 0 is 0, not NaN); else the
    input of sqrt clamped away from 0."""
    from tutor.hints.rules.common import piece_site

    if piece.__class__.__name__ != "Piece":
        return []
    site, s = piece_site(ctx, piece, sqrt)
    if site is None:
        return []
    method = isinstance(s.func, ast.Attribute) and not s.args
    inner = s.func.value if method else (s.args[0] if len(s.args) == 1 else None)
    if inner is None:
        return []
    found = []
    squares = inner.func.value if isinstance(inner, ast.Call) and call_name(inner) == "sum" and not inner.args \
        and isinstance(inner.func, ast.Attribute) else None
    if isinstance(squares, ast.BinOp) and isinstance(squares.op, ast.Pow) and isinstance(squares.right, ast.Constant) \
            and squares.right.value == 2:
        found.append(site.splice(s, f"torch.linalg.vector_norm({site.segment(squares.left)})"))
    found.append(site.splice(inner, f"{paren(site.segment(inner), inner)}.clamp(min=1e-12)"))
    return found


def _fstring_each(site, js: ast.JoinedStr, x: str, xnode: ast.AST):
    """`f'... {x:.3f} ...'` (in `site`) with that field formatting each number of x, joined; the inner
    strings take the other quote (so the line stays valid on Python 3.11)."""
    text = site.segment(js)
    m = re.match(r"[a-zA-Z]*(['\"])", text)
    if m is None or text[m.end():m.end() + 2] == m.group(1) * 2:
        return None  # a triple-quoted f-string: left alone
    quote = m.group(1)
    inner = '"' if quote == "'" else "'"
    field = re.search(r"\{\s*" + re.escape(x) + r"\s*:([^{}'\"]*)\}", text)
    if field is None:
        return None
    each = f"f{inner}{{v:{field.group(1)}}}{inner} for v in {paren(x, xnode)}.tolist()"
    if field.start() == m.end() and field.end() == len(text) - 1:  # the whole f-string is that one field
        return site.splice(js, f"{quote}, {quote}.join({each.replace(inner, quote)})")
    return site.splice(js, text[:field.start()] + f"{{{inner}, {inner}.join({each})}}" + text[field.end():])
