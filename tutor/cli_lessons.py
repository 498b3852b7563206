"""The lesson subcommands: `autograd-tutor play` (scripted lesson mode) and `autograd-tutor lessons`.

`play LESSON --answers FILE` plays a lesson without prompt_toolkit: the learner's inputs come from FILE
(cut into inputs like `run` does; `%next`, `%hint`, quiz letters and `%answer ...` are inputs too) and
what the shell would show is printed. `--solutions` answers every step with its own reference answer
(task: the solution; quiz: the right letter; predict: `expect`; explain: the model answer), which makes
a demo and a self-test. `--json` prints one object per step. The exit status is 0 only when every task,
quiz and predict step passed.

`play` never touches the learner's saved progress: it always starts at step 1, with an in-memory
progress store, so a script gives the same result every time.

`--timeout S` is a hard limit, as in `run` (one `tutor.supervise.Supervisor` serves both): the lesson
plays in a worker process; an input that does not stop is ended, recorded as a Timeout (`hard_stops` in
`--json`), and a new worker rebuilds the lesson by replaying the earlier inputs and goes on. Progress
is then a `MirroredStore`: in memory for the replays, each live write also in a temporary file the
workers share, so what a killed worker saved is kept and nothing is counted twice.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, field

from tutor import cli_common as cli

GRADED = ("task", "quiz", "predict")


@dataclass
class StepResult:
    """How one step went in a played lesson (`play --json` prints these)."""

    lesson: str
    step: str
    index: int
    kind: str
    passed: bool
    status: str  # passed | missed | skipped | started | not reached
    attempts: int = 0
    hints_used: int = 0
    solution_shown: bool = False
    reached: bool = False
    diagnoses: list[str] = field(default_factory=list)  # hint ids the diagnosis gave during the step
    errors: list[str] = field(default_factory=list)  # errors raised by inputs during the step
    # inputs of the step whose worker process was ended (a hard time limit): input, index, type, message, replayed
    hard_stops: list[dict] = field(default_factory=list)

    @property
    def graded(self) -> bool:
        return self.kind in GRADED


def solution_inputs(step) -> list[str]:
    """The inputs that answer `step` with its own reference answer."""
    from tutor.lesson import Explain, Predict, Quiz, Task
    from tutor.runner import split_inputs

    if isinstance(step, Task):
        return split_inputs(step.solution)
    if isinstance(step, Quiz):
        # %answer, not a bare letter: a letter that is also a variable's name would be asked about
        return ["%answer " + next(label for label, c in zip(step.labels, step.choices) if c.correct)]
    if isinstance(step, Predict):
        return [f"%answer {step.expect}"]
    if isinstance(step, Explain):
        return [f"%answer {step.model_answer.strip()}"]
    return []


class _Printer:
    """Prints inputs and outcomes the way `run` does (rich on a terminal, plain text otherwise)."""

    def __init__(self, out, width: int | None, quiet: bool):
        from tutor.render import make_console
        from tutor.runner import _is_terminal

        self.out, self.width, self.quiet = out, width, quiet
        self.console = make_console(out, width=width) if (not quiet and _is_terminal(out)) else None

    def show(self, text: str | None, outcome) -> None:
        from tutor.render import outcome_renderables, outcome_text
        from tutor.runner import echo_input

        if self.quiet:
            return
        if self.console is not None:
            if text is not None:
                self.console.print(echo_input(text), style="bold", markup=False)
            for part in outcome_renderables(outcome):
                self.console.print(part)
        else:
            if text is not None:
                self.out.write(echo_input(text) + "\n")
            output = outcome_text(outcome, self.width)
            if output:
                self.out.write(output + "\n")
        self.out.flush()

    def line(self, text: str, style: str = "") -> None:
        if self.quiet:
            return
        if self.console is not None:
            self.console.print(text, style=style or None, markup=False, highlight=False)
        else:
            self.out.write(text + "\n")
        self.out.flush()


def play_lesson(lesson, *, catalog=None, inputs: list[str] | None = None, solutions: bool = False,
                out=None, quiet: bool = False, width: int | None = None, hints: bool = True,
                timeout: float | None = None, on_outcome=None, iso=None) -> list[StepResult]:
    """Play one lesson in a fresh Session with an in-memory progress store; a StepResult per step.

    `on_outcome(step, text, outcome)`, when given, sees every input and the step it was typed in.
    With `iso` (a `tutor.supervise.Isolation`) what learner code writes to file descriptor 1 joins its
    input's stdout, and a time limit is a hard one: the lesson plays in worker processes under a
    `tutor.supervise.Supervisor`, like `run`'s inputs (an input that does not stop is ended, recorded as
    a Timeout, the lesson rebuilt in a new worker by replaying the earlier inputs, and play goes on).
    """
    from tutor import supervise

    out = out or sys.stdout
    take = iso.take if iso is not None else None
    if iso is None or not supervise.supervised(timeout):
        player = _Player(lesson, catalog, _memory_store(), hints=hints, timeout=timeout, on_outcome=on_outcome,
                         take=take)
        player.drive(out, inputs=inputs, solutions=solutions, quiet=quiet, width=width)
        return player.results(player.store.lesson(lesson.id))

    import tempfile

    from tutor.progress import MirroredStore, ProgressStore
    from tutor.runner import _is_terminal

    with tempfile.TemporaryDirectory(prefix="autograd-tutor-play-") as folder:
        mirror = os.path.join(folder, "progress.sqlite3")
        store = MirroredStore(mirror, replaying=lambda: bool(player.session.state.get(supervise.REPLAYING)))
        player = _Player(lesson, catalog, store, hints=hints, timeout=timeout, on_outcome=on_outcome, take=take)
        session = player.session

        def drive(worker_out):
            player.drive(worker_out, inputs=inputs, solutions=solutions, quiet=quiet, width=width)
            return [asdict(r) for r in player.results(player.store.mirror.lesson(lesson.id))]

        def lost(outcome):  # a stop no later worker got to show
            _Printer(out, width, quiet).show(outcome.input, outcome)

        supervisor = supervise.Supervisor(session, iso, drive, terminal=_is_terminal(out) and not quiet,
                                          context=player.current_step, on_lost=lost)
        rows = supervisor.run()
        if rows is not None:
            return [StepResult(**row) for row in rows]
        # no worker finished the lesson: what the file holds, and the stops the parent saw
        for stop in supervisor.stops:
            outcome = supervise.stopped_outcome(stop)
            player.note(stop.get("context"), outcome)
        return player.results(ProgressStore(mirror).lesson(lesson.id))


def _memory_store():
    from tutor.progress import ProgressStore

    return ProgressStore(":memory:")


class _Player:
    """One lesson played in one Session: `drive` submits the inputs (the same ones, in the same order, each
    time: a Supervisor's worker runs it again from the start), `results` reports each step."""

    def __init__(self, lesson, catalog, store, *, hints: bool, timeout: float | None, on_outcome, take):
        from tutor.coach import Coach
        from tutor.lessons import Catalog, LessonEntry
        from tutor.session import Session
        from tutor import render_lessons  # noqa: F401 - renderers for the coach's cards

        if catalog is None or catalog.number(lesson.id) is None:
            catalog = Catalog([LessonEntry(lesson.id, "play", lesson=lesson)])
        self.lesson, self.on_outcome, self.take = lesson, on_outcome, take
        self.session = Session(timeout=timeout, hints=hints)
        self.store = store  # in memory: play never touches the learner's saved progress
        self.coach = Coach(self.session, catalog=catalog, store=store)
        ids = [s.id for s in lesson.steps]
        self.diagnoses: dict[str, list[str]] = {i: [] for i in ids}
        self.errors: dict[str, list[str]] = {i: [] for i in ids}
        self.hard_stops: dict[str, list[dict]] = {i: [] for i in ids}
        self.reached: set[str] = set()

    def current_step(self) -> str | None:
        coach = self.coach
        return coach.step.id if coach.lesson is self.lesson else None

    def note(self, step_id: str | None, outcome) -> None:
        """Keep what an input typed in step `step_id` showed: its diagnoses, its error, a hard stop."""
        if step_id is None or step_id not in self.errors:
            return
        self.diagnoses[step_id].extend(h.id for h in outcome.hints)
        if outcome.error is not None:
            self.errors[step_id].append(f"{outcome.error.type}: {outcome.error.message}")
        if outcome.hard_stop is not None:
            self.hard_stops[step_id].append({"input": outcome.input, **outcome.hard_stop})

    def drive(self, out, *, inputs, solutions: bool, quiet: bool, width: int | None) -> None:
        lesson, session, coach = self.lesson, self.session, self.coach
        printer = _Printer(out, width, quiet)

        def submit(text: str):
            current = coach.step if coach.lesson is lesson else None
            outcome = session.submit(text)
            if self.take is not None:
                outcome.stdout += self.take()
            if self.on_outcome is not None:
                self.on_outcome(current, text, outcome)
            self.note(current.id if current is not None else None, outcome)
            if coach.lesson is lesson:
                self.reached.add(coach.step.id)
            printer.show(text, outcome)
            return outcome

        submit(f"%lesson {lesson.id}")
        if solutions:
            guard = 4 * len(lesson.steps) + 4
            while coach.lesson is lesson and guard > 0:
                guard -= 1
                step = coach.step
                for text in solution_inputs(step):
                    submit(text)
                    if coach.lesson is not lesson or coach.step is not step:
                        break
                if coach.lesson is lesson and coach.step is step:
                    done = coach.records.get(step.id)
                    submit("%next" if done is not None and (done.done or step.kind == "text") else "%skip")
        else:
            for text in inputs or []:
                outcome = submit(text)
                if outcome.exit_requested:
                    break

    def results(self, saved) -> list[StepResult]:
        """A StepResult per step, from the saved progress `saved` (a LessonRecord) and what play saw."""
        results = []
        for index, step in enumerate(self.lesson.steps):
            rec = saved.steps.get(step.id)
            status = rec.status if rec is not None else "not reached"
            results.append(StepResult(
                self.lesson.id, step.id, index, getattr(step, "kind", "step"), status == "passed", status,
                attempts=rec.attempts if rec else 0, hints_used=rec.hints_used if rec else 0,
                solution_shown=bool(rec and rec.solution_shown), reached=step.id in self.reached or rec is not None,
                diagnoses=self.diagnoses[step.id], errors=self.errors[step.id], hard_stops=self.hard_stops[step.id]))
        return results


def summary_lines(lesson, results: list[StepResult]) -> list[str]:
    graded = [r for r in results if r.graded]
    passed = sum(r.passed for r in graded)
    ok = passed == len(graded)
    lines = [f"{'✓' if ok else '✗'} {lesson.id}: {passed} of {len(graded)} tasks, quizzes and predictions passed"
             f" ({len(results)} steps)"]
    for r in results:
        if r.graded and not r.passed:
            lines.append(f"  step {r.index + 1} {r.step} ({r.kind}): {r.status}")
    return lines


def all_passed(results: list[StepResult]) -> bool:
    return all(r.passed for r in results if r.graded)


# -- the subcommands ---------------------------------------------------------------------------


def _catalog(args):
    from tutor import lessons

    dirs = list(args.lessons_dir or [])
    lessons.configure(dirs)
    return lessons.default_catalog(refresh=True)


def _find(catalog, key: str):
    import os

    from tutor.lessons import Catalog, dir_entries

    if key.endswith(".py") and os.path.isfile(key):
        # a lesson file an author is writing: load just that file
        folder, name = os.path.split(os.path.abspath(key))
        entries = [e for e in dir_entries(folder) if e.path == os.path.join(folder, name)]
        if not entries or entries[0].lesson is None:
            reason = entries[0].error if entries else "it defines no lesson"
            raise cli.UsageError(f"cannot load the lesson in {key}: {reason}")
        return entries[0].lesson, Catalog(entries)
    try:
        return catalog.find(key), catalog
    except LookupError as exc:
        raise cli.UsageError(str(exc).replace("%lessons", "`autograd-tutor lessons`")) from None


def cmd_play(args) -> int:
    catalog = _catalog(args)
    if args.all:
        if args.lesson or args.answers:
            raise cli.UsageError("play --all plays every lesson with its solutions; give no LESSON or --answers")
        targets = [(e.lesson, catalog) for e in catalog]
        broken = catalog.broken
        solutions = True
    else:
        if not args.lesson:
            raise cli.UsageError("play needs a LESSON (or --all); `autograd-tutor lessons` lists them")
        if not args.answers and not args.solutions:
            raise cli.UsageError("play needs --answers FILE (- for stdin) or --solutions")
        if args.answers and args.solutions:
            raise cli.UsageError("choose --answers FILE or --solutions, not both")
        targets, broken = [_find(catalog, args.lesson)], []
        solutions = args.solutions
    inputs = None
    if args.answers:
        from tutor.runner import split_inputs

        inputs = split_inputs(cli.read_source(args.answers))
    from tutor.supervise import Isolation

    # Records and summaries go to a stream learner code cannot write into (see tutor.supervise).
    with Isolation() as iso:
        return _play_targets(args, targets, broken, inputs, solutions, iso)


def _play_targets(args, targets, broken, inputs, solutions: bool, iso) -> int:
    from tutor.runner import dumps

    out = iso.records
    status = 0
    summaries: list[str] = []
    for entry in broken:
        status = 1
        if args.json:
            out.write(dumps({"lesson": entry.name, "step": None, "kind": "error", "passed": False,
                             "status": "broken", "attempts": 0, "hints_used": 0, "error": entry.error}) + "\n")
        else:
            summaries.append(f"✗ {entry.name}: could not be loaded: {entry.error}")
    for lesson, lesson_catalog in targets:
        if lesson is None:
            continue
        quiet = args.json or (args.all and args.quiet)
        results = play_lesson(lesson, catalog=lesson_catalog, inputs=inputs, solutions=solutions, out=out,
                              quiet=quiet, width=args.width, hints=not args.no_hints, timeout=args.timeout,
                              iso=iso)
        if not all_passed(results):
            status = 1
        if args.json:
            for r in results:
                out.write(dumps(asdict(r)) + "\n")
            out.flush()
        else:
            lines = summary_lines(lesson, results)
            summaries.extend(lines)
            if not quiet:
                out.write("\n" + "\n".join(lines) + "\n\n")
    if not args.json and (args.all or broken):
        out.write("\n".join(summaries) + "\n")
    out.flush()
    return status


def lesson_records(catalog, store=None):
    """(rows, store): what `lessons --json` prints, one object per lesson (broken ones with their error)."""
    from tutor.progress import ProgressStore

    store = store or ProgressStore()
    saved = store.all()
    rows = []
    for entry in catalog:
        lesson = entry.lesson
        if lesson is None:
            rows.append({"number": None, "id": entry.name, "title": None, "section": None, "steps": 0,
                         "origin": entry.origin, "error": entry.error})
            continue
        record = saved.get(lesson.id)
        ids = [s.id for s in lesson.steps]
        rows.append({
            "number": catalog.number(lesson.id), "id": lesson.id, "title": lesson.title,
            "section": lesson.section, "minutes": lesson.minutes, "steps": len(ids),
            "kinds": {k: sum(1 for s in lesson.steps if s.kind == k)
                      for k in ("text", "task", "quiz", "predict", "explain")},
            "prerequisites": list(lesson.prerequisites), "origin": entry.origin, "error": None,
            "done": record.done_count(ids) if record else 0,
            "current": record.current if record else None,
            "completed": bool(record and record.completed),
        })
    return rows, store


def cmd_lessons(args) -> int:
    catalog = _catalog(args)
    if args.json:
        rows, store = lesson_records(catalog)
        for notice in store.notices:
            print(f"autograd-tutor: {notice}", file=sys.stderr)
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return 1 if catalog.broken else 0
    from tutor.coach import Coach
    from tutor.commands.lessons import lesson_list
    from tutor.render import make_console
    from tutor.session import Session

    coach = Coach(Session(), catalog=catalog)
    data = lesson_list(coach)
    console = make_console(sys.stdout, width=args.width)
    from tutor.render import to_renderable

    console.print(to_renderable(data))
    console.print("From bash: autograd-tutor --lesson ID starts the shell in a lesson (or resumes it); "
                  "inside the shell: %lesson ID.", style="dim", markup=False, highlight=False)
    return 1 if catalog.broken else 0


def extend(sub, common) -> None:
    play = sub.add_parser("play", parents=[common], help="play a lesson from a file of answers, or with its solutions")
    play.add_argument("lesson", nargs="?", metavar="LESSON", help="a lesson id, number, or a lesson file (.py)")
    play.add_argument("--answers", metavar="FILE", help="the learner's inputs (- for stdin), cut like `run` does")
    play.add_argument("--solutions", action="store_true", help="answer every step with its reference answer")
    play.add_argument("--all", action="store_true", help="play every lesson with its solutions (a self-test)")
    play.add_argument("--json", action="store_true", help="one JSON object per step")
    play.add_argument("--quiet", action="store_true", help="with --all: print only the summary")
    play.add_argument("--width", type=int, default=None, help="text width (default: terminal or 80)")
    play.set_defaults(func=cmd_play)

    listing = sub.add_parser("lessons", parents=[common], help="list the lessons and your progress")
    listing.add_argument("--json", action="store_true", help="one JSON object per lesson")
    listing.add_argument("--width", type=int, default=None, help="text width (default: terminal or 80)")
    listing.set_defaults(func=cmd_lessons)


if extend not in cli.EXTENSIONS:
    cli.EXTENSIONS.append(extend)
