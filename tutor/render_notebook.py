"""Renderables for a notebook: one MIME bundle (HTML with colour, and the same plain text).

The notebook front (tutor.notebook) turns what the shell would print into a bundle Jupyter, Colab and
IPython can show: `text/html` for notebook frontends, `text/plain` for the terminal IPython and for
saved notebooks read as text. The HTML is rich's own export, so the notebook shows what the terminal
shows, in the same colours.
"""

from __future__ import annotations

import io

from rich.console import Console, RenderableType

from tutor.render import plain_text

WIDTH = 100  # characters; a Jupyter output area fits about 100 columns of monospace text
_HTML = ('<pre style="white-space:pre;overflow-x:auto;line-height:normal;'
         "font-family:Menlo,'DejaVu Sans Mono',consolas,'Courier New',monospace\">{code}</pre>")


def html(renderables: list[RenderableType], width: int = WIDTH) -> str:
    """The renderables as an HTML `<pre>` with inline colours (no stylesheet, no script)."""
    console = Console(file=io.StringIO(), record=True, width=width, color_system="truecolor",
                      force_terminal=True, force_jupyter=False, highlight=False, emoji=False)
    for item in renderables:
        console.print(item)
    return console.export_html(inline_styles=True, code_format=_HTML)


def bundle(renderables: list[RenderableType], width: int = WIDTH) -> dict[str, str]:
    """A MIME bundle ({'text/plain': ..., 'text/html': ...}) for IPython's display machinery."""
    return {"text/plain": plain_text(renderables, width), "text/html": html(renderables, width)}
