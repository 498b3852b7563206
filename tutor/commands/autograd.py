"""Autograd made visible: %graph, %trace, %forward, %check, %jacobian, %hessian (D2L 2.4-2.5).

Each command has a twin in the learner's namespace with the same name (`graph(y)`, `trace(y)`,
`forward(f, 2.0)`, `check(f, 2.0, expect=...)`, `jacobian(f, x)`, `hessian(f, x)`), returning the
same data, which the shell draws the same way.
"""

from __future__ import annotations

import ast
import sys

from tutor.commands import CommandError, command, namespace_function
from tutor.display import a_type

GROUP = "autograd"
_OPEN, _CLOSE = "([{", ")]}"


def parse(args: str, flags: tuple[str, ...] = (), valued: tuple[str, ...] = ()) -> tuple[str, dict]:
    """Split `EXPR --flag --name VALUE` where EXPR and VALUE may be Python with spaces and brackets.

    An option is `--name` (a known name) at bracket depth 0, outside strings, after a space.
    """
    known = set(flags) | set(valued)
    cuts: list[tuple[int, int, str]] = []  # (start, end, name)
    depth, quote, i = 0, None, 0
    while i < len(args):
        c = args[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth = max(0, depth - 1)
        elif c == "-" and depth == 0 and args.startswith("--", i) and (i == 0 or args[i - 1].isspace()):
            j = i + 2
            while j < len(args) and (args[j].isalnum() or args[j] in "_-"):
                j += 1
            name = args[i + 2:j]
            if name in known:
                cuts.append((i, j, name))
                i = j
                continue
            if name and name.isidentifier():
                takes = ", ".join(f"--{k}" for k in (*flags, *valued)) or "no options"
                raise CommandError(f"unknown option --{name}; this command takes {takes}")
        i += 1
    positional = args[: cuts[0][0]] if cuts else args
    opts: dict = {}
    for k, (start, end, name) in enumerate(cuts):
        stop = cuts[k + 1][0] if k + 1 < len(cuts) else len(args)
        value = args[end:stop].strip()
        if name in flags:
            if value:
                raise CommandError(f"--{name} takes no value (got {value!r})")
            opts[name] = True
        else:
            if not value:
                raise CommandError(f"--{name} needs a value")
            opts[name] = value
    return positional.strip(), opts


def _func_and_point(session, positional: str, usage: str):
    name, _, point_text = positional.partition(" ")
    if not name or not point_text.strip():
        raise CommandError(f"usage: {usage}")
    func = session.resolve(name)
    if not callable(func):
        raise CommandError(f"{name} is {a_type(func)}, not a function: give the name of a "
                           "function, e.g. def f(x): return x**2")
    point = session.eval_expr(point_text, "point")
    return name, func, point


def _tensor_expr(session, expr: str, usage: str):
    if not expr:
        raise CommandError(f"usage: {usage}")
    torch = sys.modules["torch"]
    value = session.eval_expr(expr, "expression")
    if not isinstance(value, torch.Tensor):
        raise CommandError(f"{expr} is {a_type(value)}, not a tensor: give a tensor computed "
                           "from tensors with requires_grad=True")
    return value


def _names(pairs):
    from tutor import graph as G

    return G.names_by_id(pairs), G.constants_from(pairs)


def _short_title(expr: str) -> str:
    expr = " ".join(expr.split())
    return expr if len(expr) <= 40 else expr[:39] + "…"


# -- the work, shared by commands and namespace functions ----------------------------------------


def make_graph(tensor, pairs, title, *, saved=False, dot=False, mermaid=False, depth=None):
    from tutor import graph as G

    torch = sys.modules["torch"]
    if not isinstance(tensor, torch.Tensor):
        raise CommandError(f"{title} is {a_type(tensor)}, not a tensor")
    if tensor.grad_fn is None and not tensor.requires_grad:
        raise CommandError(f"{title} has no graph (requires_grad=False, no grad_fn): compute it from a "
                           "tensor created with requires_grad=True, e.g. x = torch.tensor(2.0, requires_grad=True)")
    names, constants = _names(pairs)
    g = G.build(tensor, names, title=title, show_saved=saved, constants=constants,
                depth_limit=G.DEPTH_LIMIT if depth is None else depth)
    if dot or mermaid:
        text = g.to_dot() if dot else g.to_mermaid()
        hidden = max(0, len(g.nodes) - G.EXPORT_LIMIT)
        return G.GraphText("dot" if dot else "mermaid", text, title, hidden)
    return g


def make_trace(tensor, pairs, title, gradient=None):
    from tutor import backprop

    names, constants = _names(pairs)
    return backprop.backward_trace(tensor, gradient, names=names, title=title, constants=constants)


def make_forward(func, point, name=None):
    from tutor import backprop, calculus

    if not callable(func):
        raise CommandError(f"{name or 'FUNC'} is {a_type(func)}, not a function")
    fname = calculus.func_label(func, name)
    var = calculus.param_name(func)
    x0 = calculus.prepare_point(point)
    call_text = f"{fname}({var})"

    def run(x):
        return calculus.call(func, [x], call_text)

    return _forward(backprop, run, [x0], [var], f"{call_text} at {var} = {calculus.short(x0)}")


def _forward(backprop, func, points, names, call):
    try:
        return backprop.forward_trace(func, points, names, call=call)
    except CommandError:
        raise
    except RuntimeError as exc:
        raise CommandError(f"forward mode failed on {call}: {str(exc).splitlines()[0]}") from None


def replay_forward(session, expr: str, tensor):
    """%trace EXPR --forward: evaluate EXPR's own formula again with dual numbers."""
    from tutor import backprop
    from tutor import graph as G

    source = expr
    if expr.isidentifier():
        source = _last_assignment(session, expr)
        if source is None:
            raise CommandError(f"cannot find the line that computed {expr} in one expression (a plain "
                               f"`{expr} = ...`); use %forward FUNC POINT, or %trace <the formula> --forward")
    pairs = session.learner_tensors()
    names, _ = _names(pairs)
    g = G.build(tensor, names)
    leaf_names = [n.names[0] for n in g.leaves if n.names]
    if not leaf_names:
        raise CommandError(f"{expr}'s leaves have no names in your namespace, so it cannot be replayed; "
                           "use %forward FUNC POINT")
    try:
        code = compile(source, "<replay>", "eval")
    except SyntaxError:
        raise CommandError(f"cannot replay {source!r} as one expression; use %forward FUNC POINT") from None
    points = [session.namespace[n].detach() for n in leaf_names]

    def run(*values):
        scope = dict(session.namespace)
        scope.update(zip(leaf_names, values))
        try:
            return eval(code, scope)
        except Exception as exc:  # noqa: BLE001
            raise CommandError(f"replaying {source!r} raised {type(exc).__name__}: {exc}") from None

    label = f"{expr} = {source}" if source != expr else expr
    result = _forward(backprop, run, points, leaf_names, label)
    torch = sys.modules["torch"]
    if result.output is None or result.output.shape != tensor.shape or not torch.allclose(
            result.output.double(), tensor.detach().double(), rtol=1e-5, atol=1e-7):
        raise CommandError(f"replaying {source!r} no longer gives {expr}'s value (it changed since); "
                           "use %forward FUNC POINT")
    return result


def _last_assignment(session, name: str) -> str | None:
    for outcome in reversed(session.history):
        if outcome.kind != "code" or not outcome.ok:
            continue
        try:
            tree = ast.parse(outcome.input)
        except SyntaxError:
            continue
        for stmt in reversed(tree.body):
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                    and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id == name:
                if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(stmt.value)):
                    return None  # y = y + 1: built in steps, one expression cannot replay it
                return ast.get_source_segment(outcome.input, stmt.value)
            if isinstance(stmt, (ast.AugAssign, ast.AnnAssign, ast.For, ast.While)) and name in {
                    n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}:
                return None  # computed in steps: cannot replay one expression
    return None


