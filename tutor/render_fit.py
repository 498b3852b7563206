"""Fitting text to the terminal: panel titles shortened at a word, prose at a readable width.

`FittedPanel` is a rich Panel whose title is fitted when it is printed (when the width is known):
the title's middle part is shortened at a word boundary with an ellipsis, never cut mid-word by the
border, and the panel is at most `PROSE_WIDTH` columns wide so prose stays readable on a wide
terminal (lines of ~100 characters, as the book's pages have).
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.panel import Panel
from rich.text import Text

from tutor.render_shell import shorten

PROSE_WIDTH = 100
TITLE_MARGIN = 6  # the corners, the border before the title and the spaces around it


def fit_title(head: str, main: str, tail: str, width: int) -> str:
    """`head + main + tail` in at most `width` characters, `main` shortened at a word if needed."""
    room = width - len(head) - len(tail)
    if len(main) <= room:
        return head + main + tail
    if room >= 12:
        return head + shorten(main, room) + tail
    return shorten(head + main + tail, width)


class FittedPanel:
    """A Panel whose title (head, main, tail) fits the width it is printed at."""

    def __init__(self, body: RenderableType, title: tuple[str, str, str], *, title_style: str = "bold",
                 max_width: int = PROSE_WIDTH, **panel_options):
        self.body, self.title, self.title_style = body, title, title_style
        self.max_width, self.panel_options = max_width, panel_options

    def panel(self, width: int) -> Panel:
        text = fit_title(*self.title, max(width - TITLE_MARGIN, 10))
        return Panel(self.body, title=Text(f" {text} ", style=self.title_style), width=width, **self.panel_options)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.panel(min(options.max_width, self.max_width))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        width = min(options.max_width, self.max_width)
        return Measurement(width, width)
