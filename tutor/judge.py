"""Judging a task step by the learner's own work, from the step's starting state.

The coach keeps the code that rebuilds the learner's namespace (its `path`: the lesson's setup and
replay, then every input that ran). A step is judged on *candidates*: the learner's latest inputs of
this step, starting at some point, replayed on a fresh copy of the state the step started from. So a
gradient left over from an earlier rejected attempt can neither pass nor fail the step:

- an input that raised never passes (unless the task asks for that error), and a candidate that
  contains an input that raised is not judged (what it left behind is a leftover);
- the longest candidate is judged first, on the live namespace when it is the whole step (nothing to
  replay), else on a replay; a shorter one is tried when a longer one fails;
- when the inputs so far, followed by the rest of the reference solution, pass while the rest alone
  does not, the learner is on the way: "so far so good".

`Guard` watches a step's preconditions (names the solution uses exist, leaves stay leaves, graphs
stay alive) and says which input broke one. Everything here returns data; nothing is printed.
"""

from __future__ import annotations

import ast
import time
from dataclasses import dataclass, field
from typing import Any

from tutor.lesson import CheckContext, Task

REPLAY_BUDGET = 1.5  # seconds of replay per judged input, at most
MAX_CANDIDATES = 4  # replays per judged input, at most


@dataclass
class Run:
    """What replaying some code in a fresh namespace gave."""

    namespace: dict
    outcome: Any  # the last input's Execution (value, error), or None
    errors: list  # per input: an ErrorInfo or None
    elapsed: float


@dataclass
class Judgement:
    passed: bool
    messages: list[str] = field(default_factory=list)
    start: int = 0  # the first step input of the candidate that passed
    run: Run | None = None  # the replay that passed (None when judged on the live namespace)
    progress: bool = False  # the inputs so far begin a solution
    replays: int = 0


def fresh_namespace() -> dict:
    """A namespace like a new Session's (torch, np, math and the tutor's helpers)."""
    from tutor.session import Session

    session = Session(hints=False)
    session.ensure_torch()
    return session.namespace


def replay(codes: list[str], *, timeout: float = 5.0) -> Run:
    """Run each piece of code in a fresh namespace, quietly; errors are recorded, never raised."""
    started = time.perf_counter()
    run = run_in(fresh_namespace(), codes, timeout=timeout)
    run.elapsed = time.perf_counter() - started
    return run


def run_in(namespace: dict, codes: list[str], *, timeout: float = 5.0) -> Run:
    """Run code in `namespace` as the Session would (its after-input hooks too, so a plot made inside
    a loop is on the outcome, and none is left over for the learner's next input); nothing is shown."""
    from tutor import commands, evaluate, guard
    from tutor.outcome import Outcome

    started = time.perf_counter()
    outcome, errors = None, []
    presses = guard.presses()
    for i, code in enumerate(codes):
        result = evaluate.execute(code, namespace, f"<replay {i}>", timeout=timeout)
        if result.error is not None and result.error.type == "KeyboardInterrupt" and guard.presses() != presses:
            raise KeyboardInterrupt  # Ctrl-C stops the whole replay (a lesson's setup), not one statement
        outcome = Outcome(input=code, value=result.value, has_value=result.has_value, stdout=result.stdout,
                          error=result.error)
        if result.has_value:
            namespace["_"] = result.value
        for hook in list(commands.AFTER_INPUT):
            try:
                hook(None, outcome)
            except Exception:  # noqa: BLE001 - a hook never stops a replay
                pass
        errors.append(result.error)
    return Run(namespace, outcome, errors, time.perf_counter() - started)


