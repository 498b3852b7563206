"""Rules that look through function boundaries and earlier inputs (tutor/hints/reach.py).

A learner's helper, defined inputs ago, is where the mistake sits; the input that shows it only
calls it. These rules follow the call: a decorator (`@torch.no_grad()`), a `with` block inside the
body, a gradient returned without create_graph=True, a reset of .grad inside a training step, a
tensor edited through .data in another input. They name the input and the code that caused it.
"""

from __future__ import annotations

import ast
from itertools import takewhile

from tutor.hints import fixes, reach
from tutor.hints.context import Context, Stmt, assigned_names, call_name, dotted, names_in, paren, source_of
from tutor.hints.rules.common import SUPERSEDES, brief, chain, rule

SUPERSEDES.setdefault("no-grad-then-backward", set()).add("backward-no-grad-fn")
SUPERSEDES.setdefault("inference-mode-backward", set()).add("backward-no-grad-fn")
SUPERSEDES.setdefault("grad-of-grad-no-create-graph", set()).update({"backward-no-grad-fn", "detach-semantics"})
SUPERSEDES.setdefault("requires-grad-too-late", set()).add("grad-none-before-backward")


def _at(stmt: Stmt | None, ctx: Context | None = None) -> str:
    """' in In [3]' when the front numbers its inputs (a notebook); '' otherwise (the code is shown)."""
    if stmt is None or stmt.current or ctx is None:
        return ""
    label = ctx.input_name(stmt.index)
    return f" in {label}" if label else ""


# -- a result with no graph, explained through the functions that made it --------------------------


class _Cause:
    def __init__(self, kind: str, text: str, fix: str, candidates=None):
        self.kind, self.text, self.fix = kind, text, fix
        self.candidates = candidates or []  # tutor.hints.fixes.Candidate, best first


def _grad_mode_cause(mode: str, what: str, how: str, verb: str, fix: str = "") -> _Cause:
    kind = "inference-mode-backward" if mode == "inference_mode" else "no-grad-then-backward"
    keep = "evaluation" if mode == "inference_mode" else "updates and evaluation"
    return _Cause(kind, f"{what} ran under {how}: nothing is recorded there, so {verb} finds no graph.",
                  fix or f"compute it outside {how}; keep torch.{mode}() for {keep}, not for the loss")


def _from_grad_call(call: ast.Call, text: str, name: str, place: str) -> _Cause | None:
    """A torch.autograd.grad(...) call without create_graph=True, as the cause of a graph-less result."""
    if not reach.is_grad_call(call) or reach.creates_graph(call):
        return None
    new = ast.unparse(call)[:-1] + ", create_graph=True)"
    made = f"{name} came from {text}{place}" if name != text else f"{text}{place} ran"  # used in place
    return _Cause("grad-of-grad-no-create-graph",
                  f"{made} without create_graph=True: a plain tensor, with no graph to differentiate again.",
                  new + (f"  #{place.split(' (defined')[0]}" if place else ""))


