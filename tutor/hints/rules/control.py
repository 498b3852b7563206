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
        if isinstance(node, (ast.BoolOp, ast.UnaryOp, ast.Call)) and _asks_one_truth(node):
            return _one_truth(ctx, node)
    if test is None:  # no if/while/and/or/not: `t in list`, list.index(t), list.remove(t), bool(t)...
        line = ctx.error_source or ctx.source.strip()
        return ctx.hint(
            "bool-ambiguous-control-flow",
            f"`{line}` asked a tensor with several values for a single True/False: `in`, list.index and "
            f"list.remove compare items with ==, and == between tensors gives one True/False per element.",
            words="find a tensor in a list by identity (any(t is x for t in items)), or compare values with "
                  "torch.equal(a, b) or (a == b).all().")
    tsrc = ctx.error_src(test)
    v = ctx.try_value(test) if not ctx.in_function else None
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


def _asks_one_truth(node: ast.AST) -> bool:
    """`a and b`, `a or b`, `not a`, or Python's max(a, b) / min(a, b): each asks a tensor for one bool."""
    if isinstance(node, ast.BoolOp):
        return True
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, ast.Not)
    return isinstance(node.func, ast.Name) and not node.keywords and (
        node.func.id in ("max", "min") and len(node.args) in (1, 2) or node.func.id == "sorted" and len(node.args) == 1)


_ELEMENTWISE = {ast.And: "&", ast.Or: "|"}


def _one_truth(ctx: Context, node: ast.AST):
    """`and`/`or`/`not` or max()/min() on tensors outside an if/while: the elementwise operator (`&`, `|`,
    `~`) or torch.maximum/minimum (torch.clamp against a number) says what was meant, in the learner's line."""
    src = ctx.error_src(node)
    if isinstance(node, ast.Call) and len(node.args) == 1:  # max(losses), sorted(grads): a list of tensors
        items, name = ctx.error_src(node.args[0]), node.func.id
        why = (f"{src} compares the tensors in {items} with Python's <, which needs a single True/False, and "
               f"tensors with several values give one per element.")
        return ctx.hint("bool-ambiguous-control-flow", why, words=(
            f"compare one number per tensor: {name}({items}, key=lambda t: t.mean().item()), or stack them "
            f"(torch.stack({items})) and reduce with torch."))
    if isinstance(node, ast.Call):
        a, b = node.args
        number = next((x for x in (a, b) if isinstance(x, ast.Constant) or
                       isinstance(x, ast.UnaryOp) and isinstance(x.operand, ast.Constant)), None)
        side = "min" if node.func.id == "max" else "max"
        if number is not None:
            other = b if number is a else a
            new = f"torch.clamp({ctx.error_src(other)}, {side}={ctx.error_src(number)})"
        else:
            new = f"torch.{node.func.id}imum({ctx.error_src(a)}, {ctx.error_src(b)})"
        why = (f"{src} compares {ctx.error_src(a)} with {ctx.error_src(b)} using Python's < or >, which needs "
               f"a single True/False, and a tensor with several values gives one per element.")
        words = f"use {new} for the elementwise {node.func.id}imum."
    elif isinstance(node, ast.BoolOp):
        op = "and" if isinstance(node.op, ast.And) else "or"
        first = node.values[0]
        v = ctx.try_value(first) if not ctx.in_function else None
        n = f" ({v.numel()} values)" if ctx.is_tensor(v) else ""
        new = f" {_ELEMENTWISE[type(node.op)]} ".join(paren(ctx.error_src(x), x) for x in node.values)
        why = (f"`{op}` needs a single True/False from {ctx.error_src(first)}, which gives one per element{n}; "
               f"`{op}` does not work elementwise.")
        words = f"write {new}: {_ELEMENTWISE[type(node.op)]} combines two boolean tensors element by element."
    else:
        v = ctx.try_value(node.operand) if not ctx.in_function else None
        n = f" ({v.numel()} values)" if ctx.is_tensor(v) else ""
        new = f"~{paren(ctx.error_src(node.operand), node.operand)}"
        why = (f"`not` needs a single True/False from {ctx.error_src(node.operand)}, which gives one per "
               f"element{n}; `not` does not work elementwise.")
        x = paren(ctx.error_src(node.operand), node.operand)
        words = (f"write {new}: ~ negates a boolean tensor element by element." if ctx.is_tensor(v) and
                 v.dtype == ctx.torch.bool else f"write {new} to negate each element of a boolean tensor, or "
                 f"not {x}.any() / not {x}.all() for one decision.")
    site = ctx.error_site
    found = None
    if site is not None and site.stmt is not None:
        found = next((sub for sub in ast.walk(site.stmt) if type(sub) is type(node) and site.segment(sub) == src),
                     None)
    return ctx.hint("bool-ambiguous-control-flow", why, new,
                    candidates=[site.splice(found, new)] if found is not None else [], words=words)


