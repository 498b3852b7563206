"""Saving what the tutor draws to a file: `%plot ... --save FILE`, `%graph ... --save FILE`.

The file type follows the name: `.html` and `.svg` are rich's own exports (with colour), anything
else is the plain text the runner prints.
"""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

SAVE_WIDTH = 100


def save_renderable(renderable, path: str, *, title: str = "autograd-tutor", width: int = SAVE_WIDTH) -> str:
    """Write `renderable` to `path`; returns what was written ('text', 'HTML' or 'SVG'). Raises OSError."""
    suffix = Path(path).suffix.lower()
    rich_export = suffix in (".html", ".htm", ".svg")
    console = Console(file=io.StringIO(), record=True, width=width, force_terminal=rich_export,
                      color_system="truecolor" if rich_export else None, highlight=False, emoji=False)
    console.print(renderable)
    if suffix == ".svg":
        content, kind = console.export_svg(title=title), "SVG"
    elif rich_export:
        content, kind = console.export_html(inline_styles=True), "HTML"
    else:
        text = console.export_text(styles=False)
        content, kind = "\n".join(line.rstrip() for line in text.splitlines()).strip("\n") + "\n", "text"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(content)
    return kind