# -- commands --------------------------------------------------------------------------------------


@command("graph", "the computation graph behind a tensor, output to leaves (D2L 2.5)",
         usage="%graph EXPR [--saved] [--dot|--mermaid] [--depth N] [--save FILE]", group=GROUP)
def graph_command(session, args: str):
    """Draw the graph autograd recorded for EXPR: each node's operation (pow, log, mul, ...) next to
    PyTorch's node name (PowBackward0, ...), leaves under your variable names, constants marked.
    A node used twice is drawn once and referred to after. Long chains are folded.

      --saved    what each node saved for backward (and whether backward() freed it)
      --dot      Graphviz text (paste into `dot -Tsvg`)
      --mermaid  Mermaid text (for Markdown notes)
      --depth N  how many levels to draw (default 12)
      --save FILE  also save it: FILE.txt as text, FILE.html or FILE.svg in colour

    Example: x = torch.tensor(2.0, requires_grad=True); y = torch.log(x**2)*torch.sin(x) + 1/x
             %graph y
    """
    from tutor import render_autograd  # noqa: F401 - registers the renderers

    expr, opts = parse(args, flags=("saved", "dot", "mermaid"), valued=("depth", "save"))
    usage = "%graph EXPR [--saved] [--dot|--mermaid] [--depth N] [--save FILE]"
    if opts.get("dot") and opts.get("mermaid"):
        raise CommandError("choose one of --dot and --mermaid")
    depth = None
    if "depth" in opts:
        try:
            depth = int(opts["depth"])
        except ValueError:
            raise CommandError(f"--depth needs a whole number, not {opts['depth']!r}") from None
        if depth < 0:
            raise CommandError("--depth must be 0 or more")
    tensor = _tensor_expr(session, expr, usage)
    graph = make_graph(tensor, session.learner_tensors(), _short_title(expr), saved=bool(opts.get("saved")),
                       dot=bool(opts.get("dot")), mermaid=bool(opts.get("mermaid")), depth=depth)
    if opts.get("save"):  # the graph as shown, and a line that says where it went
        from tutor.commands.plot import save_note
        from tutor.plot import Figures
        from tutor.render import to_renderable

        return Figures([graph, save_note(to_renderable(graph), opts["save"], "graph")])
    return graph