class _Origin:
    """Follows an expression back through names, subscripts and learner functions (bounded)."""

    def __init__(self, ctx: Context, verb: str):
        self.ctx = ctx
        self.verb = verb
        self.seen: set[int] = set()
        self.frames = reach.error_frames(ctx) if ctx.error is not None else []

    def expr(self, node: ast.AST, src: str, callee: reach.Callee | None, before_line: int | None,
             depth: int = 0) -> _Cause | None:
        if node is None or depth > 8 or id(node) in self.seen:
            return None
        self.seen.add(id(node))
        if isinstance(node, ast.Subscript):
            return self.expr(node.value, src, callee, before_line, depth + 1)
        if isinstance(node, ast.Call):
            found = _from_grad_call(node, _text(node, src, callee), _text(node, src, callee),
                                    f" in {callee.name}(){callee.where()}" if callee else "")
            if found is not None:
                return found
            inner = reach.callee_of(self.ctx, node)
            if inner is not None:
                cause = self.function(inner, node, src, callee)
                if cause is not None:
                    return cause
            for arg in [node.func, *node.args, *(k.value for k in node.keywords)]:
                cause = self.expr(arg, src, callee, before_line, depth + 1)
                if cause is not None:
                    return cause
            return None
        if isinstance(node, ast.Name):
            return self.name(node.id, src, callee, before_line, depth)
        for child in ast.iter_child_nodes(node):
            cause = self.expr(child, src, callee, before_line, depth + 1)
            if cause is not None:
                return cause
        return None

    def function(self, f: reach.Callee, call: ast.Call, src: str, outer: reach.Callee | None) -> _Cause | None:
        call_text = _text(call, src, outer)
        mode = f.grad_off()
        if mode:
            deco = f.decorator_text()
            return _grad_mode_cause(mode, call_text, f"{deco} on {f.name}(){f.where()}", self.verb,
                                    f"define {f.name}() again without {deco}; keep torch.{mode}() for evaluation "
                                    f"and updates, not for what you differentiate")
        for ret in reach.returned(f):
            around = reach.grad_off_around(f.body, ret)
            if around:
                return _grad_mode_cause(around, call_text,
                                        f"`with torch.{around}():` inside {f.name}(){f.where()}", self.verb)
            cause = self._returned(f, ret)
            if cause is not None:
                return cause
        if f.depth < reach.MAX_DEPTH:
            for ret in reach.returned(f):  # what the body returns may come from another learner function
                for sub in ast.walk(ret):
                    if isinstance(sub, ast.Call) and id(sub) not in self.seen:
                        self.seen.add(id(sub))
                        inner = reach.callee_of(self.ctx, sub, f.depth + 1)
                        if inner is not None:
                            cause = self.function(inner, sub, f.source, f)
                            if cause is not None:
                                return cause
        return None

    def _returned(self, f: reach.Callee, ret: ast.expr) -> _Cause | None:
        node = ret.value if isinstance(ret, ast.Subscript) else ret
        if isinstance(node, ast.Call):
            found = _from_grad_call(node, f.src(node), f"what {f.name}() returns", f" in {f.name}(){f.where()}")
            if found is not None:
                return found
        if isinstance(node, (ast.Name, ast.Tuple)):
            names = [node.id] if isinstance(node, ast.Name) else [e.id for e in node.elts if isinstance(e, ast.Name)]
            for n in names:
                value = _local_assignment(f, n, getattr(ret, "lineno", None))
                if isinstance(value, ast.Subscript):
                    value = value.value
                if isinstance(value, ast.Call):
                    found = _from_grad_call(value, f.src(value), f"{n}", f" in {f.name}(){f.where()}")
                    if found is not None:
                        return found
                    around = reach.grad_off_around(f.body, value)
                    if around:
                        return _grad_mode_cause(around, f"{n} in {f.name}()",
                                                f"`with torch.{around}():`{f.where()}", self.verb)
        return None

    def name(self, name: str, src: str, callee: reach.Callee | None, before_line: int | None,
             depth: int) -> _Cause | None:
        ctx = self.ctx
        if callee is not None:
            value = _local_assignment(callee, name, before_line)
            if value is not None:
                around = reach.grad_off_around(callee.body, value)
                if around:
                    return _grad_mode_cause(around, f"{name} in {callee.name}()",
                                            f"`with torch.{around}():`{callee.where()}", self.verb)
                return self.expr(value, callee.source, callee, getattr(value, "lineno", None), depth + 1)
            if name in callee.params:  # an argument: follow it in the caller
                return self.expr(callee.params[name], self._caller_src, None, None, depth + 1)
            return None
        a = ctx.assignment(name)
        if a is None or a.value is None:
            return None
        contexts = a.stmt.contexts
        if "inference_mode" in contexts or "no_grad" in contexts:
            return None  # the older rule names the with block already
        off = _grad_disabled_before(ctx, a.stmt)
        if off is not None:
            return _Cause("no-grad-then-backward",
                          f"{name} = {source_of(a.value, a.stmt.source)}{_at(a.stmt, ctx)} ran while recording was "
                          f"switched off by `{source_of(off.node, off.source)}`{_at(off, ctx)}, so {name} has no graph.",
                          f"{name} = {source_of(a.value, a.stmt.source)}  # again, now that recording is on")
        call = a.value.value if isinstance(a.value, ast.Subscript) else a.value  # grad(...)[0] too
        if isinstance(call, ast.Call) and reach.is_grad_call(call) and not reach.creates_graph(call):
            lhs = source_of(a.stmt.node.targets[0], a.stmt.source) if isinstance(a.stmt.node, ast.Assign) else name
            whole, made = source_of(a.value, a.stmt.source), source_of(call, a.stmt.source)
            new = whole.replace(made, made[:-1] + ", create_graph=True)", 1) if made.endswith(")") else \
                ast.unparse(call)[:-1] + ", create_graph=True)"
            return _Cause("grad-of-grad-no-create-graph",
                          f"{name} came from {made}{_at(a.stmt, ctx)} without "
                          f"create_graph=True: a plain tensor, with no graph to differentiate again.",
                          f"{lhs} = {new}", _create_graph_candidates(ctx, a.stmt, call))
        return self.expr(a.value, a.stmt.source, None, None, depth + 1)

    _caller_src = ""


def _create_graph_candidates(ctx: Context, stmt: Stmt, call: ast.Call) -> list:
    """The first derivative's call, in the input that made it, with create_graph=True added (the inputs
    after it then run again on the copy): typed now, the graph it needs is usually freed already."""
    site = ctx.site_of(stmt)
    if site is None:
        return []
    same = next((n for n in ast.walk(site.stmt) if isinstance(n, ast.Call) and n.lineno == call.lineno
                 and n.col_offset == call.col_offset), None)
    found = site.add_argument(same, "create_graph=True", site.stmt) if same is not None else None
    return [found] if found is not None else []


