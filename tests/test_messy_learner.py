"""A messy learner: every Task of every lesson, worked through the coach the way people really do.

Scripts per task (all in process, one shared torch):
(a) the solution from a clean start passes;
(b) a wrong attempt that raises, then the solution: passes, and only on a solution input;
(c) a wrong attempt that leaves gradients or rebinds a leaf (and each declared wrong answer), then the
    solution: passes (after `%reset step` when the guard asks for it, and only then);
(d) every declared wrong answer alone never passes, and (one voice, the lesson meta-test) any fix a
    hint shows while the step is active passes the step's checks.
"""

from __future__ import annotations

import pytest

from tutor import judge
from tutor.coach import Coach, Verdict
from tutor.lesson import Task
from tutor.lessons import default_catalog
from tutor.progress import ProgressStore
from tutor.runner import split_inputs
from tutor.session import Session

CATALOG = default_catalog()
TASKS = [(lesson, i) for lesson in CATALOG.lessons for i, step in enumerate(lesson.steps) if isinstance(step, Task)]
CASES: dict[str, int] = {}


def at_step(lesson, index, hints=False):
    """A session whose coach is at task `index` of `lesson`, from the replay of the earlier steps."""
    session = Session(timeout=20, hints=hints)
    coach = Coach(session, catalog=CATALOG, store=ProgressStore(":memory:"))
    coach.lesson, coach.records = lesson, {}
    coach._fresh_namespace(lesson, index)
    coach._enter(index)
    return session, coach


def verdicts(outcome) -> list[Verdict]:
    return [f for f in outcome.feedback if isinstance(f, Verdict)]


def passed(coach, step) -> bool:
    rec = coach.records.get(step.id)
    return rec is not None and rec.done


def type_all(session, coach, step, inputs, *, may_pass: bool):
    """Submit inputs; returns (outcomes, the index of the input that passed or None).

    A pass must come on an input that ends the reference solution's inputs typed in a row (a declared
    wrong answer that starts with the whole solution, like "the solution twice", passes there too)."""
    outcomes, at = [], None
    solution = split_inputs(step.solution)
    for k, text in enumerate(inputs):
        was = passed(coach, step)
        out = session.submit(text)
        outcomes.append(out)
        if not was and passed(coach, step):
            at = k
            assert out.error is None or judge.wants_error(step), f"{step.id}: an input that raised passed: {text!r}"
            typed = inputs[:k + 1]
            in_a_row = any(typed[-m:] == solution[:m] for m in range(1, len(solution) + 1))
            assert in_a_row and (may_pass or typed == solution[:len(typed)]), \
                f"{step.id}: {text!r} passed, but it does not end an answer ({typed!r})"
    return outcomes, at


def raising_attempt(session, step) -> str:
    """A declared wrong answer that raises at the step's start (or a typo of a name when none does)."""
    for wrong in step.wrong:
        probe = Session(hints=False)
        probe.ensure_torch()
        probe.namespace.clear()
        probe.namespace.update(session.namespace)
        try:
            if any(probe.submit(t).error is not None for t in split_inputs(wrong)):
                return wrong
        finally:
            probe.namespace.clear()
    return "print(undefined_name_typed_by_mistake)"


def count(script: str) -> None:
    CASES[script] = CASES.get(script, 0) + 1


def ids(item):
    lesson, index = item
    return f"{lesson.id}:{lesson.steps[index].id}"


