"""Lesson mode: the coach that walks a learner through a lesson inside a Session.

The coach plugs into a Session three ways (the Session knows nothing about lessons):
- an observer: after every input, the current task's checks run and the verdict is added to
  `outcome.feedback` (a pass message, or targeted feedback);
- an input handler, tried before code is evaluated: a bare letter answers the current quiz, `%answer`
  on a predict step runs the step's code, and an empty input (Enter) continues past a text step or a
  finished step;
- a status provider: the toolbar shows lesson, step and progress.

Each lesson has its own namespace, started fresh with the lesson's setup; the free-play namespace is
kept aside and comes back when the learner leaves the lesson (%lesson stop, or the end of the lesson).
When a lesson is resumed in a new process, the earlier steps' reference solutions are replayed so the
namespace holds what those steps define (the same replay `tutor.lesson_verify` uses).

A task is judged by the learner's own work of this step, from the step's starting state
(tutor.judge): the coach keeps `path`, the code that rebuilds the lesson namespace, and where the
current step started in it. `%skip` runs a task's solution quietly from that start, so later steps
hold; `%reset step` rebuilds that start.

Moves that run setup code (starting a lesson, entering a step, %skip, %reset) are all or nothing under
Ctrl-C: a press while that code runs puts the coach, the namespace and the lesson back as they were,
nothing is saved, and a one-line message says so (the learner asked to stop, so nothing is re-run on
the next input). Each move saves progress only once its code has run.

Everything here returns data (StepCard, Verdict, ...); `tutor.render_lessons` draws it and depends
on this module, never the other way round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from tutor import guard, judge
from tutor.answers import first_sentence, sentence
from tutor.evaluate import parses
from tutor.lesson import CheckContext, Explain, Lesson, Predict, Quiz, Step, Task, Text
from tutor.progress import ProgressStore, StepRecord

LESSON_COMMANDS = {"lessons", "lesson", "next", "back", "hint", "solution", "skip", "reset", "where", "answer"}
_SWITCHING = {"lesson", "next", "back", "skip", "reset"}  # commands that may swap the namespace
_QUIZ_ANSWER = re.compile(r"^\s*\(?([a-zA-Z])[).]?\s*$")
STEP_REJECTS = "this lesson step's checks reject it"  # why a candidate fix was refused (hint.tried, %explain)
STEP_ACCEPTS = "this lesson step takes your input as it is (✓ below): nothing to change for it."


class LessonError(Exception):
    """A lesson command that cannot be done now: one clear sentence (the command turns it into a CommandError)."""


# -- the data the renderers draw --------------------------------------------------------------


@dataclass
class StepCard:
    """The card for one step: what to read or do, and what to type next."""

    lesson: Lesson
    number: int  # 1-based position of the lesson in the catalog (None if unknown)
    index: int  # the step's index
    step: Step
    record: StepRecord | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.lesson.steps)


@dataclass
class Verdict:
    """The result of checking an answer."""

    passed: bool
    messages: list[str] = field(default_factory=list)
    next: str = ""  # what to do now
    detail: str = ""  # markdown shown under the messages (a quiz's why, a predict's explanation)
    title: str = ""
    progress: bool = False  # not passed yet, but the inputs so far begin an answer ("so far so good")
    final: bool = False  # a missed prediction: no second try, so no "not yet"


@dataclass
class ShownCode:
    """Code the tutor runs on the learner's behalf (a predict step), shown like an input."""

    code: str


@dataclass
class HintCard:
    number: int
    total: int
    text: str


@dataclass
class SolutionCard:
    step: Step
    text: str  # code for a task, the answer otherwise
    code: bool = True
    note: str = ""


@dataclass
class ModelAnswer:
    text: str
    note: str = ""


@dataclass
class Notice:
    text: str
    style: str = "cyan"


@dataclass
class LessonDone:
    lesson: Lesson
    passed: int
    skipped: int
    missed: int
    total: int
    next_lesson: Lesson | None = None
    note: str = ""


@dataclass
class LessonRow:
    number: int | None
    id: str
    title: str
    section: str
    minutes: int
    steps: int
    done: int
    current: str | None
    completed: bool
    active: bool = False
    error: str | None = None
    origin: str = "built-in"


@dataclass
class LessonList:
    rows: list[LessonRow]
    notices: list[str] = field(default_factory=list)


@dataclass
class Cards:
    """Several cards shown one after another."""

    items: list[Any]


# -- the coach -------------------------------------------------------------------------------------


def kind_of(step: Step) -> str:
    return getattr(step, "kind", "step")