class Start:
    """The state a step started from, rebuilt for each candidate: from a copy of one replay when every
    value in it can be copied (leaf tensors, plain data, functions), else by replaying its path."""

    def __init__(self, path: list[str]):
        self.path = list(path)
        self._template: dict | None = None
        self._copyable: bool | None = None

    def run(self, codes: list[str], *, timeout: float = 5.0) -> Run:
        """Run `codes` on a fresh copy of the start; `errors` are those of `codes` only."""
        from tutor import evaluate

        started = time.perf_counter()
        if self._copyable is None:
            self._template = replay(self.path, timeout=timeout).namespace
            self._copyable = _copy_namespace(self._template) is not None
        namespace = _copy_namespace(self._template) if self._copyable else None
        if namespace is None:
            run = replay(self.path + list(codes), timeout=timeout)
            run.errors = run.errors[len(self.path):]
            return run
        run = run_in(namespace, list(codes), timeout=timeout)
        run.elapsed = time.perf_counter() - started
        return run


def _copy_namespace(template: dict) -> dict | None:
    """A copy of a namespace whose tensors are all graph leaves (their .grad copied too), with functions
    rebound to the copy; None when something in it cannot be copied (a tensor with a graph)."""
    import copy
    import types

    import torch

    memo: dict = {}
    namespace: dict = {}
    for name, value in template.items():
        if name == "__builtins__" or isinstance(value, (types.ModuleType, type, types.BuiltinFunctionType)):
            namespace[name] = value
        elif isinstance(value, types.FunctionType):
            namespace[name] = value  # rebound below, once the copy exists
        else:
            try:
                namespace[name] = copy.deepcopy(value, memo)
            except Exception:  # noqa: BLE001 - e.g. a tensor in a graph: no copy, replay instead
                return None
            if isinstance(value, torch.Tensor) and value.grad is not None:
                namespace[name].grad = value.grad.detach().clone()
    for name, value in namespace.items():
        if isinstance(value, types.FunctionType) and value.__globals__ is template:
            func = types.FunctionType(value.__code__, namespace, value.__name__, value.__defaults__, value.__closure__)
            func.__kwdefaults__ = value.__kwdefaults__
            namespace[name] = func
    return namespace


def wants_error(step: Task) -> bool:
    """Whether the task asks for an input that raises (a `raised` check)."""
    return any(c.describe.startswith("raised") for c in step.checks)


def is_syntax_error(error) -> bool:
    return error is not None and error.type == "SyntaxError"


def judge(step: Task, start: Start, inputs: list[str], errors: list, live_namespace: dict,
          live_outcome, *, budget: float = REPLAY_BUDGET) -> Judgement:
    """Judge the step after its latest input. `inputs`/`errors` are this step's code inputs and what
    each raised (None when it ran); `start` rebuilds the state the step started from."""
    allow_errors = wants_error(step)
    latest_error = errors[-1] if errors else getattr(live_outcome, "error", None)
    if latest_error is not None and not allow_errors:
        return Judgement(False)
    # inputs that did not even parse never ran: leave them out of every candidate
    kept = [(i, text) for i, (text, err) in enumerate(zip(inputs, errors)) if not is_syntax_error(err)]
    if not kept:
        return Judgement(False)
    last_raised = max((pos for pos, (i, _t) in enumerate(kept) if errors[i] is not None), default=-1)
    first = 0 if allow_errors else last_raised + 1
    starts = _ordered_starts([text for _i, text in kept], first)
    verdict = Judgement(False)
    spent, replays = 0.0, 0
    for pos in starts:
        candidate = [text for _i, text in kept[pos:]]
        if pos == 0 and len(kept) == len(inputs):
            # the whole step, nothing set aside: the live namespace is this candidate's result
            passed, messages = step.check(CheckContext(live_namespace, live_outcome, candidate))
            if passed:
                return Judgement(True, messages, start=0)
            continue
        if replays >= MAX_CANDIDATES or spent > budget:
            break
        dropped = set().union(*(_assigned(text) for i, text in kept[:pos] if errors[i] is None)) if pos else set()
        if dropped & set(_names_used_before_set("\n".join(candidate))):
            continue  # it reads what a set-aside input made: it is not an attempt of its own
        run = start.run(candidate)
        replays += 1
        spent += run.elapsed
        if any(e is not None for e in run.errors) and not allow_errors:
            continue  # it raised when replayed: not a clean attempt
        passed, messages = step.check(CheckContext(run.namespace, run.outcome, candidate))
        if passed:
            return Judgement(True, messages, start=kept[pos][0], run=run, replays=replays)
    verdict.replays = replays
    return verdict


