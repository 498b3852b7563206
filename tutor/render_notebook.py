"""Renderables for a notebook: one MIME bundle (HTML with colour, and the same plain text).

The notebook front (tutor.notebook) turns what the shell would print into a bundle Jupyter, Colab and
IPython can show: `text/html` for notebook frontends, `text/plain` for the terminal IPython and for
saved notebooks read as text. The HTML is rich's own export, so the notebook shows what the terminal
shows, in the same colours.
"""

from __future__ import annotations

import io

from rich.console import Console, RenderableType

WIDTH = 100  # characters; a Jupyter output area fits about 100 columns of monospace text
_HTML = ('<pre style="white-space:pre;overflow-x:auto;line-height:normal;'
         "font-family:Menlo,'DejaVu Sans Mono',consolas,'Courier New',monospace\">{code}</pre>")


def bundle(renderables: list[RenderableType], width: int = WIDTH) -> dict[str, str]:
    """A MIME bundle for IPython's display machinery: `text/html` (a `<pre>` with inline colours, no
    stylesheet, no script) and `text/plain` (the same text `render.plain_text` gives), rendered once."""
    console = Console(file=io.StringIO(), record=True, width=width, color_system="truecolor",
                      force_terminal=True, force_jupyter=False, highlight=False, emoji=False)
    for item in renderables:
        console.print(item)
    text = console.export_text(clear=False, styles=False)
    html = console.export_html(inline_styles=True, code_format=_HTML)
    plain = "\n".join(line.rstrip() for line in text.splitlines()).strip("\n")
    return {"text/plain": plain, "text/html": html}
