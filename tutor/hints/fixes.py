"""Candidate fixes: edits of the learner's inputs that a hint may show once they were tried.

A rule attaches an ordered list of `Candidate`s to its Hint (the learner's statement rewritten, a
line inserted, an earlier input corrected); `prove` tries them, in order, through the `try_fix`
the Session handed in (a copy of the session, see tutor.verify) and keeps the first that clears the
mistake: `hint.fix` is its code, `hint.verified` is True and `hint.replaces` the exact edit. When
none passes, `hint.fix` is empty and `hint.fix_words` says what to change. `hint.tried` lists the
candidates that failed and why (shown by %explain).

The text helpers edit an input by the positions of its AST nodes, so the learner's own text is kept
everywhere except in the part that changes.
"""

from __future__ import annotations

import ast
import io
import textwrap
import time
import tokenize
from dataclasses import dataclass, field
from typing import Callable

MAX_TRIES = 4  # candidates tried per hint (each is a fork of the session)
SHOWN_LINES = 12  # a loop edited inside is shown whole up to this many lines


@dataclass
class Candidate:
    """One possible fix: the code to show and the edit it stands for."""

    shown: str  # the code shown under "fix:" (the changed statements, in the learner's names)
    replaces: dict[int, str] = field(default_factory=dict)  # {input index: corrected input}
    # what the mistake being gone means beyond "the hint no longer fires": check(copy session, outcome) returns
    # a reason to reject or None, run on the copy after the edited inputs (`y.grad` is no longer None, ...)
    check: Callable | None = field(default=None, compare=False, repr=False)

    def key(self) -> tuple:
        return tuple(sorted(self.replaces.items()))