def _local_assignment(f: reach.Callee, name: str, before_line: int | None) -> ast.expr | None:
    """The value last assigned to a local `name` in f's body (before `before_line` when given)."""
    found = None
    for stmt in f.body:
        for sub in ast.walk(stmt):
            if isinstance(sub, ast.Assign) and any(name in assigned_names(t) for t in sub.targets):
                if before_line is None or sub.lineno <= before_line:
                    found = sub.value
    return found


def _text(node: ast.AST, src: str, callee: reach.Callee | None) -> str:
    return callee.src(node) if callee is not None else source_of(node, src or None)


def _grad_disabled_before(ctx: Context, stmt: Stmt) -> Stmt | None:
    """The `torch.set_grad_enabled(False)` still in force when `stmt` ran."""
    off = None
    for s in takewhile(lambda s: s.order < stmt.order, ctx.stmts):
        node = s.node
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and call_name(node.value) == \
                "set_grad_enabled" and node.value.args and isinstance(node.value.args[0], ast.Constant):
            off = s if node.value.args[0].value is False else None
    return off


@rule(8)
def no_graph_through_calls(ctx: Context):
    """'does not require grad and does not have a grad_fn' whose cause is in a function or an earlier input."""
    if not ctx.error_is("RuntimeError", "does not require grad and does not have a grad_fn"):
        return None
    origin = _Origin(ctx, "backward()")
    frames = origin.frames
    # 1. the error happened inside (or below) a function whose decorator switched recording off
    for frame in frames:
        f = reach.callee_for_frame(ctx, frame)
        if f is not None and f.grad_off():
            cause = _grad_mode_cause(f.grad_off(), f"everything inside {f.name}()",
                                     f"{f.decorator_text()}{f.where()}", f"`{frames[-1].line}` inside it")
            return ctx.hint(cause.kind, cause.text, f"move the loss and its backward out of {f.name}(), or define "
                            f"{f.name}() again without {f.decorator_text()}")
    found = ctx.failing_backward()
    if found is None:
        return None
    call, target, kind, t = found
    origin.verb = f"{paren(t, target)}.backward()" if kind == "backward" else f"torch.autograd.grad({t}, ...)"
    inner = reach.callee_for_frame(ctx, frames[-1]) if len(frames) > 1 else None
    if inner is not None and len(frames) > 1:
        # follow parameters back to the caller's line
        outer_line = frames[-2].line
        tree = _parse(outer_line)
        if tree is not None:
            for sub in ast.walk(tree):
                if isinstance(sub, ast.Call):
                    c = reach.callee_of(ctx, sub)
                    if c is not None and c.name == inner.name:
                        inner.params = c.params
                        origin._caller_src = outer_line
                        break
    src = ctx.error_source if ctx.error_tree is not None else ctx.source
    cause = origin.expr(target, src, inner, frames[-1].lineno if inner is not None and frames else None)
    if cause is None:
        return None
    text = cause.text if cause.text.startswith(t + " ") else f"{t} has no graph: {cause.text}"
    return ctx.hint(cause.kind, text, cause.fix, candidates=cause.candidates)


def _parse(line: str) -> ast.AST | None:
    from tutor.hints.context import parse_line

    return parse_line(line)


# -- a leaf that needed its gradient and got none -------------------------------------------------


@rule(40)
def requires_grad_after_forward(ctx: Context):
    """`b.grad` is None after a backward because `b.requires_grad_()` came after the forward pass."""
    if ctx.tree is None or ctx.error is not None:
        return None
    for node in ast.walk(ctx.tree):
        if not (isinstance(node, ast.Attribute) and node.attr == "grad" and isinstance(node.value, ast.Name)
                and isinstance(node.ctx, ast.Load)):
            continue
        n = node.value.id
        leaf = ctx.tensor(n)
        if leaf is None or not leaf.is_leaf or not leaf.requires_grad or leaf.grad is not None:
            continue
        switched = _switched_on(ctx, n)
        if switched is None:
            continue
        for stmt in takewhile(lambda s: s.order > switched.order, reversed(ctx.stmts)):
            for call, target, kind in ctx.backward_calls(stmt.node):
                if target is None or kind != "backward":
                    continue
                pieces = chain(ctx, target, stmt.source)
                built = [p for p in pieces if p.stmt is not None and n in names_in(p.node)]
                if not built or any(p.stmt.order > switched.order for p in built):
                    continue
                p = built[0]
                return ctx.hint(
                    "requires-grad-too-late",
                    f"{p.name} = {p.src()}{_at(p.stmt, ctx)} was computed before `{source_of(switched.node, switched.source)}`"
                    f"{_at(switched, ctx)}, so {n} was not part of its graph and {source_of(target, stmt.source)}"
                    f".backward(){_at(stmt, ctx)} gave {n} nothing: {n}.grad is None.",
                    f"{p.name} = {p.src()}  # compute it again now that {n} requires grad, then backward()",
                    candidates=_recompute_candidates(ctx, stmt, f"{p.name} = {p.src()}"))
    return None


