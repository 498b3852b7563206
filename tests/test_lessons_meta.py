"""Meta-tests over every lesson in lessons/: it loads, its step ids are unique, `play --solutions`
passes, every task rejects its declared wrong answers (tutor.lesson_verify), and the reference
solutions give no diagnosis hints when replayed with hints on.

Each lesson is verified and played once per test session; the tests share the results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tutor.lessons import builtin_entries

ROOT = Path(__file__).parent.parent
ENTRIES = builtin_entries()
NAMES = [e.name for e in ENTRIES]

# Hints a reference solution may trigger on purpose, per (lesson id, step id): a step that
# demonstrates a silent mistake. Keep this short, and say why next to each entry.
EXPECTED_DIAGNOSES: dict[tuple[str, str], set[str]] = {
    # D2L 2.5 exercise 2: backward twice on purpose; the point of both steps is that x.grad doubles.
    ("backward-twice", "retain"): {"grad-accumulation"},
    ("backward-twice", "silent-double"): {"grad-accumulation"},
}


@dataclass
class Played:
    results: list = field(default_factory=list)  # StepResult per step
    diagnosed: list = field(default_factory=list)  # (step id, input, hint ids) for clean task inputs
    problems: list = field(default_factory=list)  # from lesson_verify.verify


_CACHE: dict[str, Played] = {}


def played(name: str) -> Played:
    if name not in _CACHE:
        from tutor.cli_lessons import play_lesson
        from tutor.lesson_verify import verify

        entry = next(e for e in ENTRIES if e.name == name)
        if entry.lesson is None:
            pytest.fail(f"{name} does not load: {entry.error}")
        record = Played()

        def on_outcome(step, text, outcome):
            if step is None or step.kind != "task" or outcome.error is not None or not outcome.hints:
                return
            allowed = EXPECTED_DIAGNOSES.get((entry.lesson.id, step.id), set())
            extra = sorted({h.id for h in outcome.hints} - allowed)
            if extra:
                record.diagnosed.append((step.id, text, extra))

        record.results = play_lesson(entry.lesson, solutions=True, quiet=True, hints=True, timeout=30,
                                     on_outcome=on_outcome)
        record.problems = verify(entry.lesson)
        _CACHE[name] = record
    return _CACHE[name]


def test_there_are_lessons():
    assert NAMES, "no lesson modules found in lessons/"
    assert NAMES == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_lesson_loads(name):
    entry = next(e for e in ENTRIES if e.name == name)
    assert entry.lesson is not None, entry.error
    lesson = entry.lesson
    assert lesson.validate() == []
    ids = [s.id for s in lesson.steps]
    assert len(ids) == len(set(ids)), "step ids must be unique"
    assert re.match(r"^\d+(\.\d+)*$", lesson.section), "cite the D2L section, e.g. 2.5.1"
    assert lesson.title and lesson.minutes > 0


def test_lesson_ids_are_unique():
    ids = [e.lesson.id for e in ENTRIES if e.lesson is not None]
    assert len(ids) == len(set(ids))


def test_prerequisites_name_real_lessons():
    ids = {e.lesson.id for e in ENTRIES if e.lesson is not None}
    for entry in ENTRIES:
        if entry.lesson is not None:
            missing = set(entry.lesson.prerequisites) - ids
            assert not missing, f"{entry.name}: unknown prerequisites {missing}"


@pytest.mark.parametrize("name", NAMES)
def test_play_solutions_passes(name):
    results = played(name).results
    failed = [f"{r.step} ({r.kind}): {r.status}; errors: {r.errors}" for r in results
              if r.kind in ("task", "quiz", "predict", "explain") and not r.passed]
    assert not failed, "\n".join(failed)
    assert all(r.reached for r in results)


@pytest.mark.parametrize("name", NAMES)
def test_solutions_pass_and_wrong_answers_are_rejected(name):
    problems = played(name).problems
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_reference_solutions_give_no_hints(name):
    """With hints on, a reference solution that runs cleanly must not set off a diagnosis."""
    diagnosed = played(name).diagnosed
    assert not diagnosed, "\n".join(f"{step}: {text!r} -> {ids}" for step, text, ids in diagnosed)


def test_every_lesson_command_is_documented():
    from tutor import commands

    commands.load()
    readme = (ROOT / "lessons" / "README.md").read_text()
    lesson_commands = [c.name for c in commands.all_commands() if c.group == "lessons"] + ["reset"]
    assert len(lesson_commands) >= 10
    for name in lesson_commands:
        assert f"%{name}" in readme, f"%{name} is not documented in lessons/README.md"


def test_the_readme_example_lesson_is_valid_and_passes(tmp_path):
    """The complete example in lessons/README.md is a working lesson."""
    from tutor.cli_lessons import all_passed, play_lesson
    from tutor.lesson_verify import load_file, verify

    readme = (ROOT / "lessons" / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    example = next(b for b in blocks if "lesson = Lesson(" in b)
    path = tmp_path / "lesson99_example.py"
    path.write_text(example)
    lesson = load_file(str(path))
    assert verify(lesson) == []
    assert all_passed(play_lesson(lesson, solutions=True, quiet=True))
