"""One voice (issue 10, item 3): in lesson mode, what a hint says about an input and what the lesson
step says about the same input never contradict each other.

Every built-in lesson, every Task with `wrong=` answers or `mistakes=`: the lesson is played in lesson
mode (a Session with hints on, the Coach) up to the task, and each wrong answer (plus the learner
attempts in ATTEMPTS) is typed input by input after `%reset step`, as a learner types it. For each
input typed while the task is not passed yet we collect what the learner sees: the step's verdict (its
targeted message and the check it failed, or ✓) and the hints with their `fix:` and `replaces`.

Two voices agree when following either one leads to a pass; "leads to a pass" is decided by running
code on a copy (a fresh replay of the lesson up to the task, lesson_verify.replay, and the task's setup)
and asking the task's own checks. Inputs that raised are left out, as the coach leaves them out. Code
C, made from the learner's inputs T (those that ran) by editing one of them into F, leads to a pass when
  - C passes, or C followed by the rest of the learner's attempt passes; or
  - the learner is part-way: C followed by a rest of the reference solution passes while T followed by
    the same rest does not (the edit is what the rest needed); or
  - F is one of the reference solution's inputs, or the solution passes with F in place of its input
    that binds the same names (F is one line of a passing answer).

(a) Every hint shown with code under `fix:` has `replaces` ({input index: corrected input}) editing
    inputs of this step only, and that edit leads to a pass. Otherwise the hint proposes what the step
    rejects (lesson 8: `y.clone()` under a ✓ for `u = torch.tensor(y)`; lesson 9:
    `a = torch.randn(size=(1,), ...)` and then "a has shape (1,), expected ()").
(b) The reverse: code a verdict message names leads to a pass. "Code a message names" is a backticked
    span or a call chain in the prose that parses as Python and calls a method or a module function
    (`y.detach()`, `z.sum().backward()`, `torch.randn(size=(), requires_grad=True)`,
    `x0 = torch.log(y0).requires_grad_()`, `lambda t: torch.cumsum(t * t, 0)`), minus what only names
    or quotes: a bare `backward()` or `log(a)`, a `...` placeholder, a `gradient=...` argument, what
    follows "should be" (a value), and the learner's own code quoted back (its text, or one of its calls
    with arguments left out: "torch.tensor(1) is an integer tensor"). A statement is tried in place of
    the input the message is about, after it, before it, and in place of the earlier input that binds
    the same names; an expression replaces the call to the same function (or the same method with the
    same arguments: math.cos(x) → torch.cos(x)) in one of this step's inputs, or the expression it
    extends (u = y → u = y.detach(); rows.append(x.grad) → rows.append(x.grad.clone())), or the value
    of a one-line assignment that reads what it reads. An expression that fits none of these places is
    not judged.
(c) Input by input, (a) and (b) together: on one input, the hint's fix and the step's named code both
    lead to a pass, so the card's two voices point to the same place.
"""

from __future__ import annotations

import ast
import builtins
import re
import time
from dataclasses import dataclass, field

import pytest

from tutor.lessons import builtin_entries

ENTRIES = builtin_entries()
NAMES = [e.name for e in ENTRIES]

# Learner attempts typed besides a task's `wrong=` answers (the examples of two voices that
# disagreed). They need not be wrong: what matters is that the voices agree on them.
ATTEMPTS: dict[tuple[str, str], list[str]] = {
    # torch.tensor(y) passes make-u; the tensor-copy hint must not propose y.clone(), which make-u rejects
    ("detaching", "make-u"): ["y = x * x\nu = torch.tensor(y)"],
    # a runaway loop from a zero vector: the hint's random start must be the scalar the step asks for
    ("control-flow", "design-your-own"): [
        "def g(a):\n    b = a\n    while b.norm() < 10:\n        b = b * 2\n    return b\n"
        "a = torch.zeros(1, requires_grad=True)\nd = g(a)"],
}