def _ordered_starts(texts: list[str], first: int) -> list[int]:
    """Candidate starts, longest first, but where the learner started over (an input that sets again a
    name an earlier input of the step set, or repeats one) before the others, so a fresh attempt after
    a long mess is among the replays tried."""
    restarts, seen, earlier = [], set(), set()
    for pos, text in enumerate(texts):
        names = _assigned(text)
        if pos > first and (text in earlier or names & seen):
            restarts.append(pos)
        seen |= names
        earlier.add(text)
    rest = [p for p in range(first, len(texts)) if p not in restarts]
    return rest[:1] + restarts + rest[1:]


def latest_attempt(inputs: list[str], errors: list) -> list[str]:
    """The inputs of the learner's latest attempt: after the last input that raised, from the last
    place the learner started over."""
    kept = [text for text, err in zip(inputs, errors) if not is_syntax_error(err)]
    kept_errors = [err for err in errors if not is_syntax_error(err)]
    first = max((i for i, e in enumerate(kept_errors) if e is not None), default=-1) + 1
    starts = _ordered_starts(kept, first)
    restarts = [p for p in starts[1:] if p > first and _assigned(kept[p]) & set().union(*map(_assigned, kept[:p]))]
    return kept[max([first] + restarts):]


def begins_solution(step: Task, start: Start, inputs: list[str], errors: list,
                    solution: list[str], alone_passes: dict, *, budget: float = REPLAY_BUDGET) -> bool:
    """Whether the latest inputs, followed by the rest of the solution, pass, while the rest alone does
    not: the learner's inputs so far are a prefix of an answer."""
    if len(solution) < 2 or not inputs or errors[-1] is not None:
        return False
    # where in the solution the latest input could be: a solution input setting the same names, or
    # calling the same methods; the rest of the solution follows it
    latest = _assigned(inputs[-1]) or _called(inputs[-1])
    places = [j + 1 for j in range(len(solution) - 1)
              if latest & (_assigned(solution[j]) or _called(solution[j]))]
    spent = 0.0
    for length in range(1, min(3, len(inputs)) + 1):
        candidate = inputs[-length:]
        if any(e is not None for e in errors[-length:]):
            break
        for j in places[:2]:
            rest = solution[j:]
            if j not in alone_passes:
                run = start.run(rest)
                spent += run.elapsed
                alone_passes[j] = step.check(CheckContext(run.namespace, run.outcome, rest))[0]
            if alone_passes[j]:
                continue
            run = start.run(candidate + rest)
            spent += run.elapsed
            if all(e is None for e in run.errors):
                if step.check(CheckContext(run.namespace, run.outcome, candidate + rest))[0]:
                    return True
            if spent > budget:
                return False
    return False


# -- the namespace-health guard ------------------------------------------------------------------


@dataclass
class Need:
    """A precondition of a step: `name` exists (and is a leaf / has a live graph)."""

    name: str
    kind: str  # "exists" | "leaf" | "graph" | "tensor" (same dtype and shape)
    dtype: str = ""
    shape: tuple = ()


@dataclass
class Break:
    need: Need
    input_number: int  # 1-based, among this step's inputs
    line: str
    text: str  # the one line shown


