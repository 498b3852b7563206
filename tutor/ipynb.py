"""Jupyter notebooks as inputs: `autograd-tutor run notebook.ipynb` (read with nbformat).

Each code cell is one input, as in Jupyter (so a cell shows the value of its last expression), except
that IPython's line magics (`%matplotlib inline`) are inputs of their own, a cell magic line (`%%time`)
is dropped with its body kept, and shell lines (`!pip install d2l`) are skipped with a comment.
Markdown cells are skipped, or shown with `--show-markdown`. Figures are shown after each cell, as
Jupyter's inline backend does.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass


class NotebookError(ValueError):
    """A file that is not a readable notebook (one sentence)."""


@dataclass(frozen=True)
class Markdown:
    """A markdown cell to show (not to run)."""

    text: str
    show_only = True

    def __rich__(self):
        from tutor.render import markdown

        return markdown(self.text)


def read_cells(path: str) -> list[tuple[str, str]]:
    """(cell type, source) of every cell, in order."""
    try:
        import nbformat
    except ImportError as exc:  # pragma: no cover - a dependency, but say so clearly
        raise NotebookError(f"reading notebooks needs nbformat ({exc}); pip install nbformat") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. cells without ids in older notebooks
            notebook = nbformat.read(path, as_version=4)
    except OSError as exc:
        raise NotebookError(f"cannot read {path}: {exc.strerror or exc}") from None
    except Exception as exc:  # noqa: BLE001 - bad JSON, not a notebook, an unknown version
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise NotebookError(f"cannot read {path} as a notebook: {first}") from None
    return [(cell.get("cell_type", ""), _text(cell.get("source", ""))) for cell in notebook.get("cells", [])]


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def cell_inputs(source: str) -> list[str]:
    """The inputs of one code cell: its Python (one input per run of lines) and its line magics."""
    inputs: list[str] = []
    pending: list[str] = []

    def flush():
        text = "\n".join(pending).strip("\n")
        if text.strip():
            inputs.append(text)
        pending.clear()

    for line in source.splitlines():
        stripped = line.strip()
        if line.startswith("%%"):
            continue  # a cell magic (%%time, %%capture): run the body as plain Python
        if line.startswith("%"):
            flush()
            inputs.append(stripped)
        elif stripped.startswith("!"):
            indent = line[: len(line) - len(line.lstrip())]
            pending.append(f"{indent}pass  # skipped a shell command: {stripped}")
        else:
            pending.append(line)
    flush()
    return inputs


def notebook_inputs(path: str, show_markdown: bool = False) -> list:
    """The inputs of a notebook in order (strings), with `Markdown` items when `show_markdown`."""
    items: list = []
    for kind, source in read_cells(path):
        if kind == "code":
            items.extend(cell_inputs(source))
        elif kind == "markdown" and show_markdown and source.strip():
            items.append(Markdown(source))
    return items