def _switched_on(ctx: Context, name: str) -> Stmt | None:
    for stmt in reversed(ctx.stmts):
        node = stmt.node
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and call_name(node.value) == \
                "requires_grad_" and isinstance(node.value.func, ast.Attribute) and isinstance(
                node.value.func.value, ast.Name) and node.value.func.value.id == name:
            return stmt
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr == "requires_grad"
                                                and isinstance(t.value, ast.Name) and t.value.id == name
                                                for t in node.targets):
            return stmt
        if isinstance(node, ast.Assign) and any(name in assigned_names(t) for t in node.targets):
            return None
    return None


# -- .data edits autograd cannot see ------------------------------------------------------------------


def _data_edits(ctx: Context, stmt: Stmt) -> list[tuple[str, str]]:
    """(tensor name, the edit quoted) for in-place edits through .data in a statement and the functions it
    calls: `code`, or `code` in f() (called as `f(w)`)."""
    found: list[tuple[str, str]] = []
    aliases = _data_aliases(ctx)

    def base_name(node: ast.AST, params: dict | None) -> str | None:
        # x.data / alias-of-x.data / param.data (param bound to a caller's name)
        if isinstance(node, ast.Attribute) and node.attr == "data" and isinstance(node.value, ast.Name):
            n = node.value.id
            if params is not None:
                arg = params.get(n)
                return arg.id if isinstance(arg, ast.Name) else None
            return n
        if isinstance(node, ast.Name) and params is None and node.id in aliases:
            return aliases[node.id]
        return None

    def scan(node: ast.AST, src: str, params: dict | None):
        for sub in ast.walk(node):
            target = None
            if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr.endswith("_") \
                    and not sub.func.attr.startswith("_") and sub.func.attr not in ("requires_grad_",):
                target = sub.func.value
            elif isinstance(sub, ast.AugAssign):
                target = sub.target
            elif isinstance(sub, ast.Assign):
                target = next((t.value for t in sub.targets if isinstance(t, ast.Subscript)), None)
            if target is None:
                continue
            n = base_name(target, params)
            if n is not None:
                found.append((n, f"`{source_of(sub, src)}`" if via is None else f"`{ast.unparse(sub)}` {via}"))

    via = None
    scan(stmt.node, stmt.source, None)
    for callee in reach.callees(ctx, stmt.node, depth=1):
        via = f"in {callee.name}()" + (f" (called as `{source_of(callee.call, stmt.source)}`)"
                                       if callee.call is not None else "")
        for body_stmt in callee.body:
            scan(body_stmt, callee.source, callee.params)
    return found


def _data_aliases(ctx: Context) -> dict[str, str]:
    """Names bound to another tensor's .data: `c = out.data` gives {'c': 'out'}."""
    aliases = {}
    for stmt in ctx.stmts:
        node = stmt.node
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            v = node.value
            if isinstance(v, ast.Attribute) and v.attr == "data" and isinstance(v.value, ast.Name):
                aliases[node.targets[0].id] = v.value.id
            else:
                aliases.pop(node.targets[0].id, None)
    return aliases


def _recompute_candidates(ctx: Context, bstmt, again: str) -> list:
    """`again` (the graph computed anew: `name = value` statements) inserted right before the backward statement."""
    site = ctx.site_of(bstmt)
    if site is None:
        return []
    found = site.insert_before(site.stmt, again)
    return [found] if found is not None else []