def _names_used_before_set(code: str) -> list[str]:
    """Names the code reads before it assigns them, in order (statements in execution order; inside a
    statement, what it reads before what it sets)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    assigned: set[str] = set()
    used: list[str] = []

    def visit(statements) -> None:
        for stmt in statements:
            inner = [getattr(stmt, f) for f in ("body", "orelse", "finalbody") if getattr(stmt, f, None)]
            inner += [h.body for h in getattr(stmt, "handlers", [])]
            heads = [n for n in ast.iter_child_nodes(stmt) if not isinstance(n, ast.stmt)
                     and not isinstance(n, ast.excepthandler)]
            scoped = _comprehension_names(heads)
            for head in heads:
                for node in ast.walk(head):
                    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                        if node.id not in assigned and node.id not in used and node.id not in scoped:
                            used.append(node.id)
            for node in ast.walk(stmt) if not inner else [n for h in heads for n in ast.walk(h)]:
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    assigned.add(node.id)
                elif isinstance(node, ast.alias):
                    assigned.add((node.asname or node.name).split(".")[0])
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                assigned.add(stmt.name)
                continue  # a body that runs later
            for body in inner:
                visit(body)

    visit(tree.body)
    return used


def _comprehension_names(nodes) -> set[str]:
    """Names bound by comprehensions and lambdas inside `nodes` (they are local to them)."""
    names = set()
    for head in nodes:
        for node in ast.walk(head):
            if isinstance(node, ast.comprehension):
                names |= {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
            elif isinstance(node, ast.Lambda):
                names |= {a.arg for a in node.args.args}
    return names


def needs(solution: str, namespace: dict) -> list[Need]:
    """The preconditions a step's solution relies on, read from the step's starting namespace."""
    import torch

    found = []
    for name in _names_used_before_set(solution):
        if name not in namespace or name in ("torch", "np", "math") or name.startswith("__"):
            continue
        value = namespace[name]
        if isinstance(value, type(torch)) or callable(value) and not isinstance(value, torch.Tensor):
            continue
        if isinstance(value, torch.Tensor):
            if value.is_leaf and value.requires_grad:
                found.append(Need(name, "leaf"))
            elif value.grad_fn is not None and graph_alive(value):
                found.append(Need(name, "graph"))
            else:
                found.append(Need(name, "tensor", str(value.dtype), tuple(value.shape)))
        else:
            found.append(Need(name, "exists"))
    return found


def graph_alive(value, limit: int = 200) -> bool:
    """False when a backward pass has freed the tensors the graph of `value` saved."""
    fn = getattr(value, "grad_fn", None)
    seen, todo = set(), [fn]
    while todo and len(seen) < limit:
        node = todo.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        for attr in dir(node):
            if attr.startswith("_saved_"):
                try:
                    getattr(node, attr)
                except RuntimeError as exc:
                    if "freed" in str(exc):
                        return False
                except Exception:  # noqa: BLE001 - an attribute we cannot read says nothing
                    pass
        todo.extend(n for n, _ in getattr(node, "next_functions", ()) if n is not None)
    return True


def holds(need: Need, namespace: dict) -> bool:
    import torch

    if need.name not in namespace:
        return False
    value = namespace[need.name]
    if need.kind == "leaf":
        return isinstance(value, torch.Tensor) and value.is_leaf and value.requires_grad
    if need.kind == "graph":
        return isinstance(value, torch.Tensor) and value.grad_fn is not None and graph_alive(value)
    if need.kind == "tensor":
        return isinstance(value, torch.Tensor) and str(value.dtype) == need.dtype and tuple(value.shape) == need.shape
    return True


def describe_break(need: Need, namespace: dict, number: int, line: str) -> str:
    from tutor.display import a_type

    first = line.strip().splitlines()[0] if line.strip() else line
    where = f"input {number} (`{first}`)"
    if need.name not in namespace:
        what = f"`{need.name}` is gone: {where} deleted it"
    elif need.kind == "leaf":
        value = namespace[need.name]
        if getattr(value, "is_leaf", None) is False:
            what = (f"`{need.name}` is no longer the leaf tensor this step starts from: {where} rebound it"
                    " to a result computed from it")
        else:
            what = f"`{need.name}` is no longer the leaf tensor this step starts from: {where} made it {a_type(value)}"
    elif need.kind == "graph":
        what = (f"the graph behind `{need.name}` was freed by {where}, a backward pass without"
                " retain_graph=True")
    elif need.kind == "tensor":
        value = namespace[need.name]
        now = (f"{str(value.dtype).replace('torch.', '')} {tuple(value.shape)}" if hasattr(value, "dtype")
               else a_type(value))
        what = (f"`{need.name}` is no longer the tensor this step starts from"
                f" ({need.dtype.replace('torch.', '')} {need.shape}): {where} made it {now}")
    else:
        what = f"`{need.name}` changed at {where}"
    return what + ". %reset step restores the step's starting state."


# -- one voice: a hint's fix against the step's checks ---------------------------------------------


def fix_agrees(step: Task, start: Start, inputs: list[str], fix: str, *, solution: list[str] = (),
               alone: dict | None = None, budget: float = REPLAY_BUDGET) -> bool | None:
    """Whether following a hint's `fix` would pass the step: True when some way of applying it to the
    learner's inputs passes from the step's start (by itself, or followed by the rest of the reference
    solution when the learner is part-way); False when every way of applying it raises or is rejected
    by the step's checks; None when it cannot be applied at all (or time ran out)."""
    variants = fix_variants(inputs, fix)
    if not variants:
        return None
    if solution and len(solution) > 1:  # the edited input in place of the solution's input that sets the same names
        for edited in sorted({v[-1] for v in variants}):
            names = _assigned(edited)
            for j in range(len(solution)):
                later = set().union(*(_assigned(t) for t in solution[j + 1:])) if j + 1 < len(solution) else set()
                if names & _assigned(solution[j]) and not names & later:
                    variants.append(list(solution[:j]) + [edited] + list(solution[j + 1:]))
    alone = {} if alone is None else alone
    rests = [[]] + [list(solution[j:]) for j in range(1, len(solution))]
    spent = 0.0
    for candidate in variants[:MAX_CANDIDATES]:
        mine = _assigned(candidate[-1]) if candidate else set()
        for rest in rests:
            if rest and mine & set().union(*(_assigned(t) for t in rest)):
                continue  # the rest would overwrite what the fix made
            if rest:
                j = len(solution) - len(rest)
                if j not in alone:
                    run = start.run(rest)
                    spent += run.elapsed
                    alone[j] = step.check(CheckContext(run.namespace, run.outcome, rest))[0]
                if alone[j]:
                    continue  # the rest passes by itself: it says nothing about the fix
            run = start.run(candidate + rest)
            spent += run.elapsed
            if all(e is None for e in run.errors):
                if step.check(CheckContext(run.namespace, run.outcome, candidate + rest))[0]:
                    return True
            if spent > budget:
                return None  # out of time: say nothing rather than drop a fix untried
    return False