class Coach:
    """Lesson mode for one Session. `Coach.of(session)` finds or attaches it."""

    def __init__(self, session, catalog=None, store: ProgressStore | None = None):
        self.session = session
        self._catalog = catalog
        self._store = store
        self.lesson: Lesson | None = None
        self.index = 0
        self.records: dict[str, StepRecord] = {}
        self.inputs: list[str] = []  # code inputs typed during the current step
        self.solution_asked = 0
        self.free_namespace: dict | None = None
        self.lesson_namespaces: dict[str, dict] = {}
        self.lesson_paths: dict[str, list[str]] = {}
        self._quiet = 0
        self.shown_notices = 0
        # the code that rebuilds the lesson namespace, and where the current step started in it
        self.path: list[str] = []
        self.step_start = 0
        self.errors: list = []  # per input of `inputs`: the ErrorInfo it raised, or None
        self.indices: list[int] = []  # per input of `inputs`: its Outcome.index (what a hint's `replaces` names)
        self._runs: dict = {}  # judge.edit_agrees's replays for this step
        self.needs: list[judge.Need] = []  # the current step's preconditions
        self.breaks: list[judge.Break] = []  # preconditions the learner's inputs broke, in order
        self.shown: set[str] = set()  # one-time messages already shown in this step
        self._alone: dict = {}  # judge.begins_solution's cache for this step
        self._start_state: judge.Start | None = None

        session.state["coach"] = self
        session.observers.append(self.observe)
        session.status_providers.append(self.status)
        judges = getattr(session, "fix_judges", None)
        if judges is not None:
            judges.append(self.judge_fix)
        session.state["verify.base"] = self.replay_base  # tutor.verify.BASE_KEY
        handlers = getattr(session, "input_handlers", None)
        if handlers is not None:
            handlers.append(self.handle_input)

    @classmethod
    def of(cls, session) -> "Coach":
        coach = session.state.get("coach")
        return coach if coach is not None else cls(session)

    @property
    def catalog(self):
        if self._catalog is None:
            from tutor.lessons import default_catalog

            self._catalog = default_catalog()
        return self._catalog

    @property
    def store(self) -> ProgressStore:
        if self._store is None:
            self._store = ProgressStore()
        return self._store

    # -- where we are -----------------------------------------------------------------------

    @property
    def active(self) -> bool:
        return self.lesson is not None

    @property
    def step(self) -> Step | None:
        return self.lesson.steps[self.index] if self.lesson is not None else None

    def record(self, step: Step | None = None) -> StepRecord:
        step = step or self.step
        if step.id not in self.records:
            self.records[step.id] = StepRecord()
        return self.records[step.id]

    def _save(self, step: Step | None = None) -> None:
        step = step or self.step
        self.store.save_step(self.lesson.id, step.id, self.record(step), current=self.step.id)

    def _require(self) -> Step:
        if self.lesson is None:
            raise LessonError("no lesson is running: %lessons lists them, %lesson ID starts one")
        return self.step

    def _notices(self) -> list[str]:
        """Store notices not shown yet (a corrupt file moved aside, progress kept in memory)."""
        fresh = self.store.notices[self.shown_notices:]
        self.shown_notices = len(self.store.notices)
        return fresh

    def status(self, session=None) -> str:
        if self.lesson is None:
            return ""
        step = self.step
        done = sum(1 for s in self.lesson.steps if s.id in self.records and self.records[s.id].done)
        rec = self.records.get(step.id)
        # the step's own verdict: a wrong prediction is over (done) but was not right, so no ✓ for it
        mark = {"passed": " ✓", "missed": " ✗", "skipped": " »"}.get(rec.status, "") if rec is not None else ""
        number = self.catalog.number(self.lesson.id)
        prefix = f"lesson {number}: " if number else "lesson "
        what = "Enter/%next" if (rec is not None and rec.done) or isinstance(step, Text) else _todo(step)
        return (f"{prefix}{self.lesson.id} · step {self.index + 1}/{len(self.lesson.steps)} {kind_of(step)}{mark}"
                f" · {done} done · {what}")

    def card(self, notes: list[str] | None = None) -> StepCard:
        step = self._require()
        return StepCard(self.lesson, self.catalog.number(self.lesson.id), self.index, step,
                        self.records.get(step.id), list(notes or []))

    # -- all or nothing: moves that run setup code ------------------------------------------

    _MOVE_STATE = ("lesson", "index", "inputs", "errors", "needs", "breaks", "shown", "_alone", "_start_state",
                   "solution_asked", "path", "step_start", "free_namespace", "lesson_namespaces", "lesson_paths")

    def _all_or_nothing(self, move, stopped: str):
        """`move()`, or, when Ctrl-C stops it, everything put back as it was and LessonError(`stopped`).

        A move saves progress only after its code ran (and a save is one transaction), so there is no
        progress to take back."""
        session = self.session
        before = {name: _copied(getattr(self, name)) for name in self._MOVE_STATE}
        before["records"] = {key: replace(rec) for key, rec in self.records.items()}
        namespace, torch_installed = dict(session.namespace), session._torch_installed
        try:
            return move()
        except KeyboardInterrupt:
            self._put_back(before, namespace, torch_installed)
            raise LessonError(stopped) from None

    @guard.uninterruptible  # a second Ctrl-C waits until everything is back
    def _put_back(self, before: dict, namespace: dict, torch_installed: bool) -> None:
        for name, value in before.items():
            setattr(self, name, value)
        self.session.namespace.clear()
        self.session.namespace.update(namespace)
        self.session._torch_installed = torch_installed

    # -- running code quietly (setup, replay) -----------------------------------------------

    def _run_quietly(self, code: str) -> list[str]:
        """Run code in the lesson namespace without showing it or checking it (it joins the path);
        returns error lines."""
        from tutor.runner import split_inputs

        session = self.session
        session.ensure_torch()
        texts = split_inputs(code)
        run = judge.run_in(session.namespace, texts, timeout=session.timeout)
        self.path += texts
        return [f"{e.type}: {e.message}" for e in run.errors if e is not None]

    def _rebuild(self, codes: list[str]) -> list[str]:
        """A fresh namespace holding what `codes` make (the path becomes `codes`); returns error lines."""
        self.session.reset()
        self.session.ensure_torch()
        self.path = []
        problems = []
        for code in codes:
            problems += self._run_quietly(code)
        return problems

    def _fresh_namespace(self, lesson: Lesson, upto: int) -> list[str]:
        """A fresh namespace with the lesson's setup and the steps before `upto` replayed."""
        self.session.reset()
        self.session.ensure_torch()
        self.path = []
        problems = []
        for code, is_setup in lesson.replay_code(upto):
            found = self._run_quietly(code)
            if is_setup:
                problems += found
        return problems

    def _enter(self, index: int, *, setup: bool = True) -> list[str]:
        """Make step `index` current (running its setup), then save that; returns notes for the card."""
        notes = self._arrive(index, setup=setup)
        self._save_arrival()
        return notes

    def _arrive(self, index: int, *, setup: bool = True) -> list[str]:
        """Make step `index` current and run its setup, saving nothing; returns notes for the card."""
        self.index = index
        self.inputs = []
        self.errors = []
        self.indices = []
        self._runs = {}
        self.breaks = []
        self.shown = set()
        self._alone = {}
        self._start_state = None
        self.solution_asked = 0
        step = self.step
        notes = []
        if setup and isinstance(step, Task) and step.setup:
            problems = self._run_quietly(step.setup)
            if problems:
                notes.append(f"this step's setup failed ({problems[0]}); please report it")
        self.step_start = len(self.path)
        self.needs = judge.needs(step.solution, self.session.namespace) if isinstance(step, Task) else []
        return notes

    def _save_arrival(self) -> None:
        step = self.step
        if step.id not in self.records:
            self.records[step.id] = StepRecord()
            self._save(step)
        else:
            self.store.set_current(self.lesson.id, step.id)

    # -- starting, leaving --------------------------------------------------------------------

    def _leave(self) -> None:
        """Put the current namespace aside (the lesson's, or free play's)."""
        snapshot = dict(self.session.namespace)
        if self.lesson is not None:
            self.lesson_namespaces[self.lesson.id] = snapshot
            self.lesson_paths[self.lesson.id] = list(self.path)
        else:
            self.free_namespace = snapshot

    def _restore_free_play(self) -> None:
        self.lesson = None
        namespace = self.session.namespace
        if self.free_namespace is not None:
            namespace.clear()
            namespace.update(self.free_namespace)
            self.free_namespace = None
        else:
            self.session.reset()

    def start(self, key: str) -> Cards:
        """%lesson ID: start a lesson, or resume it where the learner left."""
        try:
            lesson = self.catalog.find(key)
        except LookupError as exc:
            raise LessonError(str(exc)) from None
        if self.lesson is lesson:
            return Cards([Notice(f"You are in lesson {lesson.id} already."), self.card()])
        where = f"lesson {self.lesson.id}" if self.lesson is not None else "free play"
        return self._all_or_nothing(
            lambda: self._begin(lesson),
            f"Ctrl-C stopped the setup of lesson {lesson.id}, so it was not started: you are still in {where},"
            f" as you were (%lesson {lesson.id} starts it again).")

    def _begin(self, lesson: Lesson) -> Cards:
        saved = self.store.lesson(lesson.id)
        ids = [s.id for s in lesson.steps]
        notes = []
        if saved.completed and all(i in saved.steps and saved.steps[i].done for i in ids):
            index = 0
            notes.append("You finished this lesson before; here it is again from the start (your record is kept).")
        elif saved.current in ids:
            index = ids.index(saved.current)
        else:
            index = next((i for i, s in enumerate(ids) if not (s in saved.steps and saved.steps[s].done)), 0)
        self._leave()
        self.lesson = lesson
        self.records = dict(saved.steps)
        kept = self.lesson_namespaces.pop(lesson.id, None)
        if kept is not None:
            self.session.namespace.clear()
            self.session.namespace.update(kept)
            self.path = self.lesson_paths.pop(lesson.id, [])
            notes.insert(0, f"Back to step {index + 1} of {len(ids)}, with your variables as you left them.")
            notes += self._enter(index, setup=False)
        else:
            problems = self._fresh_namespace(lesson, index)
            if problems:
                notes.append(f"the lesson's setup failed ({problems[0]}); please report it")
            if index > 0:
                notes.insert(0, f"Welcome back: resuming at step {index + 1} of {len(ids)}. The earlier steps'"
                             " reference solutions were run, so your namespace has what they define.")
            notes += self._enter(index)
        if kept is None and _own_names(self.free_namespace):
            notes.append("Your free-play variables are kept aside; they come back when the lesson ends"
                         " or you type %lesson stop.")
        items: list[Any] = [Notice(n, "yellow") for n in self._notices()]
        items.append(self.card(notes))
        return Cards(items)

    def stop(self) -> Cards:
        """%lesson stop: leave lesson mode; progress is saved, free play comes back."""
        self._require()
        lesson = self.lesson
        self._leave()
        self._restore_free_play()
        return Cards([Notice(f"Left lesson {lesson.id} at step {self.index + 1}; your progress is saved."
                             f" %lesson {lesson.id} resumes it. Your free-play variables are back.")])

    # -- moving ----------------------------------------------------------------------------------

    def next(self) -> Cards:
        step = self._require()
        rec = self.record(step)
        if not rec.done:
            if isinstance(step, Text):
                rec.status = "passed"
                self._save(step)
            else:
                helps = "%hint for help, %skip to move on anyway" if isinstance(step, Task) else "%skip to move on"
                raise LessonError(f"step {self.index + 1} is not done yet: {_todo(step, long=True)} ({helps})")
        return self._advance()

    def _advance(self) -> Cards:
        if self.index + 1 < len(self.lesson.steps):
            notes = self._all_or_nothing(
                lambda: self._enter(self.index + 1),
                f"Ctrl-C stopped the setup of step {self.index + 2}: you are still at step {self.index + 1}"
                " (%next tries again).")
            return Cards([self.card(notes)])
        return self._finish()

    def _finish(self) -> Cards:
        lesson = self.lesson
        statuses = [self.records.get(s.id, StepRecord("started")).status for s in lesson.steps]
        self.store.mark_completed(lesson.id)
        lessons = self.catalog.lessons
        position = next((i for i, l in enumerate(lessons) if l.id == lesson.id), len(lessons))
        following = lessons[position + 1] if position + 1 < len(lessons) else None
        self.lesson_namespaces.pop(lesson.id, None)
        self.lesson = None
        self._restore_free_play()
        return Cards([LessonDone(lesson, statuses.count("passed"), statuses.count("skipped"),
                                 statuses.count("missed"), len(statuses), following,
                                 note="You are back in free play, with your own variables.")])

    def back(self) -> Cards:
        self._require()
        if self.index == 0:
            raise LessonError("this is the first step of the lesson")
        notes = self._enter(self.index - 1, setup=False)
        return Cards([self.card(notes)])

    def skip(self) -> Cards:
        """%skip: move on; a skipped task or prediction leaves the state its solution would have left."""
        step = self._require()
        rec = self.record(step)
        if not rec.done:
            self._all_or_nothing(lambda: self._leave_solution_state(step),
                                 f"Ctrl-C stopped %skip while it ran the step's solution: step {self.index + 1}"
                                 " is not skipped, and your variables are as they were.")
            rec.status = "skipped"
            self._save(step)
        return self._advance()

    def _leave_solution_state(self, step: Step) -> None:
        """The namespace the step's reference answer leaves: later cards and checks rely on it."""
        from tutor.runner import split_inputs

        if isinstance(step, Task) and step.solution:
            self._rebuild(self.path[:self.step_start] + split_inputs(step.solution))
        elif isinstance(step, Predict):
            self._run_quietly(step.code)

    def where(self) -> Cards:
        self._require()
        return Cards([self.card()])

    def reset(self, what: str) -> Cards:
        """%reset step | lesson."""
        step = self._require()
        if what in ("", "step"):
            self._all_or_nothing(lambda: self._rebuild(self.path[:self.step_start]),
                                 "Ctrl-C stopped %reset step while it rebuilt the step's start: nothing was"
                                 " reset, and your variables are as they were.")
            self.records[step.id] = StepRecord()
            self._save(step)
            notes = self._enter(self.index, setup=False)
            return Cards([Notice(f"Step {self.index + 1} starts again, in a fresh namespace with what the"
                                 " earlier steps define."), self.card(notes)])
        if what == "lesson":
            lesson = self.lesson

            def fresh():
                self._fresh_namespace(lesson, 0)
                return self._arrive(0)

            notes = self._all_or_nothing(fresh, "Ctrl-C stopped %reset lesson while it ran the lesson's setup:"
                                         " nothing was reset, and your variables are as they were.")
            self.store.reset_lesson(lesson.id)
            self.records = {}
            self._save_arrival()
            return Cards([Notice(f"Lesson {self.lesson.id} starts again from step 1; its saved progress"
                                 " was cleared."), self.card(notes)])
        raise LessonError(f"%reset takes 'step' or 'lesson', not {what!r}")

    # -- help -----------------------------------------------------------------------------------

    def hint(self) -> Any:
        step = self._require()
        hints = list(getattr(step, "hints", []) or [])
        rec = self.record(step)
        if isinstance(step, Text):
            return Notice("This step is reading: try its examples if you like, then Enter or %next.")
        if isinstance(step, Quiz):
            return Notice("A quiz has no hints: pick a letter; a wrong choice explains itself.")
        if not hints:
            return Notice("This step has no hints. %solution shows the answer.")
        if rec.hints_used >= len(hints):
            return Notice(f"That was the last hint ({len(hints)} of {len(hints)}). %solution shows the"
                          " reference solution.")
        rec.hints_used += 1
        self._save(step)
        return HintCard(rec.hints_used, len(hints), hints[rec.hints_used - 1])

    def solution(self) -> Any:
        step = self._require()
        rec = self.record(step)
        if isinstance(step, Text):
            return Notice("This step is reading: there is nothing to solve. Enter or %next continues.")
        hints = list(getattr(step, "hints", []) or [])
        left = len(hints) - rec.hints_used
        self.solution_asked += 1
        if left > 0 and self.solution_asked < 2 and not rec.done:
            word = "hint" if left == 1 else "hints"
            return Notice(f"There {'is' if left == 1 else 'are'} still {left} {word} for this step: %hint."
                          " Type %solution again to see the solution anyway.")
        rec.solution_shown = True
        self._save(step)
        if isinstance(step, Task):
            note = ("You passed this step; compare your answer with this one." if rec.done
                    else "Type it (or your own version) to pass the step.")
            if self.breaks and not rec.done:
                note = (f"Your namespace changed since this step began ({self.breaks[0].text.split('. %reset')[0]}):"
                        " type %reset step first, then this.")
            return SolutionCard(step, step.solution.strip(), code=True, note=note)
        if isinstance(step, Quiz):
            i = next(i for i, c in enumerate(step.choices) if c.correct)
            choice = step.choices[i]
            return SolutionCard(step, f"{step.labels[i]}) {choice.text}\n\n{choice.why}", code=False,
                                note=f"Type {step.labels[i]} to answer.")
        if isinstance(step, Predict):
            return SolutionCard(step, step.expect, code=False,
                                note=f"Type %answer {step.expect} to run it and see.")
        if isinstance(step, Explain):
            return SolutionCard(step, step.model_answer, code=False,
                                note="Write your own answer with %answer, or %skip.")
        return Notice("This step has no solution to show.")

    # -- answers ----------------------------------------------------------------------------------

    def answer(self, text: str, outcome=None) -> Any:
        """%answer TEXT for a quiz or an explain step (predict steps are handled in handle_input)."""
        step = self._require()
        if isinstance(step, Quiz):
            return self._answer_quiz(step, text)
        if isinstance(step, Explain):
            return self._answer_explain(step, text)
        if isinstance(step, Predict):
            raise LessonError("type %answer YOUR PREDICTION at the prompt")
        if isinstance(step, Task):
            raise LessonError("this step is a task: type Python code; it is checked after each input")
        raise LessonError("this step is reading: Enter or %next continues")

    def _answer_quiz(self, step: Quiz, text: str) -> Verdict:
        rec = self.record(step)
        result = step.answer(text)
        if result is None:
            raise LessonError(f"answer with one of the letters {', '.join(step.labels)}")
        correct, why = result
        label = text.strip().lower().strip("().")
        if rec.done:
            return Verdict(correct, [f"You answered this one already. {why}"], next=self._next_text())
        rec.attempts += 1
        if correct:
            rec.status = "passed"
            self._save(step)
            first = " on the first try" if rec.attempts == 1 else ""
            return Verdict(True, [f"{label}) is right{first}."], detail=why, next=self._next_text())
        self._save(step)
        return Verdict(False, [f"{label}) is not it."], detail=why, next="Try another letter.")

    def _answer_explain(self, step: Explain, text: str) -> Verdict:
        rec = self.record(step)
        taken, why_not = step.judge(text)
        if not taken:
            raise LessonError(why_not)
        rec.attempts += 1
        rec.answer = text.strip()
        rec.status = "passed"
        self._save(step)
        return Verdict(True, ["Your answer is saved. Compare it with this model answer:"],
                       detail=step.model_answer, next=self._next_text(), title="model answer")

    def _answer_predict(self, step: Predict, text: str, outcome) -> None:
        """Run the predict step's code as if typed, then judge the prediction (fills `outcome`)."""
        rec = self.record(step)
        guess = text.strip()
        outcome.kind = "command"
        if rec.done:
            outcome.feedback.append(Notice(f"You predicted this one already ({rec.answer}). "
                                           + self._next_text()))
            return
        if not guess:
            from tutor.outcome import ErrorInfo

            outcome.error = ErrorInfo("CommandError", "type your prediction after %answer, e.g. %answer "
                                      + _predict_example(step))
            return
        outcome.command_output = ShownCode(step.code)
        self.session._run_code(step.code, outcome)  # as if the learner typed it: value, error, grads
        self.path.append(step.code)
        ok, why = step.judge(guess, outcome, self.session.namespace)
        rec.attempts += 1
        rec.answer = guess
        rec.status = "passed" if ok else "missed"
        self._save(step)
        message = sentence(f"your prediction {guess} is right: {why}" if ok else f"you said {guess}, but {why}")
        outcome.feedback.append(Verdict(ok, [message], detail=step.explanation, next=self._next_text(),
                                        final=not ok))

    def _next_text(self) -> str:
        if self.lesson is None:
            return ""
        if self.index + 1 < len(self.lesson.steps):
            nxt = self.lesson.steps[self.index + 1]
            return f"Enter or %next: step {self.index + 2} of {len(self.lesson.steps)} ({kind_of(nxt)})."
        return "Enter or %next finishes the lesson."

    # -- the Session hooks ------------------------------------------------------------------

    def handle_input(self, session, text: str, outcome) -> bool:
        """Tried before evaluation: quiz letters, %answer on a predict step, Enter to continue."""
        if self.lesson is None or self._quiet:
            return False
        step = self.step
        stripped = text.strip()
        rec = self.records.get(step.id)
        done = rec is not None and rec.done
        if not stripped:
            if isinstance(step, Text) or done:
                previous = session.history[-1] if session.history else None
                if previous is not None and previous.kind == "code" and _opens_block(previous.input):
                    # the blank line a Python prompt wants after a block: not a request to move on
                    outcome.kind = "command"
                    outcome.command_output = Notice("(That blank line ended your block. " + self._next_text() + ")",
                                                    "dim")
                    return True
                outcome.kind = "command"
                outcome.command_output = self._run_lesson_command(self.next)
                return True
            return False
        if isinstance(step, Quiz):
            match = _QUIZ_ANSWER.match(stripped)
            if match:
                letter = match.group(1).lower()
                name = match.group(1)
                defined = name in session.namespace and stripped == name
                if defined and (done or letter not in step.labels):
                    return False  # a variable: inspect it
                if defined and letter in step.labels:
                    outcome.kind = "command"
                    outcome.command_output = Notice(
                        f"`{name}` is a variable here and also choice {letter}) of the quiz. To answer, type"
                        f" %answer {letter}; to see the variable, type {name}? or print({name}).", "yellow")
                    return True
                outcome.kind = "command"
                outcome.command_output = self._run_lesson_command(lambda: self._answer_quiz(step, letter))
                return True
        if isinstance(step, Explain) and not stripped.startswith("%") and not parses(stripped):
            # Prose typed straight at the prompt answers an explain step (no %answer needed).
            outcome.kind = "command"
            outcome.command_output = self._run_lesson_command(lambda: self._answer_explain(step, stripped))
            return True
        if isinstance(step, Predict) and stripped.startswith("%answer") and stripped[7:8] in ("", " ", "\n"):
            self._answer_predict(step, stripped[7:].strip(), outcome)
            return True
        if isinstance(step, Predict) and not done and not stripped.startswith("%") and not _runs_as_code(
                stripped, session.namespace):
            # "yes", "error", "2x3": a prediction typed without %answer (valid code still runs as code)
            self._answer_predict(step, stripped, outcome)
            return True
        return False

    def wants_prose(self) -> bool:
        """True while the current step takes words rather than code (the shell then skips its syntax check)."""
        return self.lesson is not None and isinstance(self.step, (Explain, Predict))

    def _run_lesson_command(self, func) -> Any:
        try:
            return func()
        except LessonError as exc:
            return Notice(str(exc), "red")

    def observe(self, session, outcome) -> None:
        """After every input: record it on the path, judge the current task; tidy lesson commands' output."""
        if self._quiet:
            return
        if self.lesson is not None and outcome.kind == "code":
            self.path.append(outcome.input)
        if outcome.kind == "command":
            stripped = outcome.input.strip()
            name = stripped[1:].split(None, 1)[0] if stripped.startswith("%") and len(stripped) > 1 else ""
            if not stripped or name in _SWITCHING:
                outcome.gradients = []  # the namespace was switched or replayed: its grads are not news
            if not stripped.startswith("%") or name in LESSON_COMMANDS:
                return
        if self.lesson is None or outcome.kind not in ("code", "command"):
            return
        step = self.step
        if not isinstance(step, Task):
            if outcome.kind == "code" and isinstance(step, (Predict, Explain)) and _looks_like_prose(outcome):
                outcome.feedback.append(Notice(f"To answer this step, type %answer {'YOUR PREDICTION' if isinstance(step, Predict) else 'YOUR ANSWER'}."))
            return
        rec = self.record(step)
        if rec.done:
            return
        if outcome.kind == "command":
            if outcome.error is not None:
                return
            # a command (say %plot) judged on the live namespace, with the step's inputs
            rec.attempts += 1
            passed, messages = step.check(CheckContext(session.namespace, outcome, list(self.inputs)))
            if passed:
                self._passed(step, outcome, messages)
            else:
                self._save(step)
            return
        self.inputs.append(outcome.input)
        self.errors.append(outcome.error)
        self.indices.append(outcome.index)
        self._watch(len(self.inputs), outcome.input)
        rec.attempts += 1
        verdict = judge.judge(step, self._start(), self.inputs, self.errors, session.namespace,
                              outcome)
        if verdict.passed:
            note = ""
            if verdict.run is not None:
                first, last = verdict.start + 1, len(self.inputs)
                self._adopt(verdict)
                which = f"input {first}" if first == last else f"inputs {first} to {last}"
                note = (f"Judged on {which} of this step, run from the step's start: what earlier attempts left"
                        " behind was set aside, and your variables now hold what these inputs made.")
            self._passed(step, outcome, verdict.messages, note)
            self._one_voice(step, outcome, True)
            return
        self._save(step)
        outcome.feedback.append(self._not_yet(step, rec, outcome))
        self._one_voice(step, outcome, False)

    def replay_base(self, session, outcome) -> set[int] | None:
        """Where a copy that tries a fix replays from (tutor.verify): the lesson's inputs are not all in
        the history (its setup, skipped steps' solutions), so the copy starts from the current step's
        starting state and replays this step's inputs. None outside a lesson."""
        if self.lesson is None:
            return None
        session.ensure_torch()
        judge.run_in(session.namespace, self.path[:self.step_start], timeout=session.timeout or 5.0)
        return set(self.indices) | {outcome.index}

    def judge_fix(self, session, outcome, replaces: dict) -> str | None:
        """One voice (a Session fix judge): while a task is active, a candidate fix that cleared the
        mistake is refused when the step's checks would reject it, so the hint goes on to its next
        candidate, and shows no code the step rejects. The edit (`replaces`) is applied to this step's
        inputs and judged from the step's start (judge.edit_agrees)."""
        if self.lesson is None or self._quiet or outcome.kind != "code":
            return None
        step = self.step
        rec = self.records.get(step.id)
        if not isinstance(step, Task) or (rec is not None and rec.done):
            return None  # a finished step no longer decides the advice
        from tutor.runner import split_inputs

        indices = self.indices + [outcome.index]
        texts = self.inputs + [outcome.input]
        errors = self.errors + [outcome.error]
        if set(replaces) - set(indices):
            return "it changes an input typed before this lesson step began"
        first = min(_after_last_error(errors[:-1]), *(indices.index(i) for i in replaces))
        rows = list(zip(indices, texts, errors))[first:]
        typed = [t for i, t, e in rows if e is None]
        edited = [replaces.get(i, t) for i, t, e in rows if e is None or i in replaces]
        solution = split_inputs(step.solution)
        agrees = judge.edit_agrees(step, self._start(), typed, edited, replaces[max(replaces)], solution=solution,
                                   about_step=judge.attempts_step(outcome.input, solution), runs=self._runs)
        return STEP_REJECTS if agrees is False else None

    def _one_voice(self, step: Task, outcome, passed: bool) -> None:
        """The card's one next move: a hint whose fixes the step rejected (judge_fix) shows none and says
        so instead of its usual words (which could name the rejected code); a fix shown while an earlier
        input broke the step's starting state says it goes after %reset step."""
        for hint in getattr(outcome, "hints", []):
            fix = getattr(hint, "fix", "")
            if fix:
                if self.breaks:
                    hint.fix = fix + (" (after %reset step)" if "#" in fix else "  # after %reset step")
                continue
            if any(why == STEP_REJECTS for _code, why in getattr(hint, "tried", [])):
                hint.fix_words = (STEP_ACCEPTS if passed else
                                  "this lesson step asks for something else here: follow its message below.")

    def _passed(self, step: Task, outcome, messages: list[str], note: str = "") -> None:
        rec = self.record(step)
        rec.status = "passed"
        self._save(step)
        shown = _pass_messages(messages) + ([note] if note else [])
        outcome.feedback.append(Verdict(True, shown, next=self._next_text()))

    def _adopt(self, verdict) -> None:
        """Make the namespace the replay that passed: the learner's passing inputs from the step's start."""
        namespace = self.session.namespace
        namespace.clear()
        namespace.update(verdict.run.namespace)
        kept = self.inputs[verdict.start:]
        self.path = self.path[:self.step_start] + kept
        self.indices = self.indices[verdict.start:]
        self.inputs, self.errors = kept, [None] * len(kept)

    def _start(self) -> judge.Start:
        """The current step's starting state (its path up to the step's start), for judging."""
        if self._start_state is None or self._start_state.path != self.path[:self.step_start]:
            self._start_state = judge.Start(self.path[:self.step_start])
        return self._start_state

    def _watch(self, number: int, line: str) -> None:
        """Note the first input after which a precondition of the step no longer holds."""
        broken = {b.need.name for b in self.breaks}
        for need in self.needs:
            if need.name in broken:
                continue
            try:
                ok = judge.holds(need, self.session.namespace)
            except Exception:  # noqa: BLE001 - a value we cannot inspect breaks nothing
                ok = True
            if not ok:
                text = judge.describe_break(need, self.session.namespace, number, line)
                self.breaks.append(judge.Break(need, number, line, text))

    def _not_yet(self, step: Task, rec: StepRecord, outcome) -> Verdict:
        """The one next move after a failed input: a broken precondition first, then what the input
        itself shows (targeted messages speak only of the input they saw), then the checks."""
        more = (f"%hint gives hint {rec.hints_used + 1} of {len(step.hints)}." if rec.hints_used < len(step.hints)
                else "%solution shows the reference solution.")
        if self.breaks:
            more += " %reset step restores the step's starting state."
        fresh = [b for b in self.breaks if b.text not in self.shown]
        if fresh and fresh[0].input_number < len(self.inputs):
            # an earlier input broke what this one relies on: that is the news
            self.shown.add(fresh[0].text)
            return Verdict(False, [fresh[0].text], next=more)
        verdict = self._what_this_input_shows(step, outcome, more)
        if fresh and not verdict.progress:
            self.shown.add(fresh[0].text)  # this very input broke it: first what it shows, then the break
            verdict.messages = verdict.messages[:1] + [fresh[0].text]
        return verdict

    def _what_this_input_shows(self, step: Task, outcome, more: str) -> Verdict:
        latest = CheckContext(self.session.namespace, outcome, [outcome.input])
        error = outcome.error
        wants = judge.wants_error(step)
        targeted = []
        for mistake in step.mistakes:
            about_error = "raised" in mistake.when.describe
            if error is not None and not wants and not about_error:
                continue  # a message about values would speak of leftovers, not of this input
            if mistake.when(latest).passed and not _followed(mistake.say, outcome.input):
                targeted.append(mistake.say)
        freed = self._freed_by(error)
        if freed and not wants:
            return Verdict(False, [freed], next=more)
        if error is not None and not wants:
            said = targeted[:1] or [f"that input raised {error.type} ({first_sentence(error.message)})."
                                    " Only inputs that run count for this step."]
            return Verdict(False, said, next=more)
        clean = self.inputs[_after_last_error(self.errors):]
        passed, failed = step.check(CheckContext(self.session.namespace, outcome, clean))
        failed = [] if passed else failed
        if self._begins_solution(step):
            # what the targeted messages say of this attempt alone, from the step's start (not of leftovers)
            attempt = judge.latest_attempt(self.inputs, self.errors)
            try:
                run = self._start().run(attempt)
                here = CheckContext(run.namespace, run.outcome, [outcome.input])
                said = [m.say for m in step.mistakes if m.when(here).passed and not _followed(m.say, outcome.input)]
            except Exception:  # noqa: BLE001
                said = []
            return Verdict(False, said[:1] or ["this can be the start of an answer; go on."], progress=True,
                           next="Type the next part.")
        if targeted and failed and failed[0] == targeted[0]:
            failed = failed[1:]
        messages = (targeted[:1] + [m for m in failed if m not in targeted][:1]) or failed[:1]
        if not messages:
            messages = ["the step's checks pass only when the whole answer runs from the step's start"]
        return Verdict(False, messages, next=more)

    def _freed_by(self, error) -> str:
        """For "backward through the graph a second time": the earlier input of this step that ran a
        backward pass without retain_graph=True (so the learner sees why, and what to do now)."""
        if error is None or "second time" not in error.message:
            return ""
        for number in range(len(self.inputs) - 1, 0, -1):
            text, err = self.inputs[number - 1], self.errors[number - 1]
            if err is None and re.search(r"\.backward\(|autograd\.grad\(", text) and "retain_graph=True" not in text:
                line = text.strip().splitlines()[0]
                key = f"freed:{number}"
                again = key in self.shown
                self.shown.add(key)
                if again:
                    return (f"the graph is still the one input {number} freed: build it again (and pass"
                            " retain_graph=True to the first backward that must keep it), or %reset step.")
                return (f"that input raised RuntimeError: the graph it goes back through was freed by input"
                        f" {number} (`{line}`), a backward pass without retain_graph=True. Build it again first,"
                        " or %reset step restores the step's starting state.")
        return ""

    def _begins_solution(self, step: Task) -> bool:
        from tutor.runner import split_inputs

        try:
            return judge.begins_solution(step, self._start(), self.inputs, self.errors,
                                         split_inputs(step.solution), self._alone)
        except Exception:  # noqa: BLE001 - "so far so good" is a courtesy, never a crash
            return False