@command("trace", "backpropagation step by step: the chain rule at every node (D2L 2.5)",
         usage="%trace EXPR [--gradient V] [--forward]", group=GROUP)
def trace_command(session, args: str):
    """Walk the backward pass of EXPR node by node, in the order autograd runs it: the gradient
    arriving, the local derivative (symbols and numbers), the gradient leaving to each input, and
    finally each leaf's gradient. Your .grad values and graph are left untouched.

      --gradient V  for a non-scalar EXPR: the v of EXPR.backward(gradient=v)
      --forward     forward mode instead: replays EXPR's formula with dual numbers
    """
    from tutor import render_autograd  # noqa: F401

    expr, opts = parse(args, flags=("forward",), valued=("gradient",))
    usage = "%trace EXPR [--gradient V] [--forward]"
    tensor = _tensor_expr(session, expr, usage)
    if opts.get("forward"):
        if "gradient" in opts:
            raise CommandError("--gradient is for the backward pass; --forward takes no gradient")
        if tensor.grad_fn is None:
            raise CommandError(f"{expr} has no graph: compute it from a tensor with requires_grad=True")
        return replay_forward(session, expr, tensor)
    gradient = session.eval_expr(opts["gradient"], "gradient") if "gradient" in opts else None
    return make_trace(tensor, session.learner_tensors(), _short_title(expr), gradient)


@command("forward", "forward-mode derivative with dual numbers, x to f (D2L 2.5 ex. 7-8)",
         usage="%forward FUNC POINT", group=GROUP)
def forward_command(session, args: str):
    """Evaluate FUNC at POINT with dual numbers (torch.autograd.forward_ad): every operation's
    value and tangent from x to f, the derivative it gives, and the same by reverse mode.
    Example: %forward f 2.0
    """
    from tutor import render_autograd  # noqa: F401

    positional, _ = parse(args)
    name, func, point = _func_and_point(session, positional, "%forward FUNC POINT")
    return make_forward(func, point, name)


@command("check", "is this derivative right? autograd vs finite difference vs sympy (D2L 2.4)",
         usage="%check FUNC POINT [--expect EXPR]", group=GROUP)
def check_command(session, args: str):
    """Compare autograd's derivative of FUNC at POINT with a float64 central difference and, when
    sympy can express FUNC, the symbolic derivative. --expect EXPR compares your own formula
    (written in FUNC's parameter name) with a tolerance, e.g.
      %check f 2.0 --expect 2*torch.sin(x)/x + torch.log(x**2)*torch.cos(x) - 1/x**2
    """
    from tutor import calculus
    from tutor import render_autograd  # noqa: F401

    positional, opts = parse(args, valued=("expect",))
    name, func, point = _func_and_point(session, positional, "%check FUNC POINT [--expect EXPR]")
    return calculus.check(func, point, expect=opts.get("expect"), name=name, namespace=session.namespace)


