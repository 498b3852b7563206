"""What a diagnosis rule may look at: the outcome, its AST, the namespace and the session's history.

Nothing here runs the learner's code. `Context.value(node)` evaluates only side-effect-free
expressions (names, attributes of tensors and modules, constants, arithmetic, and calls of pure
torch functions and tensor methods) with grad mode off and warnings silenced, so a rule can ask
"what shape does `5 * torch.exp(x)` have?" without changing anything.
"""

from __future__ import annotations

import ast
import functools
import linecache
import re
import types
import warnings
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Iterator

from tutor import torchload
from tutor.hints.catalog import entry
from tutor.outcome import Hint

# torch functions and tensor methods the safe evaluator refuses (state, randomness, graph work).
_UNSAFE_PARTS = ("rand", "normal", "bernoulli", "multinomial", "poisson", "dropout", "seed", "save",
                 "load", "set_", "backward", "autograd", "hook", "retain_grad", "numpy", "share_memory",
                 "requires_grad_", "register", "empty", "cuda", "pin_memory", "item", "tolist", "func")
_TENSOR_ATTRS = {"shape", "dtype", "requires_grad", "is_leaf", "grad_fn", "T", "mT", "ndim", "device",
                 "data", "real", "imag"}
FACTORIES = {"tensor", "arange", "linspace", "logspace", "ones", "zeros", "full", "eye", "randn",
             "rand", "empty", "ones_like", "zeros_like", "full_like", "randn_like", "rand_like",
             "normal", "randint", "as_tensor", "from_numpy"}
GRAD_CONTEXTS = {"no_grad": "no_grad", "inference_mode": "inference_mode",
                 "set_grad_enabled": "no_grad", "enable_grad": "enable_grad"}


class Unknown(Exception):
    """The safe evaluator will not (or cannot) evaluate this expression."""


@dataclass
class Stmt:
    """One statement the learner ran, in order, with where it ran."""

    node: ast.stmt
    index: int  # the input number (Outcome.index)
    source: str  # the whole input it belongs to
    order: int  # position in the session's sequence of statements
    contexts: tuple[str, ...] = ()  # "no_grad", "inference_mode", "loop", ...
    current: bool = False  # part of the input being diagnosed

    def src(self, node: ast.AST | None = None) -> str:
        return source_of(node or self.node, self.source)


@dataclass
class Assignment:
    """Where a name got its current value."""

    name: str
    stmt: Stmt
    value: ast.expr | None  # the right-hand side (None for `for name in ...`)
    unpacked: bool = False  # `(a,) = ...` or `a, b = ...`
    augmented: bool = False


_NEWLINE = re.compile(r"\r\n|\r|\n")


@functools.lru_cache(maxsize=16)
def _source_lines(source: str) -> list[bytes]:
    """The source's lines as UTF-8 bytes (ast's column offsets count bytes), split once per source."""
    return [line.encode("utf-8", "surrogatepass") for line in _NEWLINE.split(source)]


def source_segment(source: str, node: ast.AST) -> str | None:
    """`ast.get_source_segment` without its cost of splitting the whole source on every call (a 1 MB
    line made diagnosis quadratic): lines are split once per source and cached."""
    try:
        first, last = node.lineno - 1, node.end_lineno - 1
        start, end = node.col_offset, node.end_col_offset
    except AttributeError:
        return None
    if None in (first, last, start, end):
        return None
    lines = _source_lines(source)
    if not 0 <= first <= last < len(lines):
        return None
    if first == last:
        return lines[first][start:end].decode("utf-8", "replace")
    parts = [lines[first][start:]] + lines[first + 1:last] + [lines[last][:end]]
    return "\n".join(p.decode("utf-8", "replace") for p in parts)


def source_of(node: ast.AST, source: str | None = None) -> str:
    """The learner's own text for a node (ast.unparse when the text is not available)."""
    text = None
    if source is not None:
        try:
            text = source_segment(source, node)
        except Exception:  # noqa: BLE001
            text = None
    if not text or "\n" in text:
        try:
            text = ast.unparse(node)
        except Exception:  # noqa: BLE001
            text = "?"
    return text