def _where_candidates(ctx: Context, test, tsrc: str) -> list:
    """The elementwise choice written with torch.where where the learner wrote it with Python's if, in
    the statement that raised (this input, or a function defined earlier): `A if c else B`;
    `if c: return A` followed by `return B`; `if c: y = A else: y = B`; and `assert c` as `assert
    (c).all()` (every element must hold). A `while` or a bare `if` asks for one decision whose meaning
    (all? any?) only the learner knows: no code then."""
    from tutor.hints.rules.common import shown_holder

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
    options = []  # (value node, spec), in the line's order: f-string fields, format(t, spec), '...'.format(...)
    for node in ctx.error_nodes():
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            spec = "".join(str(v.value) for v in node.format_spec.values if isinstance(v, ast.Constant))
            options.append((node.value, spec or ".3f"))
        elif isinstance(node, ast.Call) and call_name(node) == "format" and isinstance(node.func, ast.Name) and \
                len(node.args) == 2:  # format(t, '.2f'); the spec may be kept in a variable
            given = ctx.try_value(node.args[1])
            options.append((node.args[0], given if isinstance(given, str) and given else ".3f"))
        elif isinstance(node, ast.Call) and call_name(node) == "format" and isinstance(node.func, ast.Attribute):
            fmt = node.func.value.value if isinstance(node.func.value, ast.Constant) else ctx.try_value(node.func.value)
            field = _spec_field(ctx, node, fmt) if isinstance(fmt, str) else None
            if field is not None:
                options.append(field[1:])
            elif not isinstance(fmt, str) and node.args and not isinstance(node.args[0], ast.Starred):
                options.append((node.args[0], ".3f"))  # a template the tutor cannot read
    several = [(n, sp) for n, sp in options if not ctx.in_function and _several(ctx, n)]
    xnode, spec = (several or options or [(None, ".3f")])[0]
    x = ctx.error_src(xnode) if xnode is not None else None
    if x is None:
        return ctx.hint("format-tensor", "A format spec like :.3f needs one number, not a tensor.",
                        "', '.join(f'{v:.3f}' for v in t.tolist())")
    v = ctx.try_value(xnode) if not ctx.in_function else None
    n = f" has shape {shape_of(v)}" if ctx.is_tensor(v) else " has several elements"
    return ctx.hint(
        "format-tensor",
        f"{x}{n}: a format such as :{spec} applies to one number, not to a tensor.",
        f"', '.join(f'{{v:{spec}}}' for v in {_numbers(x, xnode, v)[0]})",
        candidates=_format_each(ctx, x, xnode, v))


_FIELD = re.compile(r"([^{}!:]*)(![rsa])?(?::([^{}]*))?")


def _format_fields(text: str) -> list:
    """(span, key, spec) of each replacement field of a str.format template, in order (key: the argument's
    position, or its keyword; span: where `{...}` is in `text`); escaped braces ({{ }}) are text. A field
    with a nested field in its spec ends the list."""
    found, auto, i = [], 0, 0
    while i < len(text):
        if text.startswith(("{{", "}}"), i):
            i += 2
            continue
        if text[i] != "{":
            i += 1
            continue
        end = text.find("}", i)
        m = _FIELD.fullmatch(text, i + 1, end) if end > 0 else None
        if m is None:
            break
        name = re.split(r"[.\[]", m.group(1), maxsplit=1)[0].strip()
        if name == "":
            key, auto = auto, auto + 1
        else:
            key = int(name) if name.isdigit() else name
        found.append(((i, end + 1), key, m.group(3) or ""))
        i = end + 1
    return found


