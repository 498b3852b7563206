"""`autograd-tutor run notebook.ipynb`: the book's first cells of D2L 2.4 and 2.5 run unchanged and draw."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tutor.cli import main
from tutor.ipynb import cell_inputs

NOTEBOOKS = Path(__file__).parent / "fixtures" / "notebooks"
D2L_24 = NOTEBOOKS / "d2l_2_4_calculus.ipynb"
D2L_25 = NOTEBOOKS / "d2l_2_5_autograd.ipynb"


@pytest.fixture(autouse=True)
def without_standin_modules():
    """Each run imports d2l/matplotlib afresh (the stand-ins), as a new process would."""
    from tutor import standin_notes, standin_pyplot

    def forget():
        for name in list(sys.modules):
            if name.split(".")[0] in ("d2l", "matplotlib", "matplotlib_inline"):
                del sys.modules[name]
        standin_notes._noted.clear()
        standin_notes._pending.clear()
        standin_pyplot.close("all")

    forget()
    yield
    forget()


def run(capsys, *args) -> tuple[int, str]:
    status = main(["run", *args])
    return status, capsys.readouterr().out


def test_d2l_2_4_first_cells_run_and_the_plot_draws(capsys):
    status, out = run(capsys, str(D2L_24), "--width", "80")
    assert status == 0, out
    assert "h=0.00001, numerical limit=2.00003" in out
    assert "•• f(x)   ++ Tangent line (x=1)" in out  # the legend of the drawn plot
    plot = out[out.index("plot(x, [f(x), 2 * x - 3]"):]
    assert "┌" in plot and "└" in plot and "f(x)" in plot
    assert "Error" not in out


def test_d2l_2_5_first_cells_run_with_the_same_records(capsys):
    status, out = run(capsys, str(D2L_25), "--json")
    assert status == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert all(r["ok"] for r in records)
    by_input = {r["input"].splitlines()[0]: r for r in records}
    assert by_input["y = 2 * torch.dot(x, x)"]["value"].startswith("tensor(28., grad_fn=<MulBackward0>)")
    assert by_input["y.backward()"]["gradients"] == {"x": [0.0, 4.0, 8.0, 12.0]}
    last = records[-1]
    assert "sin(x)" in last["output"] and "└" in last["output"]  # d2l.plot drew
    assert len(records) == 14  # one record per code cell


def test_markdown_cells_are_skipped_or_shown(capsys):
    _, plain = run(capsys, str(D2L_24), "--no-echo")
    assert "Plot the function and its tangent line" not in plain
    _, shown = run(capsys, str(D2L_24), "--no-echo", "--show-markdown")
    assert "Plot the function and its tangent line at x = 1." in shown


def test_a_failing_cell_gives_status_1_and_the_rest_runs(capsys, tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    path = tmp_path / "broken.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("1 / 0"), new_code_cell("print('after', 6 * 7)")]), str(path))
    status, out = run(capsys, str(path))
    assert status == 1 and "ZeroDivisionError" in out and "after 42" in out


def test_a_file_that_is_not_a_notebook_is_a_usage_error(capsys, tmp_path):
    path = tmp_path / "not.ipynb"
    path.write_text("this is not json")
    status = main(["run", str(path)])
    err = capsys.readouterr().err
    assert status == 2 and "cannot read" in err and "as a notebook" in err


def test_cell_inputs_split_line_magics_and_skip_shell_lines():
    cell = "%matplotlib inline\n!pip install d2l\nimport math\nx = 1\n%who\ny = 2\n"
    assert cell_inputs(cell) == [
        "%matplotlib inline", "pass  # skipped a shell command: !pip install d2l\nimport math\nx = 1", "%who", "y = 2",
    ]
    assert cell_inputs("%%time\nz = 3\nz") == ["z = 3\nz"]