@dataclass
class Site:
    """An input and a statement in it: where an edit goes."""

    index: int  # the input number (Outcome.index)
    source: str  # the whole input
    tree: ast.Module
    stmt: ast.stmt | None = None  # the statement the edit is about

    def segment(self, node: ast.AST) -> str:
        return segment(self.source, node)

    def flush(self, node: ast.AST, text: str | None = None) -> str | None:
        """`text` (default: `node`'s own) moved left as a whole, as it would be typed at the prompt: a
        segment's first line starts at the node, its other lines keep the indentation of the method or
        loop body they come from."""
        text = self.segment(node) if text is None else text
        if text is None:
            return None
        return textwrap.dedent(" " * getattr(node, "col_offset", 0) + text).strip()

    def replace(self, node: ast.AST, new_code: str) -> Candidate | None:
        """The statement `node` (default: self.stmt) replaced by `new_code` (one or more statements). Inside a
        top-level loop, `with` or `if`, the code shown is that whole statement as edited (up to SHOWN_LINES
        lines): the changed line alone, typed at the prompt, would run once, outside the loop."""
        text = replace_stmt(self.source, node, new_code)
        if text is None:
            return None
        return Candidate(self.in_context(node, text) or new_code.strip(), {self.index: text})

    def in_context(self, node: ast.AST, text: str) -> str:
        """The top-level loop, `with`, `if` or class holding `node`, as it reads in the edited `text` ("" when
        `node` is not inside one, or it is longer than SHOWN_LINES): a method's line alone, typed at the
        prompt, would define nothing in the class."""
        top = next((t for t in getattr(self.tree, "body", []) if t is not node and isinstance(
            t, (ast.For, ast.While, ast.With, ast.If, ast.ClassDef)) and any(sub is node for sub in ast.walk(t))), None)
        if top is None:
            return ""
        old_lines, new_lines = self.source.splitlines(), text.splitlines()
        delta = len(new_lines) - len(old_lines)
        block = new_lines[top.lineno - 1:top.end_lineno + delta]
        return "\n".join(block).strip("\n") if 0 < len(block) <= SHOWN_LINES else ""

    def insert_before(self, node: ast.AST, new_code: str, shown: str | None = None) -> Candidate | None:
        text = insert_before(self.source, node, new_code)
        if text is None:
            return None
        return Candidate((shown or self.in_context(node, text) or f"{new_code.strip()}\n{self.flush(node)}").strip(),
                         {self.index: text})

    def insert_after(self, node: ast.AST, new_code: str, shown: str | None = None) -> Candidate | None:
        """`new_code` right after the statement `node` (same indentation); shows `node`'s text, then it."""
        text = insert_after(self.source, node, new_code)
        if text is None:
            return None
        return Candidate((shown or self.in_context(node, text) or f"{self.flush(node)}\n{new_code.strip()}").strip(),
                         {self.index: text})

    def splice(self, node: ast.AST, new_text: str, shown_node: ast.AST | None = None) -> Candidate | None:
        """The expression `node` replaced by `new_text`; shows the statement that holds it."""
        text = splice(self.source, node, new_text)
        if text is None:
            return None
        holder = shown_node or self.stmt
        shown = new_text
        if holder is not None:
            shown = self.in_context(holder, text) or self.flush(holder, splice(
                self.segment(holder), _shift(node, holder), new_text)) or new_text
        return Candidate(shown.strip(), {self.index: text})

    def replace_all(self, edits: list[tuple[ast.stmt, str]]) -> Candidate | None:
        """Several statements replaced at once (applied from the last up, so earlier positions stay valid);
        shows the top-level loop holding the first (as replace does), else the new code in source order."""
        ordered = sorted(edits, key=lambda e: (e[0].lineno, e[0].col_offset))
        text = self.source
        for node, code in reversed(ordered):
            text = replace_stmt(text, node, code) if text is not None else None
        if text is None or not ordered:
            return None
        shown = self.in_context(ordered[0][0], text) or "\n".join(code for _, code in ordered)
        return Candidate(shown.strip(), {self.index: text})

    def splice_all(self, edits: list[tuple[ast.AST, str]], shown_node: ast.AST | None = None) -> Candidate | None:
        """Several expressions replaced at once (they must not overlap); shows the statement that holds them."""
        if not edits:
            return None
        ordered = sorted(edits, key=lambda e: (e[0].lineno, e[0].col_offset), reverse=True)
        holder = shown_node or self.stmt
        text = self.source
        for node, new_text in ordered:
            text = splice(text, node, new_text) if text is not None else None
        if text is None:
            return None
        shown = (self.in_context(holder, text) or self.flush(holder, self.text_with(holder, edits))) \
            if holder is not None else None
        return Candidate((shown if shown is not None else text).strip(), {self.index: text})

    def text_with(self, holder: ast.AST, edits: list[tuple[ast.AST, str]]) -> str | None:
        """The text of `holder` with the (non-overlapping) edits of nodes inside it applied."""
        text = self.segment(holder)
        for node, new_text in sorted(edits, key=lambda e: (e[0].lineno, e[0].col_offset), reverse=True):
            text = splice(text, _shift(node, holder), new_text) if text is not None else None
        return text

    def add_argument(self, call: ast.Call, text: str, shown_node: ast.AST | None = None) -> Candidate | None:
        """`text` (an argument such as `retain_graph=True`) added at the end of `call`'s arguments."""
        if any(k.arg == text.split("=", 1)[0] for k in call.keywords if k.arg) and "=" in text:
            return None
        old = self.segment(call)
        if not old.endswith(")"):
            return None
        sep = ", " if call.args or call.keywords else ""
        return self.splice(call, f"{old[:-1]}{sep}{text})", shown_node)


def _shift(node: ast.AST, holder: ast.AST):
    """`node`'s position relative to the start of `holder` (for splicing into holder's own text)."""
    moved = ast.Constant(None)
    moved.lineno = node.lineno - holder.lineno + 1
    moved.end_lineno = node.end_lineno - holder.lineno + 1
    first = holder.col_offset
    moved.col_offset = node.col_offset - (first if node.lineno == holder.lineno else 0)
    moved.end_col_offset = node.end_col_offset - (first if node.end_lineno == holder.lineno else 0)
    return moved


# -- text edits by node position (ast offsets are UTF-8 byte columns) ------------------------------------


def _lines(source: str) -> list[bytes]:
    return source.encode("utf-8").splitlines(keepends=True) or [b""]