def paren(text: str, node: ast.AST | None = None) -> str:
    """Text usable before `.method()`: parenthesised unless it is a name, call, attribute, ..."""
    simple = (ast.Name, ast.Attribute, ast.Call, ast.Subscript, ast.Constant)
    if node is not None and isinstance(node, simple):
        return text
    if node is None and text.replace(".", "").replace("_", "").isalnum():
        return text
    if text.startswith("(") and text.endswith(")") and _one_group(text):
        return text
    return f"({text})"


def _one_group(text: str) -> bool:
    """Whether the first "(" of `text` closes at its last character: `(x + 1)`, not `(a) + (b)`."""
    depth, quote = 0, None
    for i, ch in enumerate(text):
        if quote is not None:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0 and i < len(text) - 1:
                return False
    return depth == 0


def dotted(node: ast.AST) -> str | None:
    """'torch.autograd.grad' for an Attribute chain of Names, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def call_name(call: ast.AST) -> str:
    """The last part of a call's function name ('backward' for y.sum().backward())."""
    if not isinstance(call, ast.Call):
        return ""
    f = call.func
    if isinstance(f, ast.Attribute):
        return f.attr
    if isinstance(f, ast.Name):
        return f.id
    return ""


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def is_true(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def names_in(node: ast.AST) -> list[str]:
    """Names loaded in an expression, in order, without repeats."""
    seen: list[str] = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and sub.id not in seen:
            seen.append(sub.id)
    return seen


def parse_line(line: str | None) -> ast.Module | None:
    """Parse one source line; block headers (`if x > 0:`) get a `pass` body."""
    if not line:
        return None
    text = line.strip()
    for candidate in (text, text + "\n    pass", text.rstrip(":") + ":\n    pass"):
        try:
            return ast.parse(candidate)
        except SyntaxError:
            continue
    return None


def _grad_context(with_node: ast.With) -> str | None:
    for item in with_node.items:
        expr = item.context_expr
        call = expr if isinstance(expr, ast.Call) else None
        name = dotted(call.func if call else expr) or ""
        last = name.rsplit(".", 1)[-1]
        if last in GRAD_CONTEXTS:
            if last == "set_grad_enabled" and call and call.args and is_true(call.args[0]):
                continue
            return GRAD_CONTEXTS[last]
    return None


def flatten(body: list[ast.stmt], contexts: tuple[str, ...] = ()) -> Iterator[tuple[ast.stmt, tuple]]:
    """Statements in execution order with their enclosing contexts (function bodies excluded)."""
    for node in body:
        yield node, contexts
        if isinstance(node, (ast.With, ast.AsyncWith)):
            ctx = _grad_context(node)
            yield from flatten(node.body, contexts + ((ctx,) if ctx else ()))
        elif isinstance(node, (ast.For, ast.While, ast.AsyncFor)):
            yield from flatten(node.body, contexts + ("loop",))
            yield from flatten(node.orelse, contexts)
        elif isinstance(node, ast.If):
            yield from flatten(node.body, contexts)
            yield from flatten(node.orelse, contexts)
        elif isinstance(node, ast.Try):
            for part in (node.body, *[h.body for h in node.handlers], node.orelse, node.finalbody):
                yield from flatten(part, contexts)


def assigned_names(target: ast.AST) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for elt in target.elts for n in assigned_names(elt)]
    if isinstance(target, ast.Starred):
        return assigned_names(target.value)
    return []


def inplace_target(node: ast.stmt) -> tuple[str, str] | None:
    """(name, kind) when a statement changes a named tensor in place: `y += 1`, `y[0] = 0`, `y.mul_(2)`."""
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        return node.target.id, "augassign"
    if isinstance(node, ast.Assign):
        for t in node.targets:
            if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name):
                return t.value.id, "setitem"
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        f = node.value.func
        if (isinstance(f, ast.Attribute) and f.attr.endswith("_") and not f.attr.startswith("_")
                and f.attr != "requires_grad_" and isinstance(f.value, ast.Name)):
            return f.value.id, "method"
    return None