def _format_arg(call: ast.Call, key):
    """The argument of `call` (a .format call) that the field `key` takes, or None."""
    if isinstance(key, int):
        args = call.args
        return args[key] if key < len(args) and not any(isinstance(a, ast.Starred) for a in args[:key + 1]) else None
    return next((k.value for k in call.keywords if k.arg == key), None)


def _several(ctx: Context, node: ast.AST) -> bool:
    v = ctx.try_value(node)
    return ctx.is_tensor(v) and v.numel() > 1


def _spec_field(ctx: Context, call: ast.Call, fmt: str):
    """(key, argument, spec) of the field of `fmt`.format(...) that formats a tensor of several values with a
    spec: the one that raised (a field with a spec given a tensor), else the first field with a spec."""
    fields = [(key, _format_arg(call, key), spec) for _, key, spec in _format_fields(fmt) if spec]
    fields = [f for f in fields if f[1] is not None]
    return next((f for f in fields if not ctx.in_function and _several(ctx, f[1])), fields[0] if fields else None)


def _numbers(x: str, xnode: ast.AST, value) -> list[str]:
    """The numbers of tensor x as a Python list: .tolist() for a vector, .flatten().tolist() for more
    dimensions (unknown: both, the vector's first)."""
    known = value.dim() if hasattr(value, "dim") else None
    ways = [".tolist()"] if known is not None and known <= 1 else [".flatten().tolist()"] if known else \
        [".tolist()", ".flatten().tolist()"]
    return [f"{paren(x, xnode)}{w}" for w in ways]


def _format_each(ctx: Context, x: str, xnode: ast.AST, value) -> list:
    """`'epoch {}, loss {:.2f}'.format(epoch, t)` as `'epoch {}, loss {}'.format(epoch, ', '.join(f'{v:.2f}'
    for v in t.tolist()))`, and `format(t, '.2f')` as the joined numbers, in the learner's statement: the
    format applied to each number of the tensor."""
    site = ctx.error_site
    if site is None or site.stmt is None:
        return []
    found = []
    for numbers in _numbers(x, xnode, value):
        found += _format_each_as(site, x, numbers)
    return [c for c in found if c is not None]


def _format_each_as(site, x: str, numbers: str) -> list:
    for js in (j for j in ast.walk(site.stmt) if isinstance(j, ast.JoinedStr)):
        found = _fstring_each(site, js, x, numbers)
        if found is not None:
            return [found]
    for call in (c for c in ast.walk(site.stmt) if isinstance(c, ast.Call) and call_name(c) == "format"):
        if isinstance(call.func, ast.Name):
            if len(call.args) == 2 and site.segment(call.args[0]) == x:
                spec = call.args[1]
                each = f"f'{{v:{spec.value}}}'" if isinstance(spec, ast.Constant) and isinstance(spec.value, str) \
                    and "'" not in spec.value else f"format(v, {site.segment(spec)})"
                return [site.splice(call, f"', '.join({each} for v in {numbers})")]
            continue
        fmt = call.func.value
        if not (isinstance(fmt, ast.Constant) and isinstance(fmt.value, str)):
            continue
        text = site.segment(fmt)
        for (start, end), key, spec in _format_fields(text):
            arg = _format_arg(call, key)
            if not spec or arg is None or site.segment(arg) != x or "'" in spec or '"' in spec:
                continue
            plain = text[:start] + text[start:end].replace(":" + spec, "", 1) + text[end:]
            joined = f"', '.join(f'{{v:{spec}}}' for v in {numbers})"
            return [site.splice_all([(fmt, plain), (arg, joined)], shown_node=None)]
    return []