TIMEOUT = 20.0  # seconds per learner input: never reached by a normal input, even on a loaded machine
LOOP_TIMEOUT = 2.0  # for the attempts that loop forever (a timeout stops them, as Ctrl-C would)
# (on a loaded machine a normal input may take seconds: only the looping attempts get a short limit)


@dataclass
class Seen:
    """What the learner saw after one input."""

    text: str
    index: int  # Outcome.index
    error: bool
    verdict: object  # the coach's Verdict, or None
    hints: list = field(default_factory=list)  # (id, fix, replaces)
    defined: set = field(default_factory=set)  # names in the namespace after the input


def _task_indices(lesson):
    from tutor.lesson import Task

    return [i for i, s in enumerate(lesson.steps) if isinstance(s, Task) and (s.wrong or s.mistakes)]


def _lesson_session(lesson):
    from tutor import render_lessons  # noqa: F401 - renderers for the coach's cards
    from tutor.coach import Coach
    from tutor.lessons import Catalog, LessonEntry
    from tutor.progress import ProgressStore
    from tutor.session import Session

    session = Session(timeout=TIMEOUT, hints=True)
    coach = Coach(session, catalog=Catalog([LessonEntry(lesson.id, "voice", lesson=lesson)]),
                  store=ProgressStore(":memory:"))
    session.submit(f"%lesson {lesson.id}")
    return session, coach


def _go_to(session, coach, lesson, index):
    """On to step `index` the way a learner who skips goes (each skipped task leaves its solution's state)."""
    while coach.lesson is lesson and coach.index < index:
        session.submit("%skip")
    assert coach.step is lesson.steps[index]


def _type(session, coach, step, attempt: str) -> list[Seen]:
    """Type an attempt input by input from the step's start; what was seen until the step passed."""
    from tutor.coach import Verdict
    from tutor.runner import split_inputs

    session.submit("%reset step")
    seen = []
    for text in split_inputs(attempt):
        session.timeout = LOOP_TIMEOUT if "while" in attempt else TIMEOUT
        outcome = session.submit(text)
        if outcome.kind != "code":
            continue
        verdict = next((f for f in outcome.feedback if isinstance(f, Verdict)), None)
        seen.append(Seen(text, outcome.index, outcome.error is not None, verdict,
                         [(h.id, h.fix, dict(h.replaces)) for h in outcome.hints], set(session.namespace)))
        if coach.records[step.id].done:
            break
    return seen


# -- the oracle: does this code, typed from the step's start, pass the step? ------------------------


class Oracle:
    """Runs code from a task's starting state (lesson_verify.replay: the lesson's setup, the earlier
    steps' solutions, the task's setup) and asks the task's own checks."""

    def __init__(self, lesson, index):
        from tutor.runner import split_inputs

        self.lesson, self.index = lesson, index
        self.step = lesson.steps[index]
        self.solution = split_inputs(self.step.solution)
        self._cache: dict[tuple, bool] = {}

    def run(self, inputs: list[str]) -> bool:
        """Every input runs without an error and the step's checks pass afterwards."""
        from tutor.lesson import CheckContext
        from tutor.lesson_verify import _submit_all, replay

        key = tuple(inputs)
        if key not in self._cache:
            session = replay(self.lesson, self.index)
            if self.step.setup:
                _submit_all(session, self.step.setup)
            outcome, ok = None, True
            for text in inputs:
                outcome = session.submit(text)
                if outcome.error is not None:
                    ok = False
                    break
            self._cache[key] = ok and self.step.check(CheckContext(session.namespace, outcome, list(inputs)))[0]
        return self._cache[key]

    def leads_to_pass(self, edited: list[str], typed: list[str], focus: str, later: list[str] = ()) -> bool:
        """Whether following a voice leads to a pass. `edited` are the step's inputs with the voice's edit,
        `typed` the inputs as the learner typed them (those that ran), `focus` the input the edit made,
        `later` the inputs the learner's attempt goes on with. It does when:
        - the edited inputs pass, or pass once the rest of the learner's attempt follows;
        - the learner is part-way: the edited inputs pass followed by a rest of the reference solution
          that does not pass after the inputs as typed (the edit is what the rest needed);
        - `focus` is an input of the reference solution, or passes in place of the solution's input that
          binds the same names (the edit is one line of a passing answer)."""
        if _squash(focus) in {_squash(t) for t in self.solution}:
            return True
        if self.run(edited) or (later and self.run(edited + list(later))):
            return True
        for j in range(len(self.solution)):
            rest = self.solution[j:]
            if self.run(edited + rest) and not self.run(typed + rest):
                return True
        names = _bound(focus)
        for k, text in enumerate(self.solution):
            after = set().union(*map(_bound, self.solution[k + 1:])) if k + 1 < len(self.solution) else set()
            if names and names & _bound(text) and not names & after:
                if self.run(self.solution[:k] + [focus] + self.solution[k + 1:]):
                    return True
        return False


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _bound(text: str) -> set[str]:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