def _after_last_error(errors: list) -> int:
    last = max((i for i, e in enumerate(errors) if e is not None), default=-1)
    return last + 1


def _followed(say: str, text: str) -> bool:
    """Whether the input already does what a targeted message advises (a `code` span or a keyword=value
    the message names), so repeating it would contradict what the learner sees."""
    squash = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
    typed = squash(text)
    spans = re.findall(r"`([^`]+)`", say) + re.findall(r"\b\w+=\w+", say)
    return any(len(squash(span)) > 3 and squash(span) in typed for span in spans)


def _pass_messages(messages: list[str]) -> list[str]:
    shown = [m for m in messages if m and m not in ("yes", "defined", "no error")]
    return shown[:3]


def _todo(step: Step, long: bool = False) -> str:
    if isinstance(step, Task):
        return "type Python; %hint" if not long else "its checks have not passed yet"
    if isinstance(step, Quiz):
        return "type a letter" if not long else f"answer with a letter ({', '.join(step.labels)})"
    if isinstance(step, Predict):
        return "%answer GUESS" if not long else "predict first: %answer YOUR PREDICTION"
    if isinstance(step, Explain):
        return "%answer TEXT" if not long else "write your answer: %answer YOUR ANSWER"
    return "Enter/%next"


def _predict_example(step: Predict) -> str:
    return {"shape": "(2, 3)", "error": "error", "value": "6.0", "text": "..."}.get(step.kind_of_answer, "...")