@rule(5)
def runaway_loop(ctx: Context):
    if ctx.error is None or ctx.error.type not in ("KeyboardInterrupt", "Timeout") or ctx.tree is None:
        return None
    loops = [(n, ctx.source) for n in ast.walk(ctx.tree) if isinstance(n, ast.While)]
    for call, fdef, fsrc in ctx.called_functions(ctx.tree):
        loops += [(n, fsrc) for n in ast.walk(fdef) if isinstance(n, ast.While)]
    for loop, src in loops:
        if not _tensor_condition(ctx, loop.test):
            continue
        test = source_of(loop.test, src)
        zero, candidates = None, []
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
                    made = _start_value(start, name)
                    first = ctx.try_value(made) if made is not None else None
                    if not (ctx.is_tensor(first) and first.numel() and not bool(first.detach().abs().sum())):
                        continue  # it became 0 in the loop (halved until it underflowed...): not stuck at 0
                    stuck = name
                    candidates = _random_start(ctx, ast.Name(name), v, before=here.order) if not start.unpacked \
                        else []
                    break
        unchanged = _never_changed(loop)
        if stuck:
            why = (f"`while {test}:` never became False: {stuck} is still 0, as it was when the loop started, and "
                   f"the loop's updates keep it there.")
            fix = (candidates[0].shown if candidates else "") + "  # D2L uses a random input; and cap the loop"
        elif zero:
            why = (f"`while {test}:` never became False: {zero} is 0, so doubling it stays 0 forever.")
            fix = (candidates[0].shown if candidates else f"{zero} = torch.randn(size=(), requires_grad=True)"
                   if zero.isidentifier() else "") + "  # D2L uses a random input; and cap the loop"
        elif unchanged:
            names = " or ".join(unchanged)
            dropped = next((e.value for e in ast.walk(ast.Module(body=loop.body, type_ignores=[]))
                            if isinstance(e, ast.Expr) and isinstance(e.value, ast.BinOp)), None)
            why = (f"`while {test}:` never became False: nothing in the loop assigns {names}, so the condition "
                   f"is the same every time round" + (f" (`{source_of(dropped, src)}` on its own line computes a "
                                                      f"value and drops it)." if dropped is not None else "."))
            return ctx.hint("infinite-loop-control-flow", why, "", words=(
                f"assign the new value in the loop ({unchanged[0]} = ...), and bound the loop."))
        else:
            why = f"`while {test}:` never became False, so the loop ran until it was stopped."
            fix = "for _ in range(1000):  # a bounded loop; check the condition inside and break"
        return ctx.hint("infinite-loop-control-flow", why, fix, candidates=candidates)
    return None


def _start_value(start, name: str):
    """The expression that gave `name` its value before the loop: the right side of `name = ...`, or its
    element of `a, name = A, B`; None when it cannot be told (an augmented assignment, a function's
    result unpacked, a for loop's variable)."""
    if start is None or start.value is None or start.augmented:
        return None
    if not start.unpacked:
        return start.value
    target = start.stmt.node.targets[0] if isinstance(start.stmt.node, ast.Assign) else None
    if isinstance(target, ast.Tuple) and isinstance(start.value, ast.Tuple) and len(target.elts) == len(
            start.value.elts):
        return next((v for t, v in zip(target.elts, start.value.elts) if isinstance(t, ast.Name) and t.id == name),
                    None)
    return None


def _never_changed(loop: ast.While) -> list[str]:
    """The names of the loop's condition when its body changes none of them (no assignment, no in-place
    method such as b.mul_(2), no call that is passed one), else [] (also when the condition has no names)."""
    names = list(dict.fromkeys(n.id for n in ast.walk(loop.test) if isinstance(n, ast.Name)
                               and n.id not in ("torch", "th", "np", "math")))
    for node in ast.walk(ast.Module(body=loop.body, type_ignores=[])):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)) and node.id in names:
            return []
        if isinstance(node, ast.Call):
            if any(isinstance(a, ast.Name) and a.id in names for a in node.args):
                return []
            f = node.func
            if isinstance(f, ast.Attribute) and f.attr.endswith("_") and isinstance(f.value, ast.Name) \
                    and f.value.id in names:
                return []
    return names


def _random_start(ctx: Context, arg: ast.expr, value, before: int | None = None) -> list:
    """The zero input replaced by a random one of the same shape (D2L 2.5.4), where it was written: in the
    input that assigned the name passed to the call (before statement number `before`, when given; this
    input or an earlier one), or the literal argument in the call itself."""
    size = "()" if value.dim() == 0 else repr(tuple(value.shape))
    grad = ", requires_grad=True" if value.requires_grad else ""
    new = f"torch.randn(size={size}{grad})"
    if isinstance(arg, ast.Name):
        a = ctx.assignment(arg.id, before=before)
        site = ctx.site_of(a.stmt) if a is not None and a.value is not None and not a.unpacked else None
        found = [site.splice(_same_node(site.tree, a.value), new)] if site is not None else []
    else:
        here = ctx.current_site
        here.stmt = fixes.enclosing_stmt(here.tree, arg)
        found = [here.splice(arg, new)]
    return [c for c in found if c is not None]


