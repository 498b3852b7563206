"""The tutor as an IPython extension: `%load_ext autograd_tutor` in IPython, Jupyter or Colab.

This package only names the extension (IPython imports it by this name); the front itself is
`tutor.notebook`. `%unload_ext autograd_tutor` takes everything back.
"""

from __future__ import annotations


def load_ipython_extension(ipython) -> None:
    """Called by `%load_ext autograd_tutor`."""
    from tutor import notebook

    notebook.load(ipython)


def unload_ipython_extension(ipython) -> None:
    """Called by `%unload_ext autograd_tutor` (and by `%reload_ext` before loading again)."""
    from tutor import notebook

    notebook.unload(ipython)
