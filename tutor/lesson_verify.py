"""Check a lesson against itself: every task's solution passes, every declared wrong answer fails.

Used by the meta-tests and by lesson authors (`python -m tutor.lesson_verify lessons/my_lesson.py`).
Each step is replayed from a fresh Session: the lesson's setup, then every earlier step's state
(task setups and solutions, predict code), so a step sees what a learner who got there would have.
"""

from __future__ import annotations

import sys

from tutor.lesson import CheckContext, Lesson, Predict, Task, Text


def _submit_all(session, code: str):
    from tutor.runner import split_inputs

    outcome, inputs = None, []
    for text in split_inputs(code):
        outcome = session.submit(text)
        if outcome.kind == "code":
            inputs.append(text)
    return outcome, inputs


def replay(lesson: Lesson, upto: int):
    """A fresh Session in the state a learner reaches just before step number `upto`."""
    from tutor.session import Session

    session = Session(hints=False, timeout=20)
    session.ensure_torch()
    for code, _is_setup in lesson.replay_code(upto):
        _submit_all(session, code)
    return session


def attempt(lesson: Lesson, index: int, code: str):
    """Run `code` as the learner's answer to task `index`; returns (passed, messages, outcome)."""
    task = lesson.steps[index]
    assert isinstance(task, Task)
    session = replay(lesson, index)
    if task.setup:
        _submit_all(session, task.setup)
    outcome, inputs = _submit_all(session, code)
    passed, messages = task.check(CheckContext(session.namespace, outcome, inputs))
    return passed, messages, outcome


def check_fact(session, fact) -> str | None:
    """None when the fact holds in this session's namespace, else what is wrong."""
    from tutor.lesson import _values_close

    if fact.raises:
        outcome = session.submit(fact.code)
        if outcome.error is None or outcome.error.type != fact.raises:
            got = outcome.error.type if outcome.error else "no error"
            return f"fact {fact.code!r} should raise {fact.raises}, got {got}"
        return None
    outcome = session.submit(fact.code)
    if outcome.error is not None:
        return f"fact {fact.code!r} raised {outcome.error.type}: {outcome.error.message}"
    expected = fact.expected
    if isinstance(expected, str):
        check = session.submit(expected)
        if check.error is not None:
            return f"fact {fact.code!r}: expected expression {expected!r} raised {check.error.type}"
        expected = check.value
    ok, shown = _values_close(outcome.value, expected, 1e-5, 1e-4)
    return None if ok else f"fact {fact.code!r} is {shown}, not {fact.expected!r}"


def verify(lesson: Lesson) -> list[str]:
    """Problems found: solutions that fail, wrong answers that pass, predictions that are wrong."""
    problems = list(lesson.validate())
    for index, step in enumerate(lesson.steps):
        if isinstance(step, Task):
            passed, messages, outcome = attempt(lesson, index, step.solution)
            if not passed:
                problems.append(f"{step.id}: the reference solution fails: {'; '.join(messages)}")
            for wrong in step.wrong:
                passed, _messages, _ = attempt(lesson, index, wrong)
                if passed:
                    problems.append(f"{step.id}: the wrong answer {wrong!r} is accepted")
        elif isinstance(step, Predict):
            session = replay(lesson, index)
            outcome, _ = _submit_all(session, step.code)
            ok, why = step.judge(step.expect, outcome, session.namespace)
            if not ok:
                problems.append(f"{step.id}: the expected prediction {step.expect!r} is wrong ({why})")
        if step.facts or (isinstance(step, Text) and step.examples):
            session = replay(lesson, index + 1)
            for example in getattr(step, "examples", []):
                outcome, _ = _submit_all(session, example)
                if outcome is not None and outcome.error is not None:
                    problems.append(f"{step.id}: example {example!r} raised {outcome.error.type}")
            for fact in step.facts:
                problem = check_fact(session, fact)
                if problem:
                    problems.append(f"{step.id}: {problem}")
    return problems


def load_file(path: str) -> Lesson:
    import importlib.util

    spec = importlib.util.spec_from_file_location("lesson_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.lesson


if __name__ == "__main__":
    status = 0
    for path in sys.argv[1:]:
        lesson = load_file(path)
        found = verify(lesson)
        print(f"{lesson.id}: {len(lesson.steps)} steps, " + ("OK" if not found else f"{len(found)} problems"))
        for problem in found:
            print("  -", problem)
        status |= bool(found)
    raise SystemExit(status)