@rule(35)
def inplace_via_data(ctx: Context):
    """A backward over a graph whose tensor was changed through .data after the graph was built."""
    if ctx.tree is None or ctx.error is not None:
        return None
    current = ctx.current_stmts
    for bstmt in current:
        for call, target, kind in ctx.backward_calls(bstmt.node):
            if target is None:
                continue
            pieces = chain(ctx, target, bstmt.source)
            built = [p for p in pieces if p.stmt is not None]
            if not built:
                continue
            start = max(p.stmt.order for p in built)
            used = {n for p in pieces for n in names_in(p.node)}
            for stmt in ctx.stmts:
                if stmt.order <= start or stmt.order >= bstmt.order or "loop" in stmt.contexts:
                    continue
                for name, code in _data_edits(ctx, stmt):
                    if name not in used:
                        continue
                    t = ctx.tensor(name)
                    version = getattr(t, "_version", None)
                    users = [p for p in built if p.name and name in names_in(p.node)] or built
                    made = min(users, key=lambda p: p.stmt.order)
                    redo = sorted({id(p): p for p in built if p.stmt.order >= made.stmt.order}.values(),
                                  key=lambda p: p.stmt.order)
                    again = "; ".join(f"{p.name} = {p.src()}" for p in redo if p.name)
                    names = ", ".join(p.name for p in redo if p.name)
                    # h = torch.exp(w) then h.data edited: the graph saved h itself (it did not "use" h)
                    role, before = ("computed", "") if made.name == name else (
                        "used", f" under `with torch.no_grad():` before you compute {made.name}")
                    return ctx.hint(
                        "inplace-via-data",
                        f"{code}{_at(stmt, ctx)} changed {name} through .data after `{made.name} = "
                        f"{made.src()}`{_at(made.stmt, ctx)} {role} it. Autograd cannot see such edits ({name}'s "
                        f"version is still {version}), so this backward used the new values: a wrong gradient, "
                        f"no error.",
                        f"{again}  # compute again after the edit (make edits under torch.no_grad())",
                        candidates=_recompute_candidates(ctx, bstmt, again),
                        words=(f"make the change to {name}{before}, or compute {names} again after the edit, "
                               f"before backward().") if before else
                              f"compute {names} again after the edit, before backward().")
    return None


# -- gradients adding up inside loops and helpers ---------------------------------------------------


def handles_accumulation(ctx: Context) -> bool:
    """True when the input (parsed: ctx.tree) has a loop or calls learner code: `accumulation_through_calls`
    judges it."""
    tree = ctx.tree
    return any(isinstance(n, (ast.For, ast.While)) for n in ast.walk(tree)) or reach.calls_learner_code(ctx, tree)


def _grad_reads(node: ast.AST) -> bool:
    return any(isinstance(s, ast.Attribute) and s.attr == "grad" and isinstance(s.ctx, ast.Load)
               for s in ast.walk(node))


def _loops_with_backward(ctx: Context, tree: ast.AST):
    """(loop, source, callee or None, backward calls in it, code the loop runs) for loops that backward."""
    found = []
    top_loops = [n for n in ast.walk(tree) if isinstance(n, (ast.For, ast.While))]
    for loop in top_loops:
        inner_callees = reach.callees(ctx, loop)
        nodes = [loop] + [s for c in inner_callees for s in c.body]
        calls = [c for n in nodes for c, _, k in ctx.backward_calls(n) if k == "backward"]
        if calls:
            found.append((loop, ctx.source, None, calls, nodes))
    for callee in reach.callees(ctx, tree):
        for stmt in callee.body:
            for loop in (n for n in ast.walk(stmt) if isinstance(n, (ast.For, ast.While))):
                calls = [c for c, _, k in ctx.backward_calls(loop) if k == "backward"]
                if calls:
                    found.append((loop, callee.source, callee, calls, [loop]))
    return found


def _loop_results(ctx: Context, nodes: list) -> list[str]:
    """Names the loop stores its results in: bound by `=`/`+=` or grown by .append/.extend, minus the loop
    variables and the tensors being differentiated."""
    names, loop_vars = set(), set()
    for node in nodes:
        for s in ast.walk(node):
            if isinstance(s, (ast.For, ast.comprehension)):
                loop_vars |= set(assigned_names(s.target))
            elif isinstance(s, ast.Assign):
                for t in s.targets:
                    names |= set(assigned_names(t))
            elif isinstance(s, ast.AugAssign) and isinstance(s.target, ast.Name):
                names.add(s.target.id)
            elif isinstance(s, ast.Call) and isinstance(s.func, ast.Attribute) and s.func.attr in ("append", "extend") \
                    and isinstance(s.func.value, ast.Name):
                names.add(s.func.value.id)
    return sorted(n for n in names - loop_vars if n in ctx.ns and not (
        ctx.is_tensor(ctx.ns[n]) and ctx.ns[n].requires_grad))


def _plain(value, torch, depth: int = 0):
    """A copy of a loop result that can be compared later (numbers, tensors, lists and tuples of them), or
    None when it is something else."""
    if depth > 3:
        return None
    if type(value) in (int, float, bool):
        return value
    if type(value) in (list, tuple) and len(value) <= 1000:
        items = [_plain(v, torch, depth + 1) for v in value]
        return None if any(i is None for i in items) else (type(value), items)
    if isinstance(value, torch.Tensor) and value.numel() <= 100_000:
        return value.detach().clone()
    return None


def _same(a, b, torch) -> bool:
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape \
            and a.dtype == b.dtype and bool(torch.equal(a, b))
    if isinstance(a, tuple) and isinstance(b, tuple):
        return a[0] is b[0] and len(a[1]) == len(b[1]) and all(_same(x, y, torch) for x, y in zip(a[1], b[1]))
    return type(a) is type(b) and a == b