def segment(source: str, node: ast.AST) -> str:
    lines = _lines(source)
    try:
        first, last = node.lineno - 1, node.end_lineno - 1
        if first == last:
            return lines[first][node.col_offset:node.end_col_offset].decode("utf-8")
        parts = [lines[first][node.col_offset:]] + lines[first + 1:last] + [lines[last][:node.end_col_offset]]
        return b"".join(parts).decode("utf-8")
    except (AttributeError, IndexError, TypeError, UnicodeDecodeError):
        return ""


def splice(source: str, node: ast.AST, new_text: str) -> str | None:
    """`source` with the exact text of `node` replaced by `new_text`."""
    lines = _lines(source)
    try:
        first, last = node.lineno - 1, node.end_lineno - 1
        head = b"".join(lines[:first]) + lines[first][:node.col_offset]
        tail = lines[last][node.end_col_offset:] + b"".join(lines[last + 1:])
        return (head + new_text.encode("utf-8") + tail).decode("utf-8")
    except (AttributeError, IndexError, TypeError, UnicodeDecodeError):
        return None


def _alone(lines: list[bytes], node: ast.AST) -> bool:
    """Whether `node` has its lines to itself (nothing but spaces before it, a comment at most after)."""
    before = lines[node.lineno - 1][:node.col_offset]
    after = lines[node.end_lineno - 1][node.end_col_offset:].strip()
    return not before.strip() and (not after or after.startswith(b"#"))


