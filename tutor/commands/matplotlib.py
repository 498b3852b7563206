"""`%matplotlib inline` (and the other backends) accepted as in Jupyter, and the stand-in notes.

With `%matplotlib inline` on, the figures an input drew are shown after it (as a notebook cell
shows them); without it, `plt.show()` shows them (as plain Python does). `run notebook.ipynb`
turns it on, as Jupyter does. The first time a stand-in answers an import (matplotlib or d2l
missing) or matplotlib is routed to the terminal, one note says so (`tutor.standins`).
"""

from __future__ import annotations

from tutor import standins
from tutor.commands import CommandError, after_input, command

BACKENDS = ("inline", "notebook", "widget", "ipympl", "agg", "auto", "tk", "qt", "osx", "gtk")


@command("matplotlib", "accepted as in Jupyter: %matplotlib inline shows figures after each input",
         usage="%matplotlib [inline]", needs_torch=False)
def matplotlib_command(session, args: str):
    """Book notebooks start with %matplotlib inline; plots are drawn in the terminal either way.

With inline on, what an input drew with matplotlib (or its stand-in) is shown after the input;
otherwise plt.show() shows it. %matplotlib alone says which mode is on.
"""
    backend = args.strip().lower()
    if not backend:
        on = session.state.get("matplotlib_inline", False)
        return ("figures are shown after each input (inline)" if on
                else "figures are shown at plt.show(); %matplotlib inline shows them after each input")
    if backend not in BACKENDS and not backend.startswith("module://"):
        raise CommandError(f"unknown matplotlib backend {backend!r}; %matplotlib inline is the one notebooks use")
    session.state["matplotlib_inline"] = True  # any backend: the terminal draws after each input
    return None


@after_input
def show_inline_figures_and_notes(session, outcome) -> None:
    """With %matplotlib inline, queue the figures this input drew; add the stand-in notes once."""
    if session.state.get("matplotlib_inline"):
        from tutor.commands.plot import _drawn

        _drawn.extend(standins.inline_plots())
    outcome.feedback.extend(standins.take_notes())