def _changes_the_reads(ctx: Context, nodes: list):
    """A check for the reset-in-the-loop candidate: when the loop's results and printout are the same with
    the reset (x.grad[i] read after y[i].backward(), which adds only to x.grad[i]), the sum was never read:
    the check answers fixes.MOOT and the hint is dropped (hints.diagnose)."""
    torch = ctx.torch
    kept = {n: _plain(ctx.ns[n], torch) for n in _loop_results(ctx, nodes)}
    kept = {n: v for n, v in kept.items() if v is not None}
    printed = ctx.outcome.stdout

    def check(copy, outcome):
        if not kept and not printed:
            return None  # nothing the loop keeps or prints to compare: the hint stands
        same = all(_same(_plain(copy.namespace.get(n), torch), v, torch) for n, v in kept.items())
        return fixes.MOOT if same and outcome.stdout == printed else None

    return check


def _one_name_each(ctx: Context, changes: list) -> list:
    """The gradient changes with one name per tensor: a tensor kept in a list too (`trace.append(w)`) is
    reported under each name it has (trace[0], trace[1], w); the plain name is the one to reset."""
    by_tensor: dict[int, object] = {}
    for g in sorted(changes, key=lambda g: ("[" in g.name or "." in g.name, changes.index(g))):
        try:
            value = ctx.try_value(ast.parse(g.name, mode="eval").body)
        except SyntaxError:
            value = None
        key = id(value) if ctx.is_tensor(value) else id(g)
        by_tensor.setdefault(key, g)
    kept = set(map(id, by_tensor.values()))
    return [g for g in changes if id(g) in kept]


def _collected(nodes, fresh: set[str]) -> set[str]:
    """Lists the loop fills with tensors it makes (`trace.append(w)` where the loop rebinds w): the tensors in
    them, named `trace[0]`, `trace[1]` after the loop, are new on every step, each with its own .grad."""
    found = set()
    for node in nodes:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr in (
                    "append", "extend", "insert") and isinstance(sub.func.value, ast.Name) and sub.args and \
                    any(n in fresh for n in names_in(sub.args[-1])):
                found.add(sub.func.value.id)
    return found


@rule(40)
def accumulation_through_calls(ctx: Context):
    """backward() inside a loop or a helper, .grad never reset, and the sum read as if it were one gradient."""
    if ctx.tree is None or ctx.error is not None or not ctx.outcome.gradients or not handles_accumulation(ctx):
        return None
    callees = reach.callees(ctx, ctx.tree)
    resets = reach.resets_grad(ctx.tree)
    for c in callees:
        for stmt in c.body:
            if reach.resets_grad(stmt):
                resets.add("*")  # a helper resets gradients (often through a loop over its parameters)
    if "*" in resets:
        return None
    stepped = _one_name_each(ctx, [g for g in ctx.outcome.gradients if g.new is not None and ctx.is_tensor(g.new)
                                   and g.new.is_floating_point()])
    changes = [g for g in stepped if g.name not in resets]
    if not stepped:
        return None
    # 1. a loop that runs backward() and reads .grad on every step: each read sees the running sum (a reset
    #    before or after the loop does not help the reads inside it)
    for loop, src, callee, calls, nodes in _loops_with_backward(ctx, ctx.tree):
        if any(reach.resets_grad(n) for n in nodes):
            continue
        fresh = {n for node in nodes for s in ast.walk(node) if isinstance(s, (ast.Assign, ast.For))
                 for t in (s.targets if isinstance(s, ast.Assign) else [s.target]) for n in assigned_names(t)}
        fresh |= _collected(nodes, fresh)
        stepped = [g for g in stepped if g.name.split("[")[0].split(".")[0] not in fresh]
        if not stepped:
            return None  # a new tensor on every step: its .grad starts empty each time
        if not any(_grad_reads(n) for n in nodes):
            continue  # only the total is used after the loop: adding up is what was asked for
        change = stepped[0]
        b = source_of(calls[0].func.value, src)
        where = f" in {callee.name}(){callee.where()}" if callee is not None else ""
        # every tensor whose grad adds up is reset (w alone would leave b's grad growing); a module's
        # parameters (net[0].weight, ...) all at once, with the module's zero_grad()
        lines = []
        for g in stepped:
            root = g.name.split("[")[0].split(".")[0]
            module = ctx.torch is not None and isinstance(ctx.ns.get(root), ctx.torch.nn.Module) and g.name != root
            line = f"{root}.zero_grad()" if module else f"{g.name}.grad = None"
            if line not in lines:
                lines.append(line)
        reset = "\n".join(lines)
        site = ctx.current_site if callee is None else ctx.site(callee.index) if callee.index else None
        found = [fixes.in_loop_body(site, loop, reset)] if site is not None and site.source.rstrip() == src.rstrip() else []
        if found and found[0] is not None:  # the reads may not see the sum (x.grad[i] after y[i].backward())
            found[0].check = _changes_the_reads(ctx, nodes)
        return ctx.hint(
            "grad-accumulation",
            f"the loop{where} runs {paren(b, calls[0].func.value)}.backward() and reads .grad on every step but "
            f"never resets it, so each read after the first sees a running sum ({change.name}.grad is now "
            f"{brief(change.new)}).",
            f"{reset}  # first thing in the loop body, before backward()", candidates=found,
            words=f"reset {change.name + '.grad' if lines == [f'{change.name}.grad = None'] else 'the gradients'} "
                  f"(`{'; '.join(lines)}`) as the first thing in the loop body, before backward().")
    if not changes:
        return None
    # 2. a helper that runs backward(), called again on a tensor that still holds the last gradient
    if not any(ctx.backward_calls(s) for c in callees for s in c.body):
        return None
    for change in changes:
        old = change.old
        if old is None or not change.old_known or not ctx.is_tensor(old) or old.shape != change.new.shape:
            continue
        if not bool(old.abs().sum()) or bool((old == change.new).all()):
            continue
        last = _last_grad_input(ctx, change.name)
        by = f" from {input_ref(ctx, last)}" if last is not None else ""
        names = ", ".join(f"{c.name}(){c.where()}" for c in callees if any(ctx.backward_calls(s) for s in c.body))
        return ctx.hint(
            "grad-accumulation",
            f"{change.name}.grad already held {brief(old)}{by}; {names} ran backward() again without resetting "
            f"it, so the new gradient was added: {change.name}.grad is now {brief(change.new)}.",
            f"{change.name}.grad = None  # before each call (or inside the helper, before backward())")
    return None


