"""The shell's own texts, fitted to the terminal: the toolbar, the start-up note and the goodbye.

Plain data in, text out, so tests can compare them at 80 and 120 columns.
"""

from __future__ import annotations

from rich.text import Text

ELLIPSIS = "…"

# (kind, text, priority): the item with the lowest priority is dropped first when the line is too long
_FREE_PLAY = [
    ("key", "%help", 9), ("text", "", 9), ("key", "%lessons", 6), ("text", "", 6),
    ("key", "Tab", 3), ("text", " complete", 3), ("key", "Ctrl-R", 2), ("text", " search", 2),
    ("key", "Ctrl-C", 4), ("text", " stop", 4), ("key", "Ctrl-D", 10), ("text", " quit", 10),
]
_IN_LESSON = [("key", "%help", 7), ("text", "", 7), ("key", "Ctrl-D", 8), ("text", " quit", 8)]
SEPARATOR = " · "


def shorten(text: str, width: int) -> str:
    """`text` cut to `width` characters at a word boundary, with an ellipsis (never mid-word if avoidable)."""
    if len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    cut = text[: width - 1]
    space = cut.rfind(" ")
    if space >= width // 2:
        cut = cut[:space]
    return cut.rstrip(" ·:,…") + ELLIPSIS


def _groups(items):
    """Pairs (key, label) of the item list, each with its priority."""
    pairs = []
    for i in range(0, len(items), 2):
        (k1, t1, p), (k2, t2, _) = items[i], items[i + 1]
        pairs.append(([(k1, t1)] + ([(k2, t2)] if t2 else []), p))
    return pairs


def toolbar_items(width: int, status: str = "", loading: str = "") -> list[tuple[str, str]]:
    """The toolbar as (kind, text) pieces (kind: 'name', 'key' or 'text') that fit in `width` columns.

    Free play lists the keys, dropping the least needed first (search, completion, stop, lessons);
    in a lesson the step's status comes first and is shortened at a word; `%help` and `Ctrl-D quit`
    stay as long as there is any room.
    """
    room = max(width - 1, 20)
    groups = _groups(_IN_LESSON if status else _FREE_PLAY)
    head = [("name", " autograd-tutor")]

    def length(pieces):
        return sum(len(t) for _, t in pieces)

    def assemble(groups, middle):
        pieces = list(head)
        for text in middle:
            pieces += [("text", SEPARATOR + text)]
        for group, _ in groups:
            pieces.append(("text", SEPARATOR))
            pieces += group
        return pieces

    middle = [m for m in (status, loading) if m]
    while length(assemble(groups, middle)) > room:
        droppable = [g for g in groups if g[1] < 10]
        if status and middle:
            # shorten the status first, down to a readable minimum, then drop keys
            fixed = length(assemble(groups, middle[1:])) + len(SEPARATOR)
            if room - fixed >= 24:
                middle[0] = shorten(status, room - fixed)
                break
        short = "waiting for torch…" if "waiting" in loading else "loading…"
        if loading and loading in middle and loading != short:
            middle[middle.index(loading)] = loading = short
            continue
        if not droppable:
            break
        groups.remove(min(droppable, key=lambda g: g[1]))
    pieces = assemble(groups, middle)
    if length(pieces) > room:  # still too long (a very narrow terminal): cut the end
        text = "".join(t for _, t in pieces)
        return [("text", shorten(text, room))]
    return pieces


def toolbar_plain(width: int, status: str = "", loading: str = "") -> str:
    return "".join(text for _, text in toolbar_items(width, status, loading))


def resume_text(in_progress: list[tuple[str, str | None]]) -> Text | None:
    """The start-up note about lessons in progress, with the way to resume, or None."""
    if not in_progress:
        return None
    lesson, step = in_progress[0]
    text = Text("▸ ", style="cyan")
    if len(in_progress) == 1:
        text.append("A lesson is in progress: ")
        text.append(lesson, style="bold")
        if step:
            text.append(f" (at step {step})")
        text.append(". ")
    else:
        text.append("Lessons in progress: ")
        text.append(", ".join(name for name, _ in in_progress), style="bold")
        text.append(". ")
    text.append(f"%lesson {lesson}", style="cyan")
    text.append(" resumes it where you left.")
    return text


def goodbye_text(where: str | None) -> Text:
    """What Ctrl-D (or %quit) says on the way out."""
    text = Text("Goodbye. ")
    if where:
        text.append("Your lesson progress and input history are kept in ")
        text.append(where, style="cyan")
        text.append("; start again with ")
    else:
        text.append("Start again with ")
    text.append("autograd-tutor", style="cyan")
    text.append(".")
    return text
