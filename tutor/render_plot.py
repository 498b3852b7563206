"""Rendering a `tutor.plot.Plot`: the plot drawn at the console's width when it is printed.

`PlotView` is a rich renderable: `__rich_console__` reads the width it is given
(`options.max_width`) and whether the console has colour, and only then asks plotext to draw.
So the same Plot fills an 80- or a 120-column terminal, is coloured in the shell, and is plain
text (curves told apart by their characters) under NO_COLOR, in `run` and in JSON output.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

from tutor.plot import Figures, Plot, curve_style, rich_color

MAX_WIDTH = 110  # columns; wider plots are not easier to read
MIN_WIDTH = 30
MAX_HEIGHT = 26  # rows of the plot area, title and axis labels included
MIN_HEIGHT = 10
FULL_WIDTH_INCHES = 4.5  # a figure this wide (in matplotlib inches) spans the terminal


def plot_size(plot, max_width: int) -> tuple[int, int]:
    """(columns, rows) for the plot area in a console `max_width` columns wide.

    Without a figsize the plot takes the full width (up to MAX_WIDTH). With the book's figsize
    (inches), the width is that share of FULL_WIDTH_INCHES of the terminal and the rows keep the
    figure's aspect (a character is about twice as tall as it is wide).
    """
    room = max(min(max_width, MAX_WIDTH), 20)
    if plot.figsize:
        w, h = (float(v) for v in plot.figsize)
        w = w if w > 0 else 3.5
        h = h if h > 0 else 2.5
        columns = round(max_width * min(1.0, w / FULL_WIDTH_INCHES))
        columns = min(room, max(columns, min(MIN_WIDTH + 20, room)))
        rows = round(columns * (h / w) * 0.42)
    else:
        columns = room
        rows = round(columns * 0.3)
    return columns, max(MIN_HEIGHT, min(MAX_HEIGHT, rows))


def console_has_color(console: Console) -> bool:
    return console.color_system is not None and not console.no_color


def legend_text(plot, color: bool) -> Text | None:
    """One line: a swatch in each curve's colour (or its plot character) and its label."""
    parts = [(i, c) for i, c in enumerate(plot.curves) if c.label]
    if not parts:
        return None
    text = Text()
    for n, (i, curve) in enumerate(parts):
        if n:
            text.append("   ")
        shade, marker = curve_style(plot, i, color)
        text.append(marker * 2, style=(rich_color(shade) or "") if color else "")  # what the curve is drawn with
        text.append(" " + curve.label)
    return text


class PlotView:
    """A Plot as a rich renderable, sized when it is printed."""

    def __init__(self, plot):
        self.plot = plot

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        color = console_has_color(console)
        width, height = plot_size(self.plot, options.max_width)
        drawn = self.plot.text(width, height, color=color)
        yield Text.from_ansi(drawn, no_wrap=True, overflow="crop") if color else Text(drawn, no_wrap=True,
                                                                                       overflow="crop")
        legend = legend_text(self.plot, color)
        if legend is not None:
            yield legend
        for line in self.plot.lines:
            yield Text(line, style="bold")
        for note in self.plot.notes:
            yield Text(note, style="yellow")
        if self.plot.caption:
            yield Text(self.plot.caption, style="dim")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        width, _ = plot_size(self.plot, options.max_width)
        return Measurement(min(width, options.max_width), options.max_width)


def figures_renderable(figures: Figures):
    """Several results of one input, one after another (plots, a graph, a line of text)."""
    from rich.console import Group

    from tutor.render import to_renderable

    return Group(*(PlotView(item) if isinstance(item, Plot) else to_renderable(item) for item in figures))


def renderers() -> dict:
    """What `tutor.render` uses for the plot data types (it imports this module when it first meets one)."""
    return {Plot: PlotView, Figures: figures_renderable}