# -- (b): code a message names, and the ways to apply it to the inputs it is about -----------------

# a call chain, or an assignment of one (`u = y.detach()`; `gradient=...` unspaced is an argument, not a statement)
_START = re.compile(r"(?<![\w.`'=])(?:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*\s+=\s+)?[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*\(")
_VALUE = re.compile(r"\b(?:should be|expected)\b[^:;]*")  # "x.grad is ..., but it should be 2 * x": a value
MODULES = {"torch", "np", "math"}


def _chain_end(text: str, start: int) -> int:
    """The end of a call chain `f(...)[i].g(...)...` whose first '(' is at text[start - 1]; -1 if unbalanced."""
    i = start
    while True:
        depth = 1
        while i < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        if depth:
            return -1
        while text[i:i + 1] == "[" and "]" in text[i:]:  # a subscript: grad(y, x)[0]
            i = text.index("]", i) + 1
        m = re.match(r"\.[A-Za-z_]\w*\(", text[i:])
        if not m:
            return i
        i += m.end()


def named_code(message: str, typed: str = "", defined=None) -> list[str]:
    """The code a message names for the learner to type: backticked spans, and call chains in the prose,
    that parse as statements holding a call on a dotted name (`y.detach()`, `torch.log(x)`; a bare
    `backward()` or `log(a)` names a function, not code; `...` is a placeholder), that read only names
    defined (`defined`, when given) and that the learner has not typed already (a message quoting the
    input: the same text, or the learner's call with fewer arguments, as in "torch.tensor(1) is an
    integer tensor")."""
    found = [span.strip() for span in re.findall(r"`([^`]+)`", message)]
    prose = re.sub(r"`[^`]+`", lambda m: " " * len(m.group()), message)  # spans are read whole
    prose = _VALUE.sub(lambda m: " " * len(m.group()), prose)
    pos = 0
    while (m := _START.search(prose, pos)) is not None:
        end = _chain_end(prose, m.end())
        if end < 0:
            pos = m.end()
            continue
        head = re.search(r"lambda [\w, ]*:\s*$", prose[:m.start()])  # lambda t: torch.cumsum(t * t, 0)
        found.append(prose[head.start() if head else m.start():end])
        pos = end
    typed_calls = _calls(typed)
    kept = []
    for code in found:
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        nodes = list(ast.walk(tree))
        if not any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) for n in nodes):
            continue
        if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id not in dir(builtins)
               for n in nodes) or any(isinstance(n, ast.Constant) and n.value is Ellipsis for n in nodes):
            continue
        if _squash(code) in _squash(typed) or any(_within(c, typed_calls) for c in nodes if isinstance(c, ast.Call)
                                                   and c is _top_call(tree)):
            continue
        reads = {n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        if defined is not None and reads - set(defined) - set(dir(builtins)):
            continue
        if code not in kept:
            kept.append(code)
    return kept


def _top_call(tree: ast.Module):
    stmt = tree.body[0] if len(tree.body) == 1 else None
    value = getattr(stmt, "value", None)
    return value if isinstance(value, ast.Call) else None


def _calls(text: str) -> list[ast.Call]:
    try:
        return [n for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Call)]
    except SyntaxError:
        return []


