"""The one-time notes that say a stand-in answered an import, or that drawing was routed to the terminal."""

from __future__ import annotations

NOTES = {
    "matplotlib": "note: matplotlib is not installed, so the tutor's terminal stand-in answered `import "
                  "matplotlib.pyplot`: plt.plot, xlabel, ylabel, legend, title, xlim, show ... draw here at "
                  "plt.show() (after every input once %matplotlib inline is on).",
    "matplotlib-real": "note: matplotlib figures are drawn in the terminal: plt.show() (and, after %matplotlib "
                       "inline, the end of each input) shows them here.",
    "d2l": "note: the d2l package is not installed, so `from d2l import torch as d2l` gave the tutor's stand-in "
           "with the chapter-2 helpers (plot, set_figsize, set_axes, Timer, numpy, reshape ...); d2l.plot "
           "draws in the terminal.",
    "d2l-real": "note: d2l.plot draws in the terminal (the tutor's plot, same arguments).",
}
_pending: list[str] = []
_noted: set[str] = set()


def note_once(key: str) -> None:
    if key not in _noted:
        _noted.add(key)
        _pending.append(NOTES[key])


def take_notes() -> list[str]:
    """The notes not yet shown (each is shown once per process)."""
    notes = list(_pending)
    _pending.clear()
    return notes
