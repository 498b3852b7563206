"""Lesson commands: %lessons, %lesson, %next, %back, %hint, %solution, %skip, %reset, %where, %answer.

The work is done by tutor.coach.Coach (attached to the session on first use); these functions only
parse arguments and turn the coach's LessonError into a one-line CommandError.
"""

from __future__ import annotations

from tutor import render_lessons  # noqa: F401 - registers the renderers for the coach's data
from tutor.coach import Coach, LessonError, LessonList, LessonRow
from tutor.commands import CommandError, command
from tutor.commands import core as _core  # imported first, so %reset below extends core's %reset

GROUP = "lessons"


def _coach(session) -> Coach:
    return Coach.of(session)


def _do(func, *args):
    try:
        return func(*args)
    except LessonError as exc:
        raise CommandError(str(exc)) from None


def lesson_list(coach: Coach) -> LessonList:
    saved = coach.store.all()
    rows = []
    for entry in coach.catalog:
        lesson = entry.lesson
        if lesson is None:
            rows.append(LessonRow(None, entry.name, "", "", 0, 0, 0, None, False, error=entry.error,
                                  origin=entry.origin))
            continue
        record = saved.get(lesson.id)
        ids = [s.id for s in lesson.steps]
        done = record.done_count(ids) if record else 0
        current = None
        if record and record.current in ids and not (record.completed and done >= len(ids)):
            current = str(ids.index(record.current) + 1)
        rows.append(LessonRow(coach.catalog.number(lesson.id), lesson.id, lesson.title, lesson.section,
                              lesson.minutes, len(ids), done, current, bool(record and record.completed),
                              active=coach.lesson is lesson, origin=entry.origin))
    return LessonList(rows, coach._notices())


@command("lessons", "list the lessons, with your progress", needs_torch=False, group=GROUP)
def lessons_command(session, args: str):
    if args.strip():
        raise CommandError("%lessons takes no arguments; %lesson ID starts one")
    return lesson_list(_coach(session))


@command("lesson", "start or resume a lesson: %lesson ID (or its number); %lesson stop leaves it",
         usage="%lesson ID | stop", group=GROUP)
def lesson_command(session, args: str):
    """Start a lesson at step 1, or resume it at the step where you left. Each lesson has its own
    namespace; your free-play variables come back when the lesson ends or after %lesson stop."""
    coach = _coach(session)
    key = args.strip()
    if not key:
        if coach.active:
            return _do(coach.where)
        return lesson_list(coach)
    if key in ("stop", "off", "quit", "leave"):
        return _do(coach.stop)
    return _do(coach.start, key)


@command("next", "go on to the next step (Enter does the same once a step is done)", group=GROUP)
def next_command(session, args: str):
    return _do(_coach(session).next)


@command("back", "go back to the previous step", group=GROUP)
def back_command(session, args: str):
    return _do(_coach(session).back)


@command("hint", "the next hint for this step (hint 1 of 3, 2 of 3, ...)", group=GROUP, needs_torch=False)
def hint_command(session, args: str):
    return _do(_coach(session).hint)


@command("solution", "the reference solution (after the hints, or when asked twice)", group=GROUP,
         needs_torch=False)
def solution_command(session, args: str):
    return _do(_coach(session).solution)


@command("skip", "move on without finishing this step (it is marked skipped)", group=GROUP)
def skip_command(session, args: str):
    return _do(_coach(session).skip)


@command("where", "show the current lesson step again", group=GROUP, needs_torch=False)
def where_command(session, args: str):
    return _do(_coach(session).where)


@command("answer", "answer a predict, explain or quiz step: %answer TEXT", usage="%answer TEXT", group=GROUP,
         needs_torch=False)
def answer_command(session, args: str):
    """Predict steps: your prediction (a value, a shape like (2, 3), or error). Explain steps: your answer
    in words. Quiz steps: the letter (typing just the letter works too)."""
    return _do(_coach(session).answer, args)


@command("reset", "fresh namespace; in a lesson: %reset step (this step again) or %reset lesson",
         usage="%reset [step|lesson]", needs_torch=False, group="general")
def reset_command(session, args: str):
    """Outside a lesson: start again from a fresh namespace (torch, np and math ready).
    In a lesson: `%reset` or `%reset step` starts this step again; `%reset lesson` starts the lesson over
    and clears its saved progress."""
    coach = session.state.get("coach")
    what = args.strip().lower()
    if coach is not None and coach.active:
        return _do(coach.reset, what)
    if what in ("step", "lesson"):
        raise CommandError(f"%reset {what} works inside a lesson; %lessons lists them")
    if what:
        raise CommandError("%reset takes no arguments outside a lesson")
    return _core.reset_command(session, args)