def _within(call: ast.Call, typed: list[ast.Call]) -> bool:
    """`call` is one of the typed calls with some of its keywords left out (a quote, not advice)."""
    words = {ast.unparse(k) for k in call.keywords}
    return any(ast.unparse(t.func) == ast.unparse(call.func) and ast.unparse(t.args) == ast.unparse(call.args)
               and words <= {ast.unparse(k) for k in t.keywords} for t in typed)


def _is_statement_call(call: ast.Call) -> bool:
    """A call typed for its effect (y.backward(), x.grad.zero_(), torch.autograd.grad(...))."""
    name = ast.unparse(call.func)
    return name.endswith((".backward", "_")) or name == "torch.autograd.grad"


def _chain(node: ast.AST) -> tuple[str, list[str]]:
    """(root name, [links]) of an expression like y.detach().numpy() or x.grad[0]; ('', []) otherwise."""
    links = []
    while True:
        if isinstance(node, ast.Call):
            links.append("(" + ast.unparse(node).rsplit("(", 1)[-1] if not node.args and not node.keywords
                         else "(" + ", ".join([ast.unparse(a) for a in node.args] + [ast.unparse(k) for k in node.keywords]) + ")")
            node = node.func
        elif isinstance(node, ast.Attribute):
            links.append("." + node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            links.append("[" + ast.unparse(node.slice) + "]")
            node = node.value
        elif isinstance(node, ast.Name):
            return node.id, links[::-1]
        else:
            return "", []


def _subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(link in it for link in short)


def _edits(code: str, text: str) -> list[str]:
    """`text` with one of its expressions replaced by the call `code`: the call to the same function
    (or with the same method name and arguments: math.cos(x) → torch.cos(x)); the longest expression
    that `code` extends (u = y → u = y.detach(); rows.append(x.grad) → rows.append(x.grad.clone()));
    or the value of a one-line assignment that reads a variable `code` reads."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    value = ast.parse(code).body[0].value
    call = value.body if isinstance(value, ast.Lambda) else value  # a lambda goes where its body's call was
    if not isinstance(call, ast.Call):
        return []
    root, links = _chain(value)
    same, extended = [], []
    for node in ast.walk(tree):
        if isinstance(value, ast.Lambda) and isinstance(node, ast.Lambda) and \
                ast.unparse(node.args) == ast.unparse(value.args):
            same.append(node)  # lambda t: t * t → lambda t: torch.cumsum(t * t, 0)
        if isinstance(node, ast.Call) and (ast.unparse(node.func) == ast.unparse(call.func) or (
                isinstance(node.func, ast.Attribute) and isinstance(call.func, ast.Attribute)
                and node.func.attr == call.func.attr and ast.unparse(node.args) == ast.unparse(call.args))):
            same.append(node)
        if isinstance(node, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)) and root and root not in MODULES:
            r, l = _chain(node)
            if r == root and len(l) < len(links) and _subsequence(l, links):
                extended.append(node)
    longest = max((len(_chain(n)[1]) for n in extended), default=0)
    nodes = same[:1] + [n for n in extended if len(_chain(n)[1]) == longest]  # every place it could go
    if len(tree.body) == 1 and isinstance(tree.body[0], ast.Assign):
        reads = lambda n: {x.id for x in ast.walk(n) if isinstance(x, ast.Name)} - MODULES  # noqa: E731
        if reads(tree.body[0].value) & reads(call):
            nodes.append(tree.body[0].value)
    edited = []
    for node in nodes:
        new = _splice(text, node, code)
        if new not in edited:
            edited.append(new)
    return edited


def _splice(text: str, node: ast.AST, code: str) -> str:
    """`text` with the source of `node` replaced by `code` (ast columns count UTF-8 bytes)."""
    data = text.encode()
    starts = [0]
    for line in data.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    first = starts[node.lineno - 1] + node.col_offset
    last = starts[node.end_lineno - 1] + node.end_col_offset
    return (data[:first] + code.encode() + data[last:]).decode()


def applications(code: str, before: list[str], latest: str) -> list[tuple[list[str], str]]:
    """Ways of following `code` said about the input `latest` (typed after `before`, this step's inputs
    that ran): (the inputs with it, the input it made)."""
    tree = ast.parse(code)
    inputs = before + [latest]
    value = tree.body[0].value if len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr) else None
    if isinstance(value, ast.Lambda) or (isinstance(value, ast.Call) and not _is_statement_call(value)):
        ways = []
        for k in reversed(range(len(inputs))):
            for edited in _edits(code, inputs[k]):
                ways.append((inputs[:k] + [edited] + inputs[k + 1:], edited))
        return ways
    ways = [(before + [code], code), (before + [latest, code], code), (before + [code, latest], code)]
    names = _bound(code)
    for k in reversed(range(len(before))):
        if names & _bound(before[k]):
            ways.append((before[:k] + [code] + before[k + 1:] + [latest], code))
            break
    return ways


# -- playing every lesson -----------------------------------------------------------------------------


def agreement_problems(lesson) -> tuple[list[str], int, int]:
    """(problems, attempts typed, fixes and named codes judged) for one lesson; see the module docstring."""
    from tutor.runner import split_inputs

    problems, attempts, judged = [], 0, 0
    session, coach = _lesson_session(lesson)
    for index in _task_indices(lesson):
        step = lesson.steps[index]
        oracle = Oracle(lesson, index)
        _go_to(session, coach, lesson, index)
        for attempt in list(step.wrong) + ATTEMPTS.get((lesson.id, step.id), []):
            attempts += 1
            seen = _type(session, coach, step, attempt)
            texts = split_inputs(attempt)
            ran = []  # (index, text) of this step's inputs that ran
            for n, s in enumerate(seen):
                where = f"{lesson.id}/{step.id}, attempt {attempt!r}, input {s.text!r}"
                later = texts[n + 1:]
                before = [t for _i, t in ran]
                typed = before + ([] if s.error else [s.text])  # the step's inputs that ran, as typed
                inputs = ran + [(s.index, s.text)]
                for hint_id, fix, replaces in s.hints:
                    if not fix:
                        continue
                    judged += 1
                    if not replaces or set(replaces) - {i for i, _ in inputs}:
                        problems.append(f"{where}: hint {hint_id} shows fix {fix!r} but its edit {replaces} is not"
                                        " an edit of this step's inputs")
                        continue
                    edited = [replaces.get(i, t) for i, t in inputs]
                    if not oracle.leads_to_pass(edited, typed, replaces[max(replaces)], later):
                        said = "; ".join(s.verdict.messages) if s.verdict is not None else "(no verdict)"
                        state = "✓" if s.verdict is not None and s.verdict.passed else "✗"
                        problems.append(f"{where}: hint {hint_id} shows fix {fix!r}, which the step rejects"
                                        f" (step said {state} {said!r})")
                if s.verdict is not None and not s.verdict.passed:
                    for message in s.verdict.messages:
                        for code in named_code(message, "\n".join(before + [s.text])):
                            ways = applications(code, before, s.text)
                            if not ways:
                                continue
                            judged += 1
                            if not any(oracle.leads_to_pass(w, typed, focus, later) for w, focus in ways):
                                problems.append(f"{where}: the step's message names {code!r}, which does not"
                                                f" pass the step ({message!r})")
                if not s.error:
                    ran.append((s.index, s.text))
        session.submit("%reset step")  # leave as the solution leaves it (%skip), not as an attempt did
    return problems, attempts, judged


_RESULTS: dict[str, tuple] = {}


def _results(name):
    if name not in _RESULTS:
        lesson = next(e.lesson for e in ENTRIES if e.name == name)
        started = time.perf_counter()
        found = agreement_problems(lesson)
        _RESULTS[name] = found + (time.perf_counter() - started,)
    return _RESULTS[name]


@pytest.mark.parametrize("name", NAMES)
def test_hint_and_step_speak_with_one_voice(name):
    problems, attempts, _judged, _elapsed = _results(name)
    lesson = next(e.lesson for e in ENTRIES if e.name == name)
    tasks = _task_indices(lesson)
    assert attempts >= sum(len(lesson.steps[i].wrong) for i in tasks)
    assert not problems, "\n".join(problems)


def test_named_code_reads_what_a_learner_would_type():
    assert named_code("z is a vector: call z.sum().backward().") == ["z.sum().backward()"]
    assert named_code("Use y.detach().") == ["y.detach()"]
    assert named_code("a does not require gradients: torch.randn(size=(), requires_grad=True).") == [
        "torch.randn(size=(), requires_grad=True)"]
    assert named_code("update it inside `with torch.no_grad():`.") == []  # a fragment, not code to type
    assert named_code("use sum() so that every weight is 1") == []  # names a method, no code
    assert named_code("hessian wants f: hessian(f, x), not hessian(f(x), x)") == []
    assert named_code("Use y.detach().", typed="u = y.detach() * 2") == []  # it quotes the input
    assert named_code("Use y.detach().", defined={"x"}) == []  # y is not there to detach
    assert named_code("start again with x.grad = None; y = x * x; u = y.detach().") == ["u = y.detach()"]
    assert named_code("with torch.autograd.grad(y, x)[0] you get it") == ["torch.autograd.grad(y, x)[0]"]
    assert named_code("torch.tensor(1) is an integer tensor", typed="x0 = torch.tensor(1, requires_grad=True)") == []
    assert named_code("pass the vector of ones to y.backward(gradient=...) yourself") == []
    assert named_code("use d.sum().backward(), or d.backward(gradient=torch.ones_like(d)).") == [
        "d.sum().backward()", "d.backward(gradient=torch.ones_like(d))"]
    assert (["u = y.detach()"], "u = y.detach()") in applications("y.detach()", [], "u = y.clone()")
    assert (["arr = y.detach().numpy()"], "arr = y.detach().numpy()") in applications(
        "y.detach().numpy()", [], "arr = y.numpy()")
    assert applications("x.grad.clone()", [], "rows.append(x.grad)") == [
        (["rows.append(x.grad.clone())"], "rows.append(x.grad.clone())")]
    assert applications("torch.cos(x)", ["def g(x):\n    return math.cos(x)"], "x0 = 0.0") == [
        (["def g(x):\n    return torch.cos(x)", "x0 = 0.0"], "def g(x):\n    return torch.cos(x)")]
    assert named_code("not the tensor y: pass lambda t: torch.cumsum(t * t, 0).") == ["lambda t: torch.cumsum(t * t, 0)"]
    assert applications("lambda t: torch.cumsum(t * t, 0)", [], "J = jacobian(torch.cumsum(x * x, 0), x)") == [
        (["J = jacobian(lambda t: torch.cumsum(t * t, 0), x)"], "J = jacobian(lambda t: torch.cumsum(t * t, 0), x)")]
    assert (["J2 = jacrev(lambda t: torch.cumsum(t * t, 0))(x)"], "J2 = jacrev(lambda t: torch.cumsum(t * t, 0))(x)") \
        in applications("lambda t: torch.cumsum(t * t, 0)", [], "J2 = jacrev(lambda t: t * t)(x)")
    assert applications("torch.ones(len(y))", [], "y.backward(torch.ones(3))") == [
        (["y.backward(torch.ones(len(y)))"], "y.backward(torch.ones(len(y)))")]