def edit_agrees(step: Task, start: Start, typed: list[str], edited: list[str], focus: str, *,
                solution: list[str] = (), about_step: bool = True, runs: dict | None = None,
                budget: float = REPLAY_BUDGET) -> bool | None:
    """Whether an exact edit of the learner's inputs (a verified fix's `replaces`) agrees with the step,
    replayed from the step's start. `typed` are this step's inputs that ran, as typed; `edited` the same
    with the edit applied (the edited input included); `focus` the input the edit made. True when:
    - the edited inputs pass;
    - the learner is part-way: the edited inputs followed by a rest of the reference solution (one that
      does not bind again what `focus` binds) pass, while the inputs as typed followed by the same rest
      do not: the edit is what the rest needed. For an input that is not an attempt at the step
      (`about_step` False: it binds nothing the solution binds and runs no backward pass) it is enough
      that the edit does not stand in the way of the rest;
    - `focus` is one of the solution's inputs, or the solution passes with `focus` in place of its
      input that binds the same names (the edit is one line of a passing answer).
    False when none of these holds; None when time ran out. `runs` caches replays (per step)."""
    import re

    squash = lambda text: re.sub(r"\s+", "", text)  # noqa: E731
    if squash(focus) in {squash(t) for t in solution}:
        return True
    runs = {} if runs is None else runs
    allow_errors = wants_error(step)
    spent = 0.0

    def passes(codes: list[str]) -> bool:
        nonlocal spent
        key = tuple(codes)
        if key not in runs:
            run = start.run(list(codes))
            spent += run.elapsed
            runs[key] = (allow_errors or all(e is None for e in run.errors)) and \
                step.check(CheckContext(run.namespace, run.outcome, list(codes)))[0]
        return runs[key]

    if passes(edited):
        return True
    names = _assigned(focus)
    for j in range(len(solution)):
        if spent > budget:
            return None
        rest = list(solution[j:])
        if names & set().union(*map(_assigned, rest)):
            continue  # the rest makes again what the edit made: it says nothing about the edit
        if passes(edited + rest) and (not about_step or not passes(typed + rest)):
            return True
    for k, text in enumerate(solution):
        later = set().union(*(_assigned(t) for t in solution[k + 1:])) if k + 1 < len(solution) else set()
        if names and names & _assigned(text) and not names & later:
            if spent > budget:
                return None
            if passes(list(solution[:k]) + [focus] + list(solution[k + 1:])):
                return True
    return False


