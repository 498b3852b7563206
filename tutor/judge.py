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
MAX_CANDIDATES = 6  # replays per judged input, at most


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
    from tutor import evaluate

    started = time.perf_counter()
    namespace = fresh_namespace()
    outcome, errors = None, []
    for i, code in enumerate(codes):
        result = evaluate.execute(code, namespace, f"<replay {i}>", timeout=timeout)
        if result.has_value:
            namespace["_"] = result.value
        outcome = result
        errors.append(result.error)
    return Run(namespace, outcome, errors, time.perf_counter() - started)


def wants_error(step: Task) -> bool:
    """Whether the task asks for an input that raises (a `raised` check)."""
    return any(c.describe.startswith("raised") for c in step.checks)


def is_syntax_error(error) -> bool:
    return error is not None and error.type == "SyntaxError"


def judge(step: Task, start_path: list[str], inputs: list[str], errors: list, live_namespace: dict,
          live_outcome, *, budget: float = REPLAY_BUDGET) -> Judgement:
    """Judge the step after its latest input. `inputs`/`errors` are this step's code inputs and what
    each raised (None when it ran); `start_path` rebuilds the state the step started from."""
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
    starts = list(range(first, len(kept)))
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
        run = replay(start_path + candidate)
        replays += 1
        spent += run.elapsed
        if any(e is not None for e in run.errors[len(start_path):]) and not allow_errors:
            continue  # it raised when replayed: not a clean attempt
        passed, messages = step.check(CheckContext(run.namespace, run.outcome, candidate))
        if passed:
            return Judgement(True, messages, start=kept[pos][0], run=run, replays=replays)
    verdict.replays = replays
    return verdict


def begins_solution(step: Task, start_path: list[str], inputs: list[str], errors: list,
                    solution: list[str], alone_passes: dict, *, budget: float = REPLAY_BUDGET) -> bool:
    """Whether the latest inputs, followed by the rest of the solution, pass, while the rest alone does
    not: the learner's inputs so far are a prefix of an answer."""
    if len(solution) < 2 or not inputs or errors[-1] is not None:
        return False
    spent = 0.0
    for length in range(1, min(3, len(inputs)) + 1):
        candidate = inputs[-length:]
        if any(e is not None for e in errors[-length:]):
            break
        for j in range(1, len(solution)):
            rest = solution[j:]
            if j not in alone_passes:
                run = replay(start_path + rest)
                spent += run.elapsed
                alone_passes[j] = step.check(CheckContext(run.namespace, run.outcome, rest))[0]
            if alone_passes[j]:
                continue
            run = replay(start_path + candidate + rest)
            spent += run.elapsed
            if all(e is None for e in run.errors[len(start_path):]):
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
    kind: str  # "exists" | "leaf" | "graph"


@dataclass
class Break:
    need: Need
    input_number: int  # 1-based, among this step's inputs
    line: str
    text: str  # the one line shown


def _names_used_before_set(code: str) -> list[str]:
    """Names the code reads before it assigns them, in order (a rough, top-level reading)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    assigned: set[str] = set()
    used: list[str] = []
    for stmt in tree.body:
        loads = [n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]
        for name in loads:
            if name not in assigned and name not in used:
                used.append(name)
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                assigned.add(node.id)
    return used


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
                found.append(Need(name, "exists"))
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
        what = (f"the graph behind `{need.name}` was freed by {where} (a backward pass without"
                " retain_graph=True)")
    else:
        what = f"`{need.name}` changed at {where}"
    return what + ". %reset step restores the step's starting state."