@pytest.mark.parametrize("item", TASKS, ids=[ids(t) for t in TASKS])
def test_a_messy_learner(item):
    lesson, index = item
    step = lesson.steps[index]
    solution = split_inputs(step.solution)

    # (a) the solution from a clean start
    session, coach = at_step(lesson, index)
    _, at = type_all(session, coach, step, solution, may_pass=True)
    assert at is not None, f"{step.id}: the solution does not pass from a clean start"
    count("a")

    # (b) an attempt that raises, then the solution
    session, coach = at_step(lesson, index)
    wrong = split_inputs(raising_attempt(session, step))
    type_all(session, coach, step, wrong, may_pass=False)
    _, at = type_all(session, coach, step, solution, may_pass=True)
    if at is None:
        solve_after_reset(session, coach, step, solution, wrong)
    count("b")

    # (c) leftovers: gradients, a rebound leaf, and every declared wrong answer, then the solution
    needs = judge.needs(step.solution, at_step(lesson, index)[0].namespace)
    messes = []
    for need in needs[:2]:
        if need.kind == "leaf":
            messes += [[f"({need.name} * 3).sum().backward()"], [f"{need.name} = {need.name} * 1"]]
        elif need.kind == "graph":
            messes.append([f"({need.name} * 3).sum().backward()"])
    messes += [split_inputs(w) for w in step.wrong[:1 if messes else 2]]
    for mess in messes:
        session, coach = at_step(lesson, index)
        type_all(session, coach, step, mess, may_pass=False)
        _, at = type_all(session, coach, step, solution, may_pass=True)
        if at is None:
            solve_after_reset(session, coach, step, solution, mess)
        count("c")

    # (d) each wrong answer alone never passes; and one voice: a fix a hint shows for it passes the step
    for wrong in step.wrong:
        session, coach = at_step(lesson, index, hints=True)
        typed = split_inputs(wrong)
        for text in typed:
            active = not passed(coach, step)  # once the step is done, its goal no longer decides the advice
            out = session.submit(text)
            for hint in out.hints if active else []:
                if hint.fix:
                    agrees = edit_agrees(coach, step, hint, solution)
                    assert agrees is not False, f"{step.id}: after {text!r} the hint {hint.id} shows {hint.fix!r}," \
                                                " which the step's checks reject"
                    count("fix")
            if passed(coach, step):
                assert out.error is None and typed[:len(solution)] == solution, \
                    f"{step.id}: the wrong answer {wrong!r} passed"  # only "the solution, then more" may
        count("d")


def edit_agrees(coach, step, hint, solution):
    """The hint's exact edit (`replaces`) applied to this step's inputs, judged from the step's start."""
    if not hint.replaces or set(hint.replaces) - set(coach.indices):
        return False
    rows = list(zip(coach.indices, coach.inputs, coach.errors))
    typed = [t for _i, t, e in rows if e is None]
    edited = [hint.replaces.get(i, t) for i, t, e in rows if e is None or i in hint.replaces]
    return judge.edit_agrees(step, coach._start(), typed, edited, hint.replaces[max(hint.replaces)],
                             solution=solution)


def solve_after_reset(session, coach, step, solution, mess):
    """The solution did not pass after a mess: the guard must have asked for %reset step, and after it
    the solution passes."""
    said = " ".join(m for o in session.history for v in verdicts(o) for m in v.messages + [v.next])
    assert "%reset step" in said, f"{step.id}: after {mess!r} the solution fails and nothing offers %reset step"
    session.submit("%reset step")
    _, at = type_all(session, coach, step, solution, may_pass=True)
    assert at is not None, f"{step.id}: after {mess!r} and %reset step the solution still fails"
    count("reset")


def test_every_lesson_task_ran_through_the_scripts(capsys):
    """Runs last in this file: how many step × script cases ran (all Tasks of all lessons)."""
    if CASES.get("a", 0) < len(TASKS):
        pytest.skip("run the whole file to count the cases")
    total = sum(v for k, v in CASES.items() if k not in ("reset", "fix"))
    with capsys.disabled():
        print(f"\nmessy learner: {len(TASKS)} tasks in {len(CATALOG.lessons)} lessons, {total} step × script cases"
              f" (a {CASES['a']}, b {CASES['b']}, c {CASES['c']}, d {CASES['d']}; %reset step needed"
              f" {CASES.get('reset', 0)} times; {CASES.get('fix', 0)} shown fixes agreed with their step)")
    assert CASES["a"] == CASES["b"] == len(TASKS) and CASES["c"] >= len(TASKS) and CASES["d"] >= len(TASKS)


def _typed(lesson_id, step_id, inputs):
    lesson = CATALOG.find(lesson_id)
    index = lesson.index(step_id)
    session, coach = at_step(lesson, index, hints=True)
    return lesson.steps[index], session, coach, [session.submit(t) for t in inputs]