@command("jacobian", "the full Jacobian, one backward(gradient=eᵢ) per row (D2L 2.5.2)",
         usage="%jacobian FUNC POINT", group=GROUP)
def jacobian_command(session, args: str):
    """The Jacobian of FUNC at POINT, built the way backward(gradient=v) works: each row is a
    vector-Jacobian product with a one-hot v. Example: %jacobian f torch.tensor([1.0, 2.0])"""
    from tutor import calculus
    from tutor import render_autograd  # noqa: F401

    positional, _ = parse(args)
    name, func, point = _func_and_point(session, positional, "%jacobian FUNC POINT")
    return calculus.jacobian(func, point, name=name)


@command("hessian", "second derivatives: create_graph=True, then one pass per row (D2L 2.5 ex. 1)",
         usage="%hessian FUNC POINT", group=GROUP)
def hessian_command(session, args: str):
    """The Hessian of a scalar FUNC at POINT: one backward pass with create_graph=True gives the
    gradient as a graph of its own, then one more pass per input gives each row."""
    from tutor import calculus
    from tutor import render_autograd  # noqa: F401

    positional, _ = parse(args)
    name, func, point = _func_and_point(session, positional, "%hessian FUNC POINT")
    return calculus.hessian(func, point, name=name)


# -- the namespace twins ---------------------------------------------------------------------------


def _caller_globals() -> dict:
    """The globals of the code that called a namespace function (the learner's namespace)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__") in (__name__, "functools"):
        frame = frame.f_back
    return frame.f_globals if frame is not None else {}


def _name_in(scope: dict, obj, default: str) -> str:
    for key, value in scope.items():
        if value is obj and not key.startswith("_"):
            return key
    return default


def _friendly(func):
    """Namespace functions raise ValueError (not the tutor's CommandError) with the same sentence."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from tutor import render_autograd  # noqa: F401

        try:
            return func(*args, **kwargs)
        except CommandError as exc:
            raise ValueError(str(exc)) from None

    return wrapper


@namespace_function("graph")
@_friendly
def graph(tensor, *, saved: bool = False, dot: bool = False, mermaid: bool = False, depth: int | None = None):
    """Show the computation graph behind `tensor` (like %graph). Returns a Graph (or dot/mermaid text)."""
    from tutor import graph as G

    scope = _caller_globals()
    title = _name_in(scope, tensor, "the tensor")
    _, pairs = G.names_from_namespace(scope)
    return make_graph(tensor, pairs, title, saved=saved, dot=dot, mermaid=mermaid, depth=depth)


@namespace_function("trace")
@_friendly
def trace(tensor, gradient=None):
    """Walk the backward pass from `tensor` step by step (like %trace); .grad is not touched."""
    from tutor import graph as G

    scope = _caller_globals()
    title = _name_in(scope, tensor, "the tensor")
    _, pairs = G.names_from_namespace(scope)
    return make_trace(tensor, pairs, title, gradient)


@namespace_function("forward")
@_friendly
def forward(func, point):
    """Forward mode with dual numbers: each operation's value and tangent (like %forward)."""
    return make_forward(func, point, _name_in(_caller_globals(), func, None) if callable(func) else None)


@namespace_function("check")
@_friendly
def check(func, point, expect=None):
    """Autograd vs finite difference vs sympy at `point` (like %check). `expect`: a formula string
    in the function's parameter name, a function, or a number."""
    from tutor import calculus

    scope = _caller_globals()
    return calculus.check(func, point, expect=expect, name=_name_in(scope, func, None), namespace=scope)


@namespace_function("jacobian")
@_friendly
def jacobian(func, point):
    """The Jacobian of `func` at `point`, one backward pass per output row (like %jacobian)."""
    from tutor import calculus

    return calculus.jacobian(func, point, name=_name_in(_caller_globals(), func, None))


@namespace_function("hessian")
@_friendly
def hessian(func, point):
    """The Hessian of a scalar `func` at `point` (like %hessian)."""
    from tutor import calculus

    return calculus.hessian(func, point, name=_name_in(_caller_globals(), func, None))