def _own_names(namespace: dict | None) -> list[str]:
    """The names a learner defined in a namespace (not the tutor's ready-made ones)."""
    if not namespace:
        return []
    from tutor import commands

    ready = {"torch", "np", "math", "_"} | set(commands.HELPERS)
    return [n for n in namespace if not n.startswith("__") and n not in ready]


def _opens_block(text: str) -> bool:
    """Whether an input is a compound statement (if/for/while/with/def/try/class): a Python prompt
    would have wanted a blank line after it."""
    import ast

    try:
        tree = ast.parse(text)
    except SyntaxError:
        return False
    return bool(tree.body) and isinstance(tree.body[-1], (ast.If, ast.For, ast.While, ast.With, ast.FunctionDef,
                                                         ast.AsyncFunctionDef, ast.ClassDef, ast.Try))


def _runs_as_code(text: str, namespace: dict) -> bool:
    """Whether a bare input is code: it parses, and every name it reads is defined (or a builtin)."""
    import ast
    import builtins

    try:
        tree = ast.parse(text)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            if node.id not in namespace and not hasattr(builtins, node.id):
                return False
    return True


def _looks_like_prose(outcome) -> bool:
    error = outcome.error
    return error is not None and error.type == "SyntaxError"


def _copied(value):
    """A container copied (so a move's in-place changes do not reach the saved state); anything else as is."""
    return value.copy() if isinstance(value, (list, dict, set)) else value