def _last_grad_input(ctx: Context, name: str) -> int | None:
    for o in reversed(ctx._past):
        if any(g.name == name and g.new is not None for g in o.gradients):
            return o.index
    return None


# -- the earlier input that caused an error: named by number and code --------------------------------


def input_ref(ctx: Context, index: int) -> str:
    """How a hint names input `index`: the front's label ("In [3]") or "an earlier input"."""
    return ctx.input_name(index) or "an earlier input"


def _backward_on(ctx: Context, stmt: Stmt, name: str) -> str | None:
    """The code in `stmt` that ran a backward pass through `name` (directly or in a learner function)."""
    for call, target, kind in ctx.backward_calls(stmt.node):
        if target is not None and names_in(target)[:1] == [name]:
            return source_of(call, stmt.source)
    for callee in reach.callees(ctx, stmt.node, depth=1):
        bound = {p for p, arg in callee.params.items() if isinstance(arg, ast.Name) and arg.id == name}
        for body_stmt in callee.body:
            for call, target, kind in ctx.backward_calls(body_stmt):
                if target is None:
                    continue
                root = names_in(target)[:1]
                if root and (root[0] in bound or (root[0] == name and name not in callee.params)):
                    return f"{source_of(callee.call, stmt.source)}`, which runs `{ast.unparse(call)}"
    return None