def _same_node(tree: ast.AST, node: ast.AST):
    """The node of `tree` at `node`'s position (the same text parsed again; None if it is not there)."""
    for sub in ast.walk(tree):
        if type(sub) is type(node) and (sub.lineno, sub.col_offset, sub.end_lineno, sub.end_col_offset) == (
                node.lineno, node.col_offset, node.end_lineno, node.end_col_offset):
            return sub


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
    from tutor.hints.rules.common import Piece

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
    if not pieces:  # backward ran elsewhere (a training-step helper): this input, and the helpers it calls
        pieces = [Piece(ctx.tree, ctx.source, None)] + [Piece(fdef, fsrc, None, f"def {fdef.name}")
                                                        for call, fdef, fsrc in ctx.called_functions(ctx.tree)]
    for p in pieces:
        for w in find_calls(p.node, lambda c: (dotted(c.func) or "").endswith("where") and len(c.args) == 3):
            cond, a, b = w.args
            helpers = {f.name for br in (a, b) for _, f, _ in ctx.called_functions(br)}
            danger = next((d for calls in (True, False) for br in (a, b) for d in ast.walk(br)
                           if isinstance(d, ast.Call) == calls and _danger_arg(d) is not None), None) or next(
                (d for br in (a, b) for d in ast.walk(br) if _danger_arg(d, helpers) is not None), None)
            dsrc = p.src(danger) if danger is not None else "the other branch"
            arg = p.src(_danger_arg(danger, helpers)) if danger is not None else name
            use = _with_safe(p, danger, helpers) if danger is not None else "safe"
            return ctx.hint(
                "where-nan-gradient",
                f"{name}.grad has NaN: torch.where computes {dsrc} for every element, and where it is "
                f"unused its derivative is NaN or inf; 0 times that is still NaN.",
                f"safe = torch.where({p.src(cond)}, {arg}, torch.ones_like({arg}))  # use {use} in the where",
                candidates=_safe_branch(ctx, p, w, danger, helpers))
        for s in find_calls(p.node, lambda c: call_name(c) == "sqrt"):
            return ctx.hint(
                "where-nan-gradient",
                f"{name}.grad has NaN: the derivative of {p.src(s)} is infinite where its input is 0, and "
                f"0 × inf is NaN.",
                f"torch.linalg.vector_norm({name})  # handles 0; or clamp the input: .clamp(min=1e-12)",
                candidates=_finite_sqrt(ctx, p, s),
                words=f"keep the input of {p.src(s)} away from 0 (.clamp(min=1e-12)), or compute a norm with "
                      f"torch.linalg.vector_norm, whose gradient at 0 is 0.")
    return None


_DANGER = ("sqrt", "log", "log10", "log2", "rsqrt", "reciprocal", "pow", "acos", "asin")


def _danger_arg(node: ast.AST, helpers=()):
    """The input of a piece of torch.where's branch whose derivative can be inf or NaN where the branch is
    unused: the argument of sqrt/log/pow/..., the divisor of `a / b` (not a number), the base of `b ** 0.5`
    (a power that is not a whole number >= 1), the first argument of a call of one of the learner's
    functions named in `helpers` (what they compute is not looked into). None for anything else."""
    if helpers and isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in helpers:
        return node.args[0] if node.args else None
    if isinstance(node, ast.Call) and call_name(node) in _DANGER:  # torch.log(x), or x.log() (a method)
        f = node.func
        method = isinstance(f, ast.Attribute) and (dotted(f.value) or "").split(".")[0] not in (
            "torch", "th", "math", "np", "numpy")
        return f.value if method else node.args[0] if node.args else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and not isinstance(node.right, ast.Constant):
        return node.right
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow) and isinstance(node.right, ast.Constant) and \
            isinstance(node.right.value, (int, float)) and not (node.right.value >= 1 and
                                                                float(node.right.value).is_integer()):
        return node.left
    return None