class Context:
    """Everything a rule may look at for one outcome."""

    _scope: dict | None = None  # while value() reads a node of a function's failing line: its locals

    def __init__(self, scene, outcome):
        self.scene = scene  # a tutor.hints.Scene: namespace, history, state (what the Session handed in)
        self.outcome = outcome
        self.ns: dict = scene.namespace
        self.error = outcome.error
        self.torch = torchload.loaded()  # None while torch is still importing

    # -- the input and the error -------------------------------------------------------------

    @cached_property
    def tree(self) -> ast.Module | None:
        try:
            return ast.parse(self.outcome.input)
        except (SyntaxError, ValueError):
            return None

    @property
    def source(self) -> str:
        return self.outcome.input

    def error_is(self, types_: str | tuple[str, ...], *phrases: str) -> bool:
        """The error's type is one of `types_` and its message contains one of `phrases`."""
        if self.error is None:
            return False
        if isinstance(types_, str):
            types_ = (types_,)
        if self.error.type not in types_:
            return False
        message = (self.error.message or "").lower()
        return not phrases or any(p.lower() in message for p in phrases)

    @cached_property
    def error_tree(self) -> ast.Module | None:
        """The innermost learner line where the error happened, parsed."""
        if self.error is None:
            return None
        return parse_line(self.error.line)

    @cached_property
    def learner_frames(self) -> list:
        """(frame, line number) of each frame of the error's traceback that runs the learner's code (an input,
        a cell, a function they defined), outermost first, at most 50."""
        exc = getattr(self.error, "exc", None) if self.error is not None else None
        tb, found = getattr(exc, "__traceback__", None), []
        while tb is not None and len(found) < 50:
            if self.input_of_file(tb.tb_frame.f_code.co_filename) is not None:
                found.append((tb.tb_frame, tb.tb_lineno))
            tb = tb.tb_next
        return found

    @cached_property
    def error_locals(self) -> dict:
        """The locals of the innermost learner frame of the error when it is a function's (the names on its
        failing line are that function's), else {}. Read from the traceback; no learner code runs."""
        if not self.learner_frames or self.learner_frames[-1][0].f_code.co_name == "<module>":
            return {}
        try:
            return dict(self.learner_frames[-1][0].f_locals)
        except Exception:  # noqa: BLE001
            return {}

    @cached_property
    def _error_line_nodes(self) -> frozenset[int]:
        """ids of the failing line's nodes when that line is a function's (see error_locals)."""
        if not self.error_locals or self.error_tree is None:
            return frozenset()
        return frozenset(id(n) for n in ast.walk(self.error_tree))

    @property
    def error_source(self) -> str:
        return (self.error.line or "").strip() if self.error else ""

    def error_nodes(self) -> list[ast.AST]:
        """Every node of the failing line (or of the whole input when the line is unknown)."""
        tree = self.error_tree or self.tree
        return list(ast.walk(tree)) if tree is not None else []

    def error_src(self, node: ast.AST) -> str:
        source = self.error_source if self.error_tree is not None else self.source
        return source_of(node, source)

    @property
    def in_function(self) -> bool:
        """True when the error happened inside a function (so names may be its locals)."""
        return bool(self.error and len(self.error.frames) > 1)

    # -- history -----------------------------------------------------------------------------

    def _parsed(self, outcome) -> ast.Module | None:
        cache = self.scene.state.setdefault("hints.parsed", {})
        key = (outcome.index, outcome.input)
        if key not in cache:
            try:
                cache[key] = ast.parse(outcome.input)
            except (SyntaxError, ValueError):
                cache[key] = None
            if len(cache) > 1000:
                cache.pop(next(iter(cache)))
        return cache[key]

    def past_outcomes(self) -> list:
        """Code outcomes since the last %reset, oldest first (the current one excluded)."""
        past = []
        for o in reversed(self.scene.history):
            if o.kind == "command" and o.input.strip().split()[:1] == ["%reset"] and o.ok:
                break
            if o.kind == "code":
                past.append(o)
        return list(reversed(past))

    def _flat(self, o) -> list[tuple[ast.stmt, tuple]]:
        """(statement, contexts) of outcome `o` in execution order, up to the line that failed.

        Cached for past outcomes: every input's diagnosis looks at the whole history, and parsing
        and flattening it again each time made `run` quadratic (tests/benchmarks/run.py)."""
        current = o is self.outcome
        cache = self.scene.state.setdefault("hints.flat", {})
        key = (o.index, o.input)
        if not current and key in cache:
            return cache[key]
        tree = self.tree if current else self._parsed(o)
        flat: list[tuple[ast.stmt, tuple]] = []
        if tree is not None:
            cutoff = None
            if o.error is not None and o.error.frames:
                cutoff = o.error.frames[0][1]
            flat = [(node, contexts) for node, contexts in flatten(tree.body)
                    if cutoff is None or node.lineno <= cutoff]
        if not current:
            cache[key] = flat
            if len(cache) > 1000:
                cache.pop(next(iter(cache)))
        return flat

    @cached_property
    def _past(self) -> list:
        return self.past_outcomes()

    @cached_property
    def current_stmts(self) -> list[Stmt]:
        """The statements of the input being diagnosed: the end of `stmts`, same order numbers."""
        cache = self.scene.state.get("hints.flat", {})
        start = 0
        for o in self._past:
            flat = cache.get((o.index, o.input))
            start += len(flat if flat is not None else self._flat(o))
        return [Stmt(node, self.outcome.index, self.outcome.input, start + i, contexts, True)
                for i, (node, contexts) in enumerate(self._flat(self.outcome))]

    @cached_property
    def stmts(self) -> list[Stmt]:
        """Every statement run since the last %reset, oldest first, the current input last."""
        result: list[Stmt] = []
        for o in self._past:
            for node, contexts in self._flat(o):
                result.append(Stmt(node, o.index, o.input, len(result), contexts, False))
        result.extend(self.current_stmts)
        return result

    def assignment(self, name: str, before: int | None = None) -> Assignment | None:
        """The latest statement (before position `before`) that gave `name` a value."""
        for stmt in reversed(self.stmts):
            if before is not None and stmt.order >= before:
                continue
            node = stmt.node
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    names = assigned_names(target)
                    if name in names:
                        return Assignment(name, stmt, node.value, unpacked=not isinstance(target, ast.Name))
            elif isinstance(node, ast.AnnAssign) and assigned_names(node.target) == [name]:
                return Assignment(name, stmt, node.value)
            elif isinstance(node, ast.AugAssign) and assigned_names(node.target) == [name]:
                return Assignment(name, stmt, node.value, augmented=True)
            elif isinstance(node, (ast.For, ast.AsyncFor)) and name in assigned_names(node.target):
                return Assignment(name, stmt, None)
            elif isinstance(node, (ast.With,)):
                for item in node.items:
                    if item.optional_vars is not None and name in assigned_names(item.optional_vars):
                        return Assignment(name, stmt, None)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)):
                defined = [node.name] if hasattr(node, "name") else [
                    (a.asname or a.name).split(".")[0] for a in node.names]
                if name in defined:
                    return Assignment(name, stmt, None)
        return None

    def backward_calls(self, node: ast.AST) -> list[tuple[ast.Call, ast.expr | None, str]]:
        """(call, target, kind) for `t.backward(...)` ("backward") and `torch.autograd.grad(t, ...)` ("grad")."""
        found = []
        for sub in ast.walk(node):
            if not isinstance(sub, ast.Call):
                continue
            name = dotted(sub.func) or ""
            if isinstance(sub.func, ast.Attribute) and sub.func.attr == "backward" and not name.endswith(
                    "autograd.backward"):
                found.append((sub, sub.func.value, "backward"))
            elif name.endswith("autograd.grad") or name == "grad" and self.ns.get("grad") is getattr(
                    getattr(self.torch, "autograd", None), "grad", object()):
                target = sub.args[0] if sub.args else keyword(sub, "outputs")
                found.append((sub, target, "grad"))
            elif name.endswith("autograd.backward"):
                target = sub.args[0] if sub.args else keyword(sub, "tensors")
                found.append((sub, target, "backward"))
        return found

    def failing_backward(self) -> tuple[ast.Call, ast.expr | None, str, str] | None:
        """The backward/grad call on the failing line: (call, target, kind, target text)."""
        for tree, src in ((self.error_tree, self.error_source), (self.tree, self.source)):
            if tree is None:
                continue
            calls = self.backward_calls(tree)
            if calls:
                call, target, kind = calls[-1]
                return call, target, kind, source_of(target, src) if target is not None else "?"
        return None

    # -- which earlier input (a notebook's cells run out of order) -----------------------------------

    def input_name(self, index: int) -> str:
        """How the front names input `index` ("In [3]" in a notebook); "" when its inputs are unnumbered."""
        label = getattr(self.scene, "input_label", None)
        return label(index) if label is not None and index else ""

    def earlier_backward(self, name: str) -> int | None:
        """The index of the earlier input whose backward pass through `name` freed its graph.

        None when the backward that freed it ran in this input, when `name` was bound again after it,
        or when no statement run at top level shows it (a call inside a function is not followed)."""
        cutoffs = {(o.index, o.input): o.error.frames[0][1] for o in [*self._past, self.outcome]
                   if o.error is not None and o.error.frames}
        compound = (ast.For, ast.AsyncFor, ast.While, ast.If, ast.With, ast.AsyncWith, ast.Try,
                    ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        for stmt in reversed(self.stmts):
            node = stmt.node
            if isinstance(node, compound):
                continue  # a block's statements come on their own; a definition runs nothing
            cutoff = cutoffs.get((stmt.index, stmt.source))
            if cutoff is not None and node.lineno <= cutoff <= (node.end_lineno or node.lineno):
                continue  # the statement that raised did not finish
            if any(target is not None and names_in(target)[:1] == [name]
                   for _, target, _ in self.backward_calls(node)):
                return None if stmt.current else stmt.index
            targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            if any(t is not None and name in assigned_names(t) for t in targets):
                return None  # bound again since
        return None

    def earlier_grad_change(self, name: str):
        """The latest earlier input that left a gradient in `name`.grad."""
        for o in reversed(self._past):
            if any(g.name == name and g.new is not None for g in o.gradients):
                return o
        return None

    # -- learner functions --------------------------------------------------------------------

    def input_of_file(self, filename: str) -> int | None:
        """The input (or notebook cell) whose code has this filename; None when it is not the learner's."""
        from tutor.hints import input_of_file

        resolve = getattr(self.scene, "code_index", None) or input_of_file
        try:
            found = resolve(filename)
        except Exception:  # noqa: BLE001 - a front's lookup must not break diagnosis
            return None
        return found if isinstance(found, int) else None

    def function_def(self, func) -> tuple[ast.FunctionDef, str] | None:
        """The AST and source of a function the learner defined in the tutor (or in a notebook cell)."""
        code = getattr(func, "__code__", None)
        if code is None or self.input_of_file(code.co_filename) is None:
            return None
        source = "".join(linecache.getlines(code.co_filename))
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            return None
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.Lambda)):
                continue
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            if code.co_firstlineno in (node.lineno, first):  # decorated: the code starts at the decorator
                if isinstance(node, ast.FunctionDef) and node.name != func.__name__:
                    continue
                return node, source
        return None

    def called_functions(self, node: ast.AST) -> list[tuple[ast.Call, ast.FunctionDef, str]]:
        """Learner-defined functions called in `node`: (call, def, def source)."""
        found = []
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name):
                func = self.ns.get(sub.func.id)
                if isinstance(func, types.FunctionType):
                    fd = self.function_def(func)
                    if fd is not None and isinstance(fd[0], ast.FunctionDef):
                        found.append((sub, fd[0], fd[1]))
        return found

    # -- values -------------------------------------------------------------------------------

    def is_tensor(self, obj) -> bool:
        return self.torch is not None and isinstance(obj, self.torch.Tensor)

    def tensor(self, name: str):
        value = self.ns.get(name)
        return value if self.is_tensor(value) else None

    def requires_grad_names(self, node: ast.AST) -> list[str]:
        """Names in `node` that hold tensors requiring grad."""
        return [n for n in names_in(node) if (t := self.tensor(n)) is not None and t.requires_grad]

    def grad_of(self, t):
        """t.grad without the non-leaf warning."""
        if t.is_leaf or t.retains_grad:
            return t.grad
        return None

    def value(self, node: ast.AST) -> Any:
        """Evaluate a side-effect-free expression; raises Unknown otherwise."""
        if self.torch is None:
            raise Unknown
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with self.torch.no_grad():
                # a node of a function's failing line: its names are that function's locals first
                scope, self._scope = self._scope, (self.error_locals if id(node) in self._error_line_nodes else None)
                try:
                    return self._value(node, 0)
                except Unknown:
                    raise
                except Exception as exc:  # noqa: BLE001 - a failed evaluation is just unknown
                    raise Unknown from exc
                finally:
                    self._scope = scope

    def try_value(self, node: ast.AST, default=None):
        try:
            return self.value(node)
        except Unknown:
            return default

    def _value(self, node: ast.AST, depth: int) -> Any:
        if depth > 30:
            raise Unknown
        torch = self.torch
        ev = lambda n: self._value(n, depth + 1)  # noqa: E731
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if self._scope is not None and node.id in self._scope:
                return self._scope[node.id]
            if node.id in self.ns:
                return self.ns[node.id]
            raise Unknown
        if isinstance(node, ast.Attribute):
            base = ev(node.value)
            if isinstance(base, torch.Tensor):
                if node.attr == "grad":
                    return self.grad_of(base)
                if node.attr in _TENSOR_ATTRS:
                    return getattr(base, node.attr)
                if self._safe_name(node.attr) and callable(getattr(torch.Tensor, node.attr, None)):
                    return getattr(base, node.attr)
                raise Unknown
            if isinstance(base, types.ModuleType):
                return getattr(base, node.attr)
            if isinstance(base, (torch.dtype, torch.Size)) or type(base).__module__.startswith("torch"):
                if node.attr.startswith("_"):
                    raise Unknown
                return getattr(base, node.attr)
            raise Unknown
        if isinstance(node, (ast.Tuple, ast.List)):
            items = [ev(e) for e in node.elts]
            return tuple(items) if isinstance(node, ast.Tuple) else items
        if isinstance(node, ast.Subscript):
            base = ev(node.value)
            if not isinstance(base, (torch.Tensor, tuple, list, torch.Size)):
                raise Unknown
            return base[self._index(node.slice, depth)]
        if isinstance(node, ast.BinOp):
            left, right = ev(node.left), ev(node.right)
            self._check_operands(left, right)
            op = _BINOPS.get(type(node.op))
            if op is None or isinstance(node.op, ast.Pow) and isinstance(right, int) and abs(right) > 64:
                raise Unknown
            return op(left, right)
        if isinstance(node, ast.UnaryOp):
            operand = ev(node.operand)
            self._check_operands(operand)
            if isinstance(node.op, ast.USub):
                return -operand
            if isinstance(node.op, ast.UAdd):
                return +operand
            raise Unknown
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right = ev(node.left), ev(node.comparators[0])
            self._check_operands(left, right)
            op = _CMPOPS.get(type(node.ops[0]))
            if op is None:
                raise Unknown
            return op(left, right)
        if isinstance(node, ast.Call):
            func = self._callable(node.func, depth)
            args = [ev(a) for a in node.args if not isinstance(a, ast.Starred)]
            if any(isinstance(a, ast.Starred) for a in node.args):
                raise Unknown
            kwargs = {k.arg: ev(k.value) for k in node.keywords if k.arg}
            if any(isinstance(a, int) and abs(a) > 10_000_000 for a in args):
                raise Unknown
            return func(*args, **kwargs)
        raise Unknown

    def _index(self, node: ast.AST, depth: int):
        if isinstance(node, ast.Slice):
            parts = [self._value(p, depth + 1) if p is not None else None
                     for p in (node.lower, node.upper, node.step)]
            return slice(*parts)
        if isinstance(node, ast.Tuple):
            return tuple(self._index(e, depth) for e in node.elts)
        return self._value(node, depth + 1)

    def _check_operands(self, *values) -> None:
        import numbers

        for v in values:
            if not isinstance(v, (self.torch.Tensor, numbers.Number)):
                raise Unknown
            if isinstance(v, self.torch.Tensor) and v.numel() > 10_000_000:
                raise Unknown

    @staticmethod
    def _safe_name(name: str) -> bool:
        return not name.endswith("_") and not name.startswith("_") and not any(
            part in name for part in _UNSAFE_PARTS)

    def _callable(self, func_node: ast.AST, depth: int):
        if isinstance(func_node, ast.Name) and func_node.id == "len" and "len" not in self.ns:
            return len
        func = self._value(func_node, depth + 1)
        name = getattr(func, "__name__", "") or ""
        if not self._safe_name(name):
            raise Unknown
        module = getattr(func, "__module__", None) or ""
        if isinstance(func, types.MethodType) or type(func).__name__ in (
                "builtin_function_or_method", "method-wrapper"):
            owner = getattr(func, "__self__", None)
            if self.is_tensor(owner) or isinstance(owner, types.ModuleType) and owner.__name__.startswith("torch"):
                return func
        if module.startswith("torch") and not module.startswith(("torch.autograd", "torch.func", "torch.nn")):
            return func
        if func in (len,):
            return func
        raise Unknown

    # -- hints --------------------------------------------------------------------------------

    def hint(self, hint_id: str, explanation: str, fix: str = "", candidates=None, words: str = "") -> Hint:
        """A Hint; `candidates` (tutor.hints.fixes.Candidate, best first) are tried before `fix` is shown,
        `fix` itself is the last thing tried, and `words` says what to change when none passes."""
        e = entry(hint_id)
        hint = Hint(hint_id, e.title, explanation.strip(), fix.strip(), e.section, e.example, fix_words=words)
        hint.candidates = [c for c in candidates or [] if c is not None]
        return hint

    # -- where edits go -----------------------------------------------------------------------

    def source_of_input(self, index: int) -> str | None:
        """The text of input `index` (this one or an earlier one)."""
        if index == self.outcome.index:
            return self.outcome.input
        for o in reversed(self.scene.history):
            if o.index == index:
                return o.input
        return None

    def site(self, index: int, lineno: int | None = None, col: int | None = None):
        """A fixes.Site for input `index`, at the statement on `lineno` (at column `col`), or None."""
        from tutor.hints.fixes import Site, innermost_stmt, stmts_on_line

        source = self.source_of_input(index)
        if source is None:
            return None
        tree = self.tree if index == self.outcome.index else self._parsed_text(source)
        if tree is None:
            return None
        stmt = None
        if lineno is not None:
            same = stmts_on_line(tree, lineno)
            if col is not None and len(same) > 1:
                stmt = next((s for s in same if s.col_offset <= col < s.end_col_offset), None)
            stmt = stmt or (same[-1] if same else innermost_stmt(tree, lineno))
        elif tree.body:
            stmt = tree.body[-1]
        return Site(index, source, tree, stmt)

    @staticmethod
    def _parsed_text(source: str):
        try:
            return ast.parse(source)
        except (SyntaxError, ValueError):
            return None

    @cached_property
    def error_site(self):
        """The Site of the innermost learner frame of the error (which may be an earlier input's function)."""
        if self.error is None or self.error.exc is None:
            return None
        import traceback

        mine = self.error.frames[-1] if self.error.frames else None
        frames = [f for f in traceback.extract_tb(self.error.exc.__traceback__)
                  if self.input_of_file(f.filename) is not None or mine is not None and (f.name, f.lineno) == mine[:2]]
        if not frames:
            return None
        last = frames[-1]
        index = self.input_of_file(last.filename)
        if index is None:
            # another front ran the code and did not name its files: the current input, or a function it defined
            if last.name == "<module>":
                return self.site(self.outcome.index, last.lineno, getattr(last, "colno", None))
            func = self.ns.get(last.name)
            index = self.input_of_file(getattr(getattr(func, "__code__", None), "co_filename", ""))
        if index is None:
            return None
        return self.site(index, last.lineno, getattr(last, "colno", None))

    @cached_property
    def current_site(self):
        """The Site of this input at its last statement (for silent mistakes)."""
        return self.site(self.outcome.index)

    def site_of(self, stmt: Stmt):
        """The Site of a Stmt from the history (its own input), pointing at that statement."""
        site = self.site(stmt.index)
        if site is None:
            return None
        for node in ast.walk(site.tree):
            if isinstance(node, ast.stmt) and node.lineno == stmt.node.lineno and \
                    node.col_offset == stmt.node.col_offset and type(node) is type(stmt.node):
                site.stmt = node
                return site
        return None


import operator  # noqa: E402

_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
           ast.Pow: operator.pow, ast.MatMult: operator.matmul, ast.FloorDiv: operator.floordiv,
           ast.Mod: operator.mod}
_CMPOPS = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
           ast.Gt: operator.gt, ast.GtE: operator.ge}