@rule(19)
def graph_freed_by_earlier_input(ctx: Context):
    """'backward through the graph a second time': name the input whose backward freed the graph."""
    if not ctx.error_is("RuntimeError", "backward through the graph a second time"):
        return None
    found = ctx.failing_backward()
    if found is None or found[1] is None:
        return None
    call, target, kind, t = found
    roots = names_in(target)[:1]
    if not roots or ctx.in_function:
        return None  # inside a function the name is a local: the older rule reads that function's lines
    name = roots[0]
    a = ctx.assignment(name)
    for stmt in reversed(ctx.stmts):
        if stmt.current or isinstance(stmt.node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if a is not None and stmt.order <= a.stmt.order:
            return None  # nothing since the graph was built
        direct = any(target is not None and names_in(target)[:1] == [name]
                     for _, target, _ in ctx.backward_calls(stmt.node))
        code = _backward_on(ctx, stmt, name)
        if code is None:
            continue
        if direct:
            return None  # a backward typed at the top level: backward.double_backward names it
        rebuild = f"{name} = {source_of(a.value, a.stmt.source)}; " if a is not None and a.value is not None else ""
        return ctx.hint(
            "double-backward",
            f"the graph of {name} was freed by {input_ref(ctx, stmt.index)}: `{code}`. That pass used up the "
            f"values the graph saved, so {paren(t, target)}.backward() cannot go through it again.",
            f"{rebuild}{paren(t, target)}.backward()  # build {name} again first (or retain_graph=True the "
            f"first time)")
    return None


@rule(19)
def changed_in_place_earlier(ctx: Context):
    """'modified by an inplace operation': the input (and helper) that changed the saved tensor."""
    if not ctx.error_is("RuntimeError", "modified by an inplace operation"):
        return None
    import re

    from tutor.hints.context import inplace_target
    from tutor.hints.rules.inplace import saved_candidates

    v = re.search(r"is at version (\d+); expected version (\d+)", ctx.error.message)
    found = ctx.failing_backward()
    if v is None or found is None:
        return None
    now, then = v.group(1), v.group(2)
    again = f"{paren(found[3], found[1])}.backward()" if found[2] == "backward" else source_of(found[0], ctx.source)
    for stmt in reversed(ctx.stmts):
        if stmt.current or isinstance(stmt.node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        direct = inplace_target(stmt.node)
        if direct is not None:
            name = direct[0]
            a = ctx.assignment(name, before=stmt.order)
            if a is not None and isinstance(a.value, ast.Call) and call_name(a.value) == "detach":
                return None  # a detached alias: the inplace family explains shared memory
            tensor = ctx.tensor(name)
            if tensor is not None and str(tensor._version) == now:
                return ctx.hint(
                    "inplace-saved-tensor",
                    f"{name} was changed in place at {input_ref(ctx, stmt.index)}: `{stmt.src()}` (version {then} "
                    f"→ {now}), but the backward pass needs the value its graph saved.",
                    f"{again}  # before `{stmt.src()}`; or build the graph again after it",
                    candidates=saved_candidates(ctx))
            continue
        for callee in reach.callees(ctx, stmt.node, depth=1):
            for body_stmt in callee.body:
                for sub in ast.walk(body_stmt):
                    edited = _inplace_param(sub, callee)
                    if edited is None:
                        continue
                    arg = callee.params.get(edited)
                    if not isinstance(arg, ast.Name):
                        continue
                    tensor = ctx.tensor(arg.id)
                    if tensor is None or str(tensor._version) != now:
                        continue
                    call_src = source_of(stmt.node, stmt.source)
                    return ctx.hint(
                        "inplace-saved-tensor",
                        f"{arg.id} was changed in place at {input_ref(ctx, stmt.index)}: `{call_src}` runs "
                        f"`{callee.src(sub)}` in {callee.name}() (version {then} → {now}), but the backward pass "
                        f"needs the value its graph saved.",
                        f"{again}  # before `{call_src}`; or build the graph again after it",
                        candidates=saved_candidates(ctx))
    return None


def _inplace_param(node: ast.AST, callee: reach.Callee) -> str | None:
    """The parameter a statement of `callee` changes in place (`t += 1`, `t[0] = 0`, `t.mul_(2)`)."""
    target = None
    if isinstance(node, ast.AugAssign):
        target = node.target
    elif isinstance(node, ast.Assign):
        target = next((t.value for t in node.targets if isinstance(t, ast.Subscript)), None)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr.endswith("_") \
            and not node.func.attr.startswith("_") and node.func.attr not in ("requires_grad_", "retain_grad_"):
        target = node.func.value
    if isinstance(target, ast.Name) and target.id in callee.params:
        return target.id
    return None


@rule(40)
def requires_grad_late_in_helper(ctx: Context):
    """A helper computes the loss, then switches requires_grad on, then runs backward: the leaf gets no grad."""
    if ctx.tree is None or ctx.error is not None:
        return None
    from tutor.hints.context import flatten

    for callee in reach.callees(ctx, ctx.tree, depth=1):
        stmts = [node for node, _ in flatten(callee.body)]
        built: dict[str, ast.stmt] = {}
        for i, node in enumerate(stmts):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                built[node.targets[0].id] = node
                continue
            switched = _switch_on_name(node)
            if switched is None:
                continue
            for later in stmts[i + 1:]:
                for call, target, kind in ctx.backward_calls(later):
                    root = names_in(target)[:1] if target is not None else []
                    made = built.get(root[0]) if root else None
                    if made is None or switched not in names_in(made.value):
                        continue
                    arg = callee.params.get(switched)
                    outer = arg.id if isinstance(arg, ast.Name) else switched
                    leaf = ctx.tensor(outer)
                    if leaf is None or not leaf.requires_grad or leaf.grad is not None:
                        continue
                    return ctx.hint(
                        "requires-grad-too-late",
                        f"in {callee.name}(){callee.where()}, `{callee.src(made)}` runs before "
                        f"`{callee.src(node)}`, so {switched} is not part of {root[0]}'s graph and "
                        f"`{callee.src(call)}` leaves {outer}.grad None.",
                        f"{callee.src(node)}  # first in {callee.name}(), before {root[0]} = ...")
    return None


def _switch_on_name(node: ast.stmt) -> str | None:
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and call_name(node.value) == "requires_grad_" \
            and isinstance(node.value.func, ast.Attribute) and isinstance(node.value.func.value, ast.Name):
        args = node.value.args
        if args and isinstance(args[0], ast.Constant) and args[0].value is False:
            return None
        return node.value.func.value.id
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Attribute) \
            and node.targets[0].attr == "requires_grad" and isinstance(node.targets[0].value, ast.Name) \
            and isinstance(node.value, ast.Constant) and node.value.value is True:
        return node.targets[0].value.id
    return None