def attempts_step(text: str, solution: list[str]) -> bool:
    """Whether an input is an attempt at the step: it binds a name the solution binds, or runs a backward
    pass (backward, autograd.grad) as the solution does."""
    bound = set().union(*map(_assigned, solution)) if solution else set()
    passes = {"backward", "grad"}
    return bool(_assigned(text) & bound) or bool(_called(text) & passes and
                                                 set().union(*map(_called, solution)) & passes)


def fix_variants(inputs: list[str], fix: str) -> list[list[str]]:
    """Ways a learner could apply `fix` to this step's inputs (the latest last): a statement in place of
    the latest input or of the input that set the same name, or just before the latest, or first in
    the latest input's loop body; an expression in place of the matching part of the latest input."""
    if not inputs:
        return []
    code = fix.split("  #")[0].strip()
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    latest = inputs[-1]
    before = inputs[:-1]
    variants: list[list[str]] = []
    expression = len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr)
    if expression and not _is_action(tree.body[0].value):
        for edited in _substitutions(latest, tree.body[0].value, code):
            variants.append(before + [edited])
        return variants
    variants.append(before + [code])  # in place of the latest input
    targets = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    for j in reversed(range(len(before))):
        if targets & _assigned(before[j]):
            variants.append(before[:j] + [code] + before[j + 1:] + [latest])
            break
    variants.append(before + [code, latest])  # just before the latest input
    looped = _first_in_loop(latest, code)
    if looped:
        variants.append(before + [looped])
    return variants


def _is_action(node: ast.AST) -> bool:
    """A call made for its effect (x.backward(), x.grad.zero_()), not a value to put somewhere."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
        node.func.attr in ("backward", "requires_grad_", "retain_grad") or node.func.attr.endswith("_"))


def _assigned(text: str) -> set[str]:
    """The names an input binds (assignments, imports, definitions)."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return set()
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    names |= {(a.asname or a.name).split(".")[0] for a in ast.walk(tree) if isinstance(a, ast.alias)}
    names |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    return names


def _called(text: str) -> set[str]:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return set()
    return {n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", "")
            for n in ast.walk(tree) if isinstance(n, ast.Call)} - {""}


def _substitutions(text: str, fix: ast.expr, code: str) -> list[str]:
    """`text` with the sub-expression the fix stands for replaced by it: a call with the same
    arguments (math.cos(x) → torch.cos(x)), or the value of a one-line assignment."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    found = []
    fix_args = ast.unparse(fix.args) if isinstance(fix, ast.Call) else None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and fix_args is not None and ast.unparse(node.args) == fix_args and \
                isinstance(node.func, ast.Attribute) == isinstance(fix.func, ast.Attribute):
            found.append(node)
    if not found and len(tree.body) == 1 and isinstance(tree.body[0], ast.Assign):
        found.append(tree.body[0].value)
    edited = []
    for node in found[:2]:
        segment = ast.get_source_segment(text, node)
        if segment and segment in text:
            edited.append(text.replace(segment, code, 1))
    return edited


def _first_in_loop(text: str, code: str) -> str:
    """`text` with `code` as the first statement of its first loop's body ('' when it has no loop)."""
    try:
        tree = ast.parse(text)
        fix = ast.parse(code).body
    except SyntaxError:
        return ""
    for node in ast.walk(tree):
        if isinstance(node, (ast.For, ast.While)):
            node.body[:0] = fix
            return ast.unparse(tree)
    return ""