def _one_line(code: str) -> str | None:
    """Simple statements joined with '; ' (None when a statement is compound)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    simple = (ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Pass, ast.Delete, ast.Return,
              ast.Import, ast.ImportFrom, ast.Break, ast.Continue)
    if not all(isinstance(s, simple) for s in tree.body):
        return None
    return "; ".join(strip_comments(ast.get_source_segment(code, s) or ast.unparse(s)) for s in tree.body)


def replace_stmt(source: str, node: ast.AST, new_code: str) -> str | None:
    lines = _lines(source)
    try:
        if _alone(lines, node):
            indent = lines[node.lineno - 1][:node.col_offset].decode("utf-8")
            new = "".join(f"{indent}{line}\n" if line.strip() else "\n" for line in new_code.strip("\n").split("\n"))
            end = lines[node.end_lineno - 1]
            tail_comment = end[node.end_col_offset:].rstrip(b"\r\n")
            if tail_comment.strip() and "#" not in new_code.strip().split("\n")[-1]:
                new = new[:-1] + tail_comment.decode("utf-8") + "\n"
            if not end.endswith(b"\n"):
                new = new[:-1]
            return (b"".join(lines[:node.lineno - 1]).decode("utf-8") + new
                    + b"".join(lines[node.end_lineno:]).decode("utf-8"))
        joined = _one_line(new_code)
        return splice(source, node, joined) if joined is not None else None
    except (AttributeError, IndexError, TypeError, UnicodeDecodeError):
        return None


def _indented(indent: str, code: str) -> str:
    return "".join(f"{indent}{line}\n" for line in code.strip("\n").split("\n"))


def _point(lineno: int, col: int) -> ast.AST:
    """A zero-width node at (lineno, col), for splicing text in there."""
    holder = ast.Constant(None)
    holder.lineno = holder.end_lineno = lineno
    holder.col_offset = holder.end_col_offset = col
    return holder


def insert_before(source: str, node: ast.AST, new_code: str) -> str | None:
    lines = _lines(source)
    try:
        if not lines[node.lineno - 1][:node.col_offset].strip():
            indent = lines[node.lineno - 1][:node.col_offset].decode("utf-8")
            new = _indented(indent, new_code)
            return (b"".join(lines[:node.lineno - 1]).decode("utf-8") + new
                    + b"".join(lines[node.lineno - 1:]).decode("utf-8"))
        joined = _one_line(new_code)
        if joined is None:
            return None
        return splice(source, _point(node.lineno, node.col_offset), joined + "; ")
    except (AttributeError, IndexError, TypeError, UnicodeDecodeError):
        return None


def insert_after(source: str, node: ast.AST, new_code: str) -> str | None:
    lines = _lines(source)
    try:
        if _alone(lines, node):
            indent = lines[node.lineno - 1][:node.col_offset].decode("utf-8")
            head = b"".join(lines[:node.end_lineno]).decode("utf-8")
            if not head.endswith("\n"):
                head += "\n"
            new = _indented(indent, new_code)
            rest = b"".join(lines[node.end_lineno:]).decode("utf-8")
            return head + (new if rest or source.endswith("\n") else new[:-1]) + rest
        joined = _one_line(new_code)
        if joined is None:
            return None
        return splice(source, _point(node.end_lineno, node.end_col_offset), "; " + joined)
    except (AttributeError, IndexError, TypeError, UnicodeDecodeError):
        return None


def strip_comments(code: str) -> str:
    """`code` without its comments (and without trailing spaces)."""
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type != tokenize.COMMENT]
        text = tokenize.untokenize(tokens)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return code.strip()
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def compiles(code: str) -> bool:
    try:
        compile(code, "<fix>", "exec")
        return True
    except (SyntaxError, ValueError):
        return False


def whole_def(c: Candidate, max_lines: int = 12) -> str | None:
    """The edited input of `c` when it is one short function definition: what to show when the changed
    line alone (`return torch.mm(x.to(w.dtype), w)`) does not compile outside its function."""
    if len(c.replaces) != 1:
        return None
    text = next(iter(c.replaces.values())).strip()
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    if len(tree.body) == 1 and isinstance(tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef)) \
            and len(text.splitlines()) <= max_lines:
        return text
    return None


def innermost_stmt(tree: ast.AST, lineno: int) -> ast.stmt | None:
    """The smallest statement that covers line `lineno` (a simple statement inside a loop, ...)."""
    best = None
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.lineno <= lineno <= (node.end_lineno or node.lineno):
            if best is None or (node.end_lineno - node.lineno) <= (best.end_lineno - best.lineno):
                best = node
    return best


def enclosing_stmt(tree: ast.AST, node: ast.AST) -> ast.stmt | None:
    """The smallest statement of `tree` that contains `node`."""
    best = None
    for stmt in ast.walk(tree):
        if isinstance(stmt, ast.stmt) and any(sub is node for sub in ast.walk(stmt)):
            if best is None or (stmt.end_lineno - stmt.lineno, stmt.end_col_offset - stmt.col_offset) <= (
                    best.end_lineno - best.lineno, best.end_col_offset - best.col_offset):
                best = stmt
    return best


def in_loop_body(site: Site, loop: ast.stmt, new_code: str) -> Candidate | None:
    """`new_code` inserted as the first statement of `loop`'s body; shows the header, it, and `...`."""
    text = insert_before(site.source, loop.body[0], new_code)
    if text is None:
        return None
    header = site.segment(loop).split("\n", 1)[0]
    if not strip_comments(header).endswith(":"):  # `for ...: body` on one line, or a header of several lines
        return Candidate(new_code.strip(), {site.index: text})
    shown = header + "\n" + "".join(f"    {line}\n" for line in new_code.strip().split("\n")) + "    ..."
    return Candidate(shown, {site.index: text})


def stmts_on_line(tree: ast.AST, lineno: int) -> list[ast.stmt]:
    return sorted((n for n in ast.walk(tree) if isinstance(n, ast.stmt) and n.lineno == lineno
                   and n.end_lineno == lineno), key=lambda n: n.col_offset)


# -- proving -----------------------------------------------------------------------------------------------


def generic(hint, site: Site | None) -> list[Candidate]:
    """Candidates made from a rule's template fix: the statement replaced by it, or it inserted before."""
    code = strip_comments(hint.fix or "")
    if not code or not compiles(code) or site is None or site.stmt is None or code.startswith("print("):
        return []
    found = []
    if keeps_the_work(site.stmt, code):
        found.append(site.replace(site.stmt, code))
    found.append(site.insert_before(site.stmt, code))
    return [c for c in found if c is not None]


