"""End to end: a real Jupyter kernel runs a small notebook with `%load_ext autograd_tutor`.

Needs ipykernel, nbclient and nbformat (the test extra) and starts one kernel process (a few seconds,
most of it `import torch`). Run it alone with `python -m pytest -m kernel`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[1]

CELLS = [
    "%load_ext autograd_tutor",
    "import torch\nx = torch.arange(4.0, requires_grad=True)\ny = 2 * torch.dot(x, x)\ny.backward()",
    "y.backward()",
    "z = x * 3",
]


@pytest.mark.kernel
def test_a_notebook_run_by_a_real_kernel_saves_the_hint_under_the_traceback(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                                     resources={"metadata": {"path": str(ROOT)}})  # this tree's package
    client.execute()
    path = tmp_path / "saved.ipynb"
    nbformat.write(nb, path)
    saved = nbformat.read(path, as_version=4)

    load, setup, failing, clean = saved.cells
    assert [o.output_type for o in load.outputs] == []
    setup_text = [o.data["text/plain"] for o in setup.outputs if o.output_type == "display_data"]
    assert setup_text == ["x.grad = tensor([ 0.,  4.,  8., 12.])"]

    kinds = [o.output_type for o in failing.outputs]
    assert kinds == ["error", "display_data"]  # IPython's traceback first, then the tutor's hint
    assert failing.outputs[0].ename == "RuntimeError"
    hint = failing.outputs[1].data
    assert "hint double-backward" in hint["text/plain"]
    assert "fix, tried on a copy of your session:\n  x.grad = None\n  y = 2 * torch.dot(x, x)\n  y.backward()" in hint["text/plain"]
    assert "double-backward" in hint["text/html"] and "<pre" in hint["text/html"]
    assert clean.outputs == []
