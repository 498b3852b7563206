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


# -- quiz and explain steps are real checks ----------------------------------------------------------

OFF_TOPIC = "I had pasta for lunch today and then went for a long walk in the park."
TOO_SHORT = "I think so"


def _walk_answers(lesson):
    """Play `lesson` in lesson mode; at each quiz try every wrong choice, then the right one; at each
    explain step try a too-short and an off-topic answer, then the model answer. What happened is
    returned as a list of problems (empty when every refusal and every acceptance was right)."""
    from tutor import render_lessons  # noqa: F401 - renderers for the coach's cards
    from tutor.coach import Coach, Verdict
    from tutor.lessons import Catalog, LessonEntry
    from tutor.progress import ProgressStore
    from tutor.session import Session

    session = Session(timeout=30, hints=False)
    coach = Coach(session, catalog=Catalog([LessonEntry(lesson.id, "meta", lesson=lesson)]),
                  store=ProgressStore(":memory:"))
    session.submit(f"%lesson {lesson.id}")
    problems, tried = [], 0
    for step in lesson.steps:
        if coach.lesson is not lesson or coach.step is not step:
            problems.append(f"lesson mode is not at step {step.id}")
            break
        if step.kind == "quiz":
            for label, choice in zip(step.labels, step.choices):
                if choice.correct:
                    continue
                tried += 1
                out = session.submit(f"%answer {label}").command_output
                if not isinstance(out, Verdict) or out.passed:
                    problems.append(f"{step.id}: the wrong choice {label}) was not refused")
                elif out.detail != choice.why:
                    problems.append(f"{step.id}: choice {label}) did not explain itself with its own why")
                if coach.records[step.id].done:
                    problems.append(f"{step.id}: the wrong choice {label}) marked the step done")
            right = next(label for label, c in zip(step.labels, step.choices) if c.correct)
            out = session.submit(f"%answer {right}").command_output
            if not (isinstance(out, Verdict) and out.passed):
                problems.append(f"{step.id}: the right choice {right}) was not accepted")
        elif step.kind == "explain":
            for label, text in (("too short", TOO_SHORT), ("off-topic", OFF_TOPIC)):
                tried += 1
                outcome = session.submit(f"%answer {text}")
                record = coach.records.get(step.id)
                if outcome.error is None or (record is not None and record.done):
                    problems.append(f"{step.id}: the {label} answer was taken")
            out = session.submit(f"%answer {step.model_answer.strip()}").command_output
            if not (isinstance(out, Verdict) and out.passed):
                problems.append(f"{step.id}: the model answer was not taken")
        record = coach.records.get(step.id)
        session.submit("%next" if step.kind == "text" or (record is not None and record.done) else "%skip")
    return problems, tried


@pytest.mark.parametrize("name", NAMES)
def test_quiz_and_explain_steps_refuse_wrong_answers(name):
    """Every wrong quiz choice is refused with its own why; every explain step takes its model answer
    and refuses a too-short and an off-topic one (through lesson mode, as a learner types them)."""
    lesson = next(e.lesson for e in ENTRIES if e.name == name)
    problems, tried = _walk_answers(lesson)
    kinds = [s.kind for s in lesson.steps]
    expected = sum(len(s.choices) - 1 for s in lesson.steps if s.kind == "quiz") + 2 * kinds.count("explain")
    assert tried == expected
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_every_quiz_choice_has_its_own_why(name):
    lesson = next(e.lesson for e in ENTRIES if e.name == name)
    for step in lesson.steps:
        if step.kind == "quiz":
            whys = [c.why.strip() for c in step.choices]
            assert len(set(whys)) == len(whys), f"{step.id}: two choices share a why"
            assert all(len(w.split()) >= 4 for w in whys), f"{step.id}: a why too short to explain anything"


def test_every_builtin_explain_step_names_its_topics():
    """Without topics any five words pass: every built-in explain step must say what it is about."""
    missing = [f"{e.lesson.id}/{s.id}" for e in ENTRIES if e.lesson is not None
               for s in e.lesson.steps if s.kind == "explain" and not s.topics]
    assert not missing, missing


def test_explain_judge():
    from tutor.lesson import Explain

    step = Explain("why", question="Why?", model_answer="Because the gradient adds up.", topics=["grad", "add"])
    assert step.judge("the gradients add up over the batch")[0]
    assert step.judge("It ADDS into it, every backward pass does")[0]  # any case, word start
    taken, why = step.judge(OFF_TOPIC)
    assert not taken and "grad, add" in why
    assert not step.judge("saddle points are everywhere in high dimensions")[0]  # 'add' inside a word
    taken, why = step.judge("gradients add")
    assert not taken and "at least 5 words" in why
    assert Explain("e", question="?", model_answer="x", topics=["grad"]).validate() == [
        "explain e: the model answer mentions none of its topics"]
    assert Explain("e", question="?", model_answer="any words at all here").judge(OFF_TOPIC)[0]


# -- what the lessons say the book says ------------------------------------------------------------