MODULE_NAMES = {"torch", "np", "numpy", "math", "plt", "sympy", "sp", "d2l", "F", "nn"}


def _work(node: ast.AST) -> tuple[set[str], set[str], set[str], set[str]]:
    """(functions called, names bound, names and `name.attribute` values read, `name.attribute`s set) in
    `node`; module names are not counted as read."""
    calls, targets, reads, sets = set(), set(), set(), set()
    called = {id(sub.func) for sub in ast.walk(node) if isinstance(sub, ast.Call)}
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            f = sub.func
            calls.add(f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else "")
        elif isinstance(sub, ast.Name):
            (targets if isinstance(sub.ctx, ast.Store) else reads).add(sub.id)
        elif isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id not in MODULE_NAMES \
                and id(sub) not in called:
            # x.grad read (not a method): a stand-in must read it too, or set it (x.grad = None)
            (reads if isinstance(sub.ctx, ast.Load) else sets).add(f"{sub.value.id}.{sub.attr}")
        elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            targets.add(sub.name)  # a def binds its name: replacing it by its body's line drops the function
    return calls - {""}, targets, reads - MODULE_NAMES, sets


def keeps_the_work(stmt: ast.AST, code: str) -> bool:
    """Whether `code` may stand in for `stmt`: it binds the same names, reads the same variables and
    `name.attribute` values (or sets them), runs the backward pass and the arithmetic `stmt` ran (so a
    replacement cannot clear a mistake just by dropping the work of the statement that made it)."""
    try:
        new = ast.parse(code)
    except SyntaxError:
        return False
    calls, targets, reads, _ = _work(stmt)
    new_calls, new_targets, new_reads, new_sets = _work(new)
    attributes = {r for r in reads if "." in r}
    # the computation is kept: the backward pass it ran and its arithmetic (A @ W must not become A)
    passes = calls & {"backward", "grad"}
    if isinstance(stmt, ast.Return) and not any(isinstance(n, ast.Return) and n.value is not None
                                                for n in ast.walk(new)):
        return False  # `return torch.mm(x, w)` replaced by an expression: the function would return None
    return targets <= new_targets and reads - attributes <= new_reads and attributes <= new_reads | new_sets \
        and passes <= new_calls and _operators(stmt) <= _operators(new)


def _operators(node: ast.AST) -> set[str]:
    return {type(sub.op).__name__ for sub in ast.walk(node) if isinstance(sub, (ast.BinOp, ast.AugAssign))}


def prove(hint, candidates: list[Candidate], try_fix, words: str, deadline: float | None = None) -> None:
    """Try the candidates in order (until `deadline`, a time.monotonic() value); fill hint.fix, verified,
    replaces, tried and fix_words."""
    hint.fix_words = words
    hint.fix, hint.verified, hint.replaces, hint.tried = "", False, {}, []
    if try_fix is None:
        return
    seen = set()
    for c in candidates:
        if c is None or c.key() in seen or not c.replaces:
            continue
        seen.add(c.key())
        if len(seen) > MAX_TRIES:
            break
        if deadline is not None and time.monotonic() > deadline:
            hint.tried.append((c.shown, "not tried: the time for trying fixes ran out"))
            break
        shown = c.shown if compiles(c.shown) else whole_def(c)
        if shown is None:
            hint.tried.append((c.shown, "the code to show does not compile"))
            continue
        result = try_fix(c.replaces, check=c.check, hint_id=hint.id) if c.check else try_fix(
            c.replaces, hint_id=hint.id)
        if deadline is not None:
            deadline += getattr(result, "judged", 0.0)  # a lesson step's judging does not starve the next candidate
        if result.ok:
            hint.fix, hint.verified, hint.replaces = shown, True, dict(c.replaces)
            return
        hint.tried.append((c.shown, result.why))


# A candidate's check answers this when the fix changes nothing the learner's code reads or prints: the
# mistake the rule saw had no effect here, and the hint is dropped (hints.diagnose).
MOOT = "with the fix, everything the code read and printed is the same: the mistake changed nothing here"