def test_lesson_8_a_hint_does_not_offer_the_copy_the_step_rejects():
    """`u = torch.tensor(y)` passes make-u; a hint on the same input must not show `y.clone()` (which keeps
    u in the graph, so the step would reject it) as the fix."""
    step, session, coach, outs = _typed("detaching", "make-u", ["y = x * x", "u = torch.tensor(y)"])
    assert coach.records[step.id].done
    shown = [h.fix for h in outs[-1].hints if h.fix]
    assert not any("clone()" in f and "detach" not in f.split("#")[0] for f in shown), shown
    assert judge.fix_agrees(step, coach._start(), ["y = x * x", "u = torch.tensor(y)"], "y.clone()",
                            solution=split_inputs(step.solution)) is False


def test_lesson_9_a_fix_with_the_wrong_shape_is_rejected_and_a_shown_one_passes():
    step, session, coach, outs = _typed("control-flow", "random-scalar",
                                        ["a = torch.randn(1)", "d = f(a)", "d.backward()"])
    inputs = ["a = torch.randn(1)", "d = f(a)", "d.backward()"]
    solution = split_inputs(step.solution)
    assert judge.fix_agrees(step, coach._start(), inputs, "a = torch.randn(1, requires_grad=True)",
                            solution=solution) is False  # shape (1,), the step wants ()
    assert judge.fix_agrees(step, coach._start(), inputs, "a = torch.randn(size=(), requires_grad=True)",
                            solution=solution) is True
    for out in outs:
        for hint in out.hints:
            if hint.fix:
                assert judge.fix_agrees(step, coach._start(), inputs, hint.fix, solution=solution) is not False


def test_lesson_10_a_freed_graph_names_the_input_that_freed_it_and_a_faked_sequence_fails():
    step, session, coach, outs = _typed("backward-twice", "retain", [
        "y = 2 * torch.dot(x, x)", "y.backward()", "y.backward(retain_graph=True)"])
    text = " ".join(m for v in verdicts(outs[-1]) for m in v.messages)
    assert "freed by input 2 (`y.backward()`)" in text and "%reset step" in text, text
    assert "Trying to backward" not in text  # torch's message is on screen already, not pasted again
    # x.grad = 8x made by two different y's is not "backward twice on the same y"
    step, session, coach, outs = _typed("backward-twice", "retain", [
        "y = 2 * torch.dot(x, x)", "y.backward()", "y = 2 * torch.dot(x, x)", "y.backward(retain_graph=True)"])
    assert not coach.records[step.id].done
    out = session.submit("y.backward()")  # the sequence, on the rebuilt y: passes; the leftover 4x set aside
    assert coach.records[step.id].done and "set aside" in " ".join(verdicts(out)[0].messages)
    torch = session.namespace["torch"]
    torch.testing.assert_close(session.namespace["x"].grad, 8 * session.namespace["x"].detach())


def test_lesson_8_a_rebound_leaf_gives_one_next_move_reset_step_then_the_fix():
    step, session, coach, outs = _typed("detaching", "update-step", ["x = x - 0.1 * x.grad"])
    said = " ".join(m for v in verdicts(outs[0]) for m in v.messages)
    assert "input 1 (`x = x - 0.1 * x.grad`)" in said and "%reset step" in said
    fixes = [h.fix for h in outs[0].hints if h.fix]
    assert all("after %reset step" in f for f in fixes), fixes
    session.submit("%reset step")
    session.submit("with torch.no_grad(): x -= 0.1 * x.grad")
    assert coach.records[step.id].done


def test_lesson_10_the_one_backward_message_never_asks_for_a_call_that_would_raise():
    """After one backward() without retain_graph, calling it again raises: the card must not ask for that."""
    step, session, coach, outs = _typed("backward-twice", "retain", ["y = 2 * torch.dot(x, x)", "y.backward()"])
    said = " ".join(m for v in verdicts(outs[-1]) for m in v.messages)
    assert "freed" in said and "retain_graph=True" in said and "Now call" not in said, said
    again = session.submit("y.backward()")  # what the old message asked for: it raises
    assert again.error is not None and "second time" in again.error.message
    step, session, coach, outs = _typed("backward-twice", "retain",
                                        ["y = 2 * torch.dot(x, x)", "y.backward(retain_graph=True)"])
    said = " ".join(m for v in verdicts(outs[-1]) for m in v.messages)
    assert "Now call y.backward() a second time" in said, said
    assert session.submit("y.backward()").error is None and coach.records[step.id].done