# Every sentence of lesson or hint text that says what the book (D2L) does or says, reviewed against
# the book (English edition, the section named). A new attribution fails the test until it is checked
# and added here: never attribute to the book what it does not say.
REVIEWED_ATTRIBUTIONS: dict[str, str] = {
    "The book uses `torch.norm`": "2.3.10 computes norms with torch.norm",
    "One of D2L 2.3's exercises asks how far you travel between two points in Manhattan":
        "2.3 exercises: distance in Manhattan in avenues and streets, diagonally?",
    "D2L 2.4.1 names accuracy (and the area under the ROC curve)":
        "2.4.1: accuracy and AUC are not differentiable; a differentiable surrogate instead",
    "D2L 2.4 builds a small `plot` function on top of matplotlib": "2.4.2 defines use_svg_display, plot, ...",
    "**Outside Jupyter the book's helper shows nothing.**": "2.4.2's plot never calls show()",
    "D2L 2.4, exercise 6 asks for the same picture for a new function": "2.4 exercise 6: x³ − 1/x at x = 1",
    "the book lists:": "2.4.3 lists the gradient identities",
    "The book has a typo": "a wrong quiz choice: the book has no typo there",
    "the book stacks gradients as columns (denominator layout)": "2.4.3: ∇ₓAx = Aᵀ",
    "the book's ∇ₓAx is 3 × 2": "2.4.3: ∇ₓAx = Aᵀ",
    "D2L 2.5 (lesson backprop-by-hand) compare the two": "2.5 exercises 7 and 8: forward vs backward",
    "The book writes `torch.arange(4.0)`": "2.5.1",
    "The book's y is the scalar 2·xᵀx": "2.5.1: y = 2 * torch.dot(x, x)",
    "the \"gradient as a column\" convention the book uses in D2L 2.4": "2.4.3: ∇ₓAx = Aᵀ",
    "D2L 2.5.4 differentiates a function with Python control flow": "2.5.4",
    "The book calls it with a random **scalar** `a`": "2.5.4: a = torch.randn(size=(), requires_grad=True)",
    "D2L 2.5.2 notes it is faster": "2.5.2: y.backward(gradient=torch.ones(len(y)))  # Faster: y.sum().backward()",
    "The book checks `a.grad == d / a` with `==`": "2.5.4",
    "That is why the book can check a.grad == d / a": "2.5.4",
    "Exercise 2 of D2L 2.5 asks a short question": "2.5 exercise 2: backward twice",
    "D2L 2.5, exercise 8: when is it better to differentiate forward": "2.5 exercise 8",
    "(lesson backward-twice, D2L 2.5 exercise 2, shows what happens": "names the exercise, not a claim",
    "The book uses a random a.": "2.5.4",
    "# D2L uses a random input": "2.5.4",
    "In D2L's control-flow function, b = 2a is doubled while b.norm() < 1000": "2.5.4",
    "Give the axes labels and a legend, as the book does": "2.4.2: plot(x, [f(x), 2 * x - 3], 'x', 'f(x)', legend=...)",
    "many \"the book is wrong\" reports": "what learners report, not what the book says",
    "exactly as the book does it for a scalar": "2.5.4: d.backward() on a scalar d",
    # headings followed by a sentence, not claims about the book
    "(D2L 2.4) How fast does": "a heading",
    "(D2L 2.5.4) Autograd does not": "a heading",
}

_BOOK = re.compile(
    r"\b(the book|D2L(?: \d+(?:\.\d+)*)?)(?:'s)?\b[^.!?\n]{0,40}?\b(warn|recommend|say|said|suggest|advis|"
    r"mention|note|explain|point|tell|ask|claim|caution|call|write|use|check|list|build|stack|compare|"
    r"differentiat|give|show|define|prefer|insist|name|state|report|propose|introduc|teach|cover|"
    r"discuss|do)\w*", re.I)


def _attributions():
    from tests.test_quoted_messages import source_strings

    sources = sorted((ROOT / "lessons").glob("*.py")) + sorted((ROOT / "tutor" / "hints").rglob("*.py"))
    for path in sources:
        for line, text in source_strings(path):
            for sentence in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
                if _BOOK.search(sentence):
                    yield f"{path.relative_to(ROOT)}:{line}", sentence


def test_what_the_lessons_say_the_book_says_was_reviewed():
    found = list(_attributions())
    assert len(found) >= 15
    unreviewed = [f"{where}: {sentence}" for where, sentence in found
                  if not any(reviewed in sentence for reviewed in REVIEWED_ATTRIBUTIONS)]
    assert not unreviewed, ("check these against the book, then list them in REVIEWED_ATTRIBUTIONS:\n"
                            + "\n".join(unreviewed))
    stale = [r for r in REVIEWED_ATTRIBUTIONS if not any(r in sentence for _where, sentence in found)]
    assert not stale, f"no longer in any lesson or hint, remove: {stale}"


def test_the_attribution_check_catches_a_new_claim():
    """The old lesson 9 text said the book warns about a = 0; it does not (D2L 2.5.4)."""
    sentence = "The book warns about exactly this."
    assert _BOOK.search(sentence)
    assert not any(reviewed in sentence for reviewed in REVIEWED_ATTRIBUTIONS)