# What to change, in words, when no code could be verified in the learner's state.
WORDS = {
    "double-backward": "compute the output again before the second backward pass (each pass needs a fresh "
                       "graph), or pass retain_graph=True to the pass that comes first.",
    "non-scalar-backward": "reduce the output to one number first (e.g. .sum()), or pass a gradient= tensor "
                           "of the output's own shape.",
    "backward-no-grad-fn": "make sure a leaf the result depends on has requires_grad=True before the result is "
                           "computed, and that nothing on the way cuts the graph.",
    "int-requires-grad": "create the tensor with floating point numbers (e.g. 2.0 instead of 2), then ask for "
                         "requires_grad.",
    "grad-none-before-backward": "run backward() on an output computed from this tensor before reading its .grad.",
    "nonleaf-grad-access": "read .grad of the leaf you created (or call retain_grad() on the intermediate "
                           "result before backward()).",
    "grad-accumulation": "reset the gradient before each backward pass: set the tensor's .grad to None (or "
                         "call .grad.zero_() on it once it exists).",
    "inplace-on-leaf": "change the leaf only inside `with torch.no_grad():`, or compute a new tensor instead.",
    "inplace-saved-tensor": "write the in-place operation out of place (a new tensor from +, *, ..., not +=, "
                            "*= or a method ending in _) so the value backward needs is kept.",
    "numpy-on-requires-grad": "call .detach() before .numpy(), or stay in torch (torch.sin instead of np.sin).",
    "plot-requires-grad-tensor": "plot .detach()ed tensors.",
    "math-module-on-tensor": "use the torch function (torch.sin, torch.exp) instead of math.*.",
    "sympy-on-tensor": "use the torch function, or lambdify with the 'torch' module.",
    "float-equality-check": "compare with torch.allclose (a tolerance) instead of ==.",
    "dot-matmul-shapes": "check both shapes and make the inner sizes agree.",
    "mixed-dtype-op": "give both sides the same dtype (e.g. .float() on the integer one).",
    "grad-of-grad-no-create-graph": "compute the first derivative with torch.autograd.grad(..., create_graph=True) "
                                    "and differentiate that.",
    "requires-grad-too-late": "compute the result again after switching requires_grad on.",
    "item-breaks-graph": "keep tensor operations all the way (no .item(), float() or torch.tensor() of results).",
    "grad-zero-none": "set .grad to None instead of calling .grad.zero_() (None is safe at any time), or check "
                      "that .grad is not None first.",
    "detach-semantics": "use the tensor itself where the gradient should flow, and .detach().clone() for a "
                        "constant copy.",
    "infinite-loop-control-flow": "start from an input for which the loop condition becomes False (a random "
                                  "one, as in D2L 2.5.4), and bound the loop.",
    "no-grad-then-backward": "compute the result outside `with torch.no_grad():` (or with grad mode on).",
    "inference-mode-backward": "compute the result outside `with torch.inference_mode():`.",
    "backward-gradient-dtype": "pass a gradient= tensor with the output's dtype (torch.ones_like(y)).",
    "backward-gradient-shape": "pass a gradient= tensor with the output's shape (torch.ones_like(y)).",
    "requires-grad-flag-nonleaf": "leave the flag of a computed tensor alone: use retain_grad() or .detach().",
    "nonleaf-by-construction": "finish building the tensor first, then mark it with .requires_grad_().",
    "tensor-copy-construct": "use .clone() (stays in the graph) or .detach().clone() instead of torch.tensor(t).",
    "manual-update-nonleaf": "update the parameter in place inside `with torch.no_grad():` (-= lr * its .grad) "
                             "so it stays the same leaf.",
    "allow-unused": "differentiate only with respect to inputs the output uses, or pass allow_unused=True.",
    "grad-returns-tuple": "unpack the tuple torch.autograd.grad returns: (g,) = torch.autograd.grad(...).",
    "bool-ambiguous-control-flow": "use torch.where for an elementwise choice, or .all()/.any() for one decision.",
    "where-nan-gradient": "make the unused branch safe for every element before torch.where.",
    "format-tensor": "format the numbers one by one (.tolist()), or .item() for a one-element tensor.",
}