def _with_safe(piece, danger: ast.AST, helpers=()) -> str:
    """The dangerous expression's text with its input written `safe`."""
    arg, text = _danger_arg(danger, helpers), piece.src(danger)
    if arg.lineno == danger.lineno == arg.end_lineno:
        start, end = arg.col_offset - danger.col_offset, arg.end_col_offset - danger.col_offset
        if text[start:end] == piece.src(arg):
            return text[:start] + "safe" + text[end:]
    return text.replace(piece.src(arg), "safe", 1)


def _safe_branch(ctx: Context, piece, where: ast.Call, danger: ast.AST | None, helpers=()) -> list:
    """The dangerous piece of torch.where's unused branch given an input that is safe everywhere: its
    input replaced by torch.where(cond, arg, torch.ones_like(arg)) (ones where the branch is unused)."""
    from tutor.hints.rules.common import piece_site, same_node

    if danger is None:
        return []
    site, w = piece_site(ctx, piece, where)
    d = same_node(site.tree, danger) if site is not None else None
    if d is None:
        return []
    cond, a, _ = w.args
    arg = _danger_arg(d, helpers)
    x, c = site.segment(arg), site.segment(cond)
    in_true = any(sub is d for sub in ast.walk(a))
    safe = (f"torch.where({c}, {x}, torch.ones_like({x}))" if in_true
            else f"torch.where({c}, torch.ones_like({x}), {x})")
    return [site.splice(arg, safe)]


def _finite_sqrt(ctx: Context, piece, sqrt: ast.Call) -> list:
    """sqrt of a sum of squares as torch.linalg.vector_norm over the same dimensions (its gradient at 0 is
    0, not NaN); else the input of sqrt clamped away from 0."""
    from tutor.hints.rules.common import piece_site

    site, s = piece_site(ctx, piece, sqrt)
    if site is None:
        return []
    method = isinstance(s.func, ast.Attribute) and not s.args
    inner = s.func.value if method else (s.args[0] if len(s.args) == 1 else None)
    if inner is None:
        return []
    found = []
    summed = isinstance(inner, ast.Call) and call_name(inner) == "sum" and isinstance(inner.func, ast.Attribute) \
        and len(inner.args) <= 1 and all(k.arg in ("dim", "keepdim") for k in inner.keywords)
    squares = inner.func.value if summed else None
    if isinstance(squares, ast.BinOp) and isinstance(squares.op, ast.Pow) and isinstance(squares.right, ast.Constant) \
            and squares.right.value == 2:
        dims = ([f"dim={site.segment(inner.args[0])}"] if inner.args else []) + [
            f"{k.arg}={site.segment(k.value)}" for k in inner.keywords]
        found.append(site.splice(s, f"torch.linalg.vector_norm({', '.join([site.segment(squares.left)] + dims)})"))
    found.append(site.splice(inner, f"{paren(site.segment(inner), inner)}.clamp(min=1e-12)"))
    return found


def _fstring_each(site, js: ast.JoinedStr, x: str, numbers: str):
    """`f'... {x:.3f} ...'` (in `site`) with that field formatting each number of x (`numbers`: x as a list),
    joined; the inner strings take the other quote (so the line stays valid on Python 3.11)."""
    text = site.segment(js)
    m = re.match(r"[a-zA-Z]*(['\"])", text)
    if m is None or text[m.end():m.end() + 2] == m.group(1) * 2:
        return None  # a triple-quoted f-string: left alone
    quote = m.group(1)
    inner = '"' if quote == "'" else "'"
    field = re.search(r"\{\s*" + re.escape(x) + r"\s*:([^{}'\"]*)\}", text)
    if field is None:
        return None
    each = f"f{inner}{{v:{field.group(1)}}}{inner} for v in {numbers}"
    if field.start() == m.end() and field.end() == len(text) - 1:  # the whole f-string is that one field
        return site.splice(js, f"{quote}, {quote}.join({each.replace(inner, quote)})")
    return site.splice(js, text[:field.start()] + f"{{{inner}, {inner}.join({each})}}" + text[field.end():])
