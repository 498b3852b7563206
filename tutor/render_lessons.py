"""Drawing lesson mode's data (tutor.coach) with rich: step cards, verdicts, hints, the lesson list."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from tutor.coach import (Cards, HintCard, LessonDone, LessonList, ModelAnswer, Notice, ShownCode, SolutionCard,
                         StepCard, Verdict)
from tutor.lesson import Explain, Predict, Quiz, Task
from tutor.lesson import Text as TextStep
from tutor.render import markdown, renders

KIND_STYLE = {"text": "blue", "task": "magenta", "quiz": "cyan", "predict": "yellow", "explain": "green"}
STATUS_MARK = {"passed": "✓ passed", "skipped": "» skipped", "missed": "✗ missed", "started": ""}


def code_block(code: str) -> RenderableType:
    return Syntax(code.strip("\n"), "python", theme="ansi_dark", background_color="default", word_wrap=True)


def prose_or_code(text: str) -> RenderableType:
    """Markdown, except that several lines of plain Python are shown as code (markdown would join them)."""
    from tutor.evaluate import parses

    if "\n" in text.strip() and "```" not in text and parses(text):
        return code_block(text)
    return markdown(text)


@renders(ShownCode)
def _shown(data: ShownCode) -> RenderableType:
    lines = data.code.strip("\n").splitlines() or [""]
    return Text("\n".join((">>> " if i == 0 else "... ") + line for i, line in enumerate(lines)), style="bold")


def _footer(card: StepCard) -> Text:
    step, rec = card.step, card.record
    text = Text(style="dim")
    if rec is not None and rec.done:
        text.append("Done. ", style="green")
        text.append("Enter or %next continues · %back goes back")
        return text
    if isinstance(step, TextStep):
        text.append("Try the examples if you like; then press Enter (or %next) to continue.")
    elif isinstance(step, Task):
        n = len(step.hints)
        text.append("Type Python at the prompt: your work is checked after each input.\n")
        if n:
            used = rec.hints_used if rec is not None else 0
            text.append(f"%hint ({n - used} of {n} left) · " if used else f"%hint ({n} available) · ")
        text.append("%solution · %skip · %where shows this card again")
    elif isinstance(step, Quiz):
        text.append(f"Type just the letter of your answer ({', '.join(step.labels)}).")
    elif isinstance(step, Predict):
        form = {"shape": "a shape like (2, 3)", "error": "error, if you think it fails",
                "value": "a value, e.g. 6.0 or [1., 2.]", "text": "a short answer"}[step.kind_of_answer]
        text.append(f"Predict first, then type %answer YOUR PREDICTION ({form}). The code runs after you answer.")
    elif isinstance(step, Explain):
        text.append(f"Think it through, then type your answer at the prompt (at least {step.min_words} words);"
                    " a model answer follows. %skip moves on.")
    return text


def _body(card: StepCard) -> list[RenderableType]:
    step = card.step
    parts: list[RenderableType] = []
    if isinstance(step, TextStep):
        parts.append(markdown(step.markdown))
        if step.examples:
            parts.append(Text("\nTry:", style="bold"))
            for example in step.examples:
                parts.append(Padding(code_block(example), (0, 0, 0, 2)))
    elif isinstance(step, Task):
        parts.append(markdown(step.goal))
    elif isinstance(step, Quiz):
        parts.append(markdown(step.question))
        parts.append(Text(""))
        choices = Table.grid(padding=(0, 1))
        choices.add_column(style="bold cyan", no_wrap=True)
        choices.add_column()
        for label, choice in zip(step.labels, step.choices):
            choices.add_row(f"{label})", markdown(choice.text))
        parts.append(choices)
    elif isinstance(step, Predict):
        parts.append(markdown(step.question))
        parts.append(Padding(code_block(step.code), (0, 0, 0, 2)))
    elif isinstance(step, Explain):
        parts.append(markdown(step.question))
    return parts


@renders(StepCard)
def _card(card: StepCard) -> RenderableType:
    lesson, step = card.lesson, card.step
    number = f"Lesson {card.number} · " if card.number else ""
    kind = getattr(step, "kind", "step")
    status = STATUS_MARK.get(card.record.status, "") if card.record is not None else ""
    subtitle = Text(f" step {card.index + 1} of {card.total} · {kind}" + (f" · {status}" if status else "") + " ")
    parts: list[RenderableType] = [Text(n, style="yellow") for n in card.notes]
    if parts:
        parts.append(Text(""))
    parts += _body(card)
    parts += [Text(""), _footer(card)]
    # The title is fitted when printed: shortened at a word at 80 columns, the card at most 100 wide.
    from tutor.render_fit import FittedPanel

    return FittedPanel(Group(*parts), (number, lesson.title, f" (D2L {lesson.section})"), title_align="left",
                       subtitle=subtitle, subtitle_align="right", border_style=KIND_STYLE.get(kind, "white"),
                       box=box.ROUNDED, padding=(0, 1))


@renders(Verdict)
def _verdict(v: Verdict) -> RenderableType:
    head = Text()
    if v.passed:
        head.append("✓ Passed: " if not v.title else "✓ ", style="bold green")
        head.append(v.messages[0] if v.messages else "well done.", style="green")
        extra = v.messages[1:]
    elif v.progress:
        head.append("… So far so good: ", style="bold yellow")
        head.append(v.messages[0] if v.messages else "go on.")
        extra = v.messages[1:]
    elif v.final:
        head.append("✗ ", style="bold red")
        head.append(v.messages[0] if v.messages else "that was not it.")
        extra = v.messages[1:]
    else:
        head.append("✗ Not yet: ", style="bold red")
        head.append(v.messages[0] if v.messages else "the checks did not pass.")
        extra = v.messages[1:]
    parts: list[RenderableType] = [head]
    for message in extra:
        parts.append(Text(f"  {'✓' if v.passed else '·'} {message}", style="green" if v.passed else ""))
    if v.detail:
        body = markdown(v.detail)
        if v.title:
            parts.append(Panel(body, title=v.title, title_align="left", box=box.ROUNDED, border_style="green"))
        else:
            parts.append(Padding(body, (0, 0, 0, 2)))
    if v.next:
        parts.append(Text(v.next, style="dim"))
    return Group(*parts)


@renders(HintCard)
def _hint(h: HintCard) -> RenderableType:
    head = Text(f"hint {h.number} of {h.total}", style="bold green")
    more = "%hint for the next one" if h.number < h.total else "that was the last hint; %solution shows the answer"
    return Group(head, Padding(prose_or_code(h.text), (0, 0, 0, 2)), Text(more, style="dim"))


@renders(SolutionCard)
def _solution(s: SolutionCard) -> RenderableType:
    body = code_block(s.text) if s.code else markdown(s.text)
    parts: list[RenderableType] = [body]
    if s.note:
        parts.append(Text(s.note, style="dim"))
    return Panel(Group(*parts), title="solution", title_align="left", border_style="yellow", box=box.ROUNDED)


@renders(ModelAnswer)
def _model(m: ModelAnswer) -> RenderableType:
    return Panel(markdown(m.text), title="model answer", title_align="left", border_style="green")


@renders(Notice)
def _notice(n: Notice) -> RenderableType:
    return Text(n.text, style=n.style)


@renders(Cards)
def _cards(c: Cards) -> RenderableType:
    from tutor.render import to_renderable

    return Group(*(to_renderable(item) for item in c.items))


@renders(LessonDone)
def _done(d: LessonDone) -> RenderableType:
    text = Text()
    text.append(f"🎓 Lesson complete: {d.lesson.title}", style="bold green")
    counts = [f"{d.passed} of {d.total} steps done"]
    if d.skipped:
        counts.append(f"{d.skipped} skipped")
    if d.missed:
        counts.append(f"{d.missed} predictions missed")
    text.append("\n" + ", ".join(counts) + ". Your progress is saved.")
    if d.note:
        text.append("\n" + d.note, style="dim")
    if d.next_lesson is not None:
        text.append("\nNext: ", style="bold")
        text.append(f"%lesson {d.next_lesson.id}", style="bold cyan")
        text.append(f"  ({d.next_lesson.title}, D2L {d.next_lesson.section})")
    else:
        text.append("\nThat was the last lesson. %lessons shows your progress.", style="bold")
    return Panel(text, border_style="green", box=box.ROUNDED, expand=False)


@renders(LessonList)
def _list(data: LessonList) -> RenderableType:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("lesson", style="bold cyan", no_wrap=True)
    table.add_column("title", ratio=1)
    table.add_column("D2L", no_wrap=True)
    table.add_column("progress", no_wrap=True)
    broken = []
    for row in data.rows:
        if row.error:
            broken.append(row)
            continue
        if row.completed and row.done >= row.steps:
            progress = Text(f"✓ done {row.done}/{row.steps}", style="green")
        elif row.done or row.current:
            at = f" (at step {row.current})" if row.current else ""
            progress = Text(f"▸ {row.done}/{row.steps}{at}", style="yellow")
        else:
            progress = Text(f"{row.steps} steps", style="dim")
        if row.active:
            progress.append("  ← you are here", style="bold")
        table.add_row(str(row.number or ""), row.id, row.title, row.section, progress)
    parts: list[RenderableType] = [Text(n, style="yellow") for n in data.notices]
    if data.rows and len(broken) < len(data.rows):
        parts.append(table)
    for row in broken:
        parts.append(Text(f"⚠ {row.id} ({row.origin}) could not be loaded: {row.error}", style="red"))
    if not data.rows:
        parts.append(Text("No lessons found.", style="dim"))
    else:
        parts.append(Text("%lesson ID (or number) starts or resumes a lesson.", style="dim"))
    return Group(*parts)
