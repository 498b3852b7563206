"""The notebook front in IPython's own in-process shell: `%load_ext autograd_tutor` and what it shows."""

from __future__ import annotations

import warnings

import pytest

pytest.importorskip("IPython")

from IPython.core.displaypub import CapturingDisplayPublisher  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402
from traitlets.config import Config  # noqa: E402

from tutor import notebook  # noqa: E402
from tutor.progress import ProgressStore  # noqa: E402

SETUP = "import torch\nx = torch.arange(4.0, requires_grad=True)"


@pytest.fixture
def ipy():
    """A fresh IPython shell (history in memory) whose rich display output is captured."""
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    shell = InteractiveShell(config=config)
    shell.display_pub = CapturingDisplayPublisher()
    yield shell
    notebook.unload(shell)


def run(shell, cell: str) -> str:
    """Run one cell as a notebook does; the text of what the tutor showed under it."""
    start = len(shell.display_pub.outputs)
    shell.run_cell(cell, store_history=True)
    return "\n".join(out["data"].get("text/plain", "") for out in shell.display_pub.outputs[start:])


def loaded(shell):
    shell.run_line_magic("load_ext", "autograd_tutor")
    return shell


def test_failing_cell_gets_its_hint_under_the_normal_traceback(ipy, capsys):
    loaded(ipy)
    run(ipy, SETUP)
    run(ipy, "y = 2 * torch.dot(x, x)\ny.backward()")
    shown = run(ipy, "y.backward()")
    assert "hint double-backward" in shown
    assert "y.backward()" in shown and "y = 2 * torch.dot(x, x)" in shown  # the learner's names and code
    assert "Traceback" in capsys.readouterr().out  # IPython's own traceback is still printed
    assert "Trying to backward" not in shown  # ... and only once: the tutor adds the hint alone
    out = ipy.display_pub.outputs[-1]
    assert "<pre" in out["data"]["text/html"] and "double-backward" in out["data"]["text/html"]


def test_silent_mistake_gets_its_hint_and_the_gradient_change(ipy):
    loaded(ipy)
    run(ipy, SETUP)
    first = run(ipy, "(x * x).sum().backward()")
    assert first == "x.grad = tensor([0., 2., 4., 6.])"  # a gradient change, no hint: this is fine
    second = run(ipy, "(x * x).sum().backward()")
    assert "x.grad = tensor([ 0.,  4.,  8., 12.])   (was tensor([0., 2., 4., 6.]))" in second
    assert "hint grad-accumulation" in second


def test_clean_cells_get_nothing(ipy):
    loaded(ipy)
    assert run(ipy, SETUP) == ""
    assert run(ipy, "y = 2 * torch.dot(x, x)\ny") == ""
    assert run(ipy, "print('hello')") == ""
    assert run(ipy, "") == ""


def test_error_frames_are_the_learners_cells(ipy):
    """A mistake inside a function defined in an earlier cell is diagnosed from that cell's line."""
    loaded(ipy)
    run(ipy, SETUP)
    run(ipy, "def loss(t):\n    return (t * t).sum()\n\ndef step():\n    l = loss(x)\n    l.backward()\n"
             "    l.backward()")
    shown = run(ipy, "step()")
    assert "hint double-backward" in shown
    words = " ".join(shown.split())
    assert "went through l's graph" in words and "l.backward() needs them again" in words


def test_hints_off_and_on(ipy):
    loaded(ipy)
    run(ipy, SETUP)
    assert "Hints are off" in run(ipy, "%hints off")
    run(ipy, "y = (x * x).sum()\ny.backward()")
    assert "hint" not in run(ipy, "y.backward()")
    run(ipy, "%hints on")
    assert "hint double-backward" in run(ipy, "y = (x * x).sum()\ny.backward()\ny.backward()")


MAGICS = [
    ("graph", "y", "Graph of y"),
    ("trace", "y", "backward"),
    ("forward", "f 3.0", "9"),
    ("check", "f 3.0", "all methods agree"),
    ("jacobian", "f torch.tensor([1.0, 2.0])", "Jacobian"),
    ("hessian", "h torch.tensor([1.0, 2.0])", "Hessian"),
    ("plot", "f -2 2", "f(x)"),
    ("explain", "double-backward", "retain_graph"),
    ("hints", "list", "double-backward"),
    ("lessons", "", "autograd-basics"),
    ("help", "", "%graph"),
    ("tutor", "who", "y"),
]


@pytest.mark.parametrize("name, args, expected", MAGICS, ids=[m[0] for m in MAGICS])
def test_each_magic_runs(ipy, name, args, expected):
    loaded(ipy)
    run(ipy, SETUP + "\ny = (x ** 3).sum()\ndef f(t):\n    return t ** 2\ndef h(t):\n    return (t ** 3).sum()")
    shown = run(ipy, f"%{name} {args}")
    assert expected.lower() in shown.lower(), shown
    assert "Error" not in shown, shown


def test_every_tutor_command_is_a_magic_or_under_tutor(ipy):
    from tutor import commands

    before = set(ipy.magics_manager.magics["line"])
    front = notebook.load(ipy)
    for cmd in commands.all_commands():
        if cmd.name in notebook.SKIPPED:
            continue
        if cmd.name in before:  # IPython's own %reset and %who stay IPython's
            assert cmd.name not in front.magic_names
        else:
            assert cmd.name in front.magic_names
    assert "%reset" not in run(ipy, "%tutor nosuch")  # an unknown command is one line, not a crash
    assert "unknown command %nosuch" in run(ipy, "%tutor nosuch")


def _ipython_state(shell) -> dict:
    """Everything the extension may touch, as comparable values."""
    import warnings as w

    manager = shell.magics_manager
    formatters = shell.display_formatter.formatters
    return {
        "events": {name: list(callbacks) for name, callbacks in shell.events.callbacks.items()},
        "magics": {kind: dict(table) for kind, table in manager.magics.items()},
        "user_magics": dict(vars(manager.user_magics)),
        "formatters": {mime: dict(f.type_printers) for mime, f in formatters.items()},
        "transformers": (list(shell.input_transformers_cleanup), list(shell.input_transformers_post),
                         list(shell.ast_transformers)),
        "user_ns": {k: v for k, v in shell.user_ns.items() if k not in ("_", "__", "___", "_i", "_ii", "_iii")
                    and not k.startswith(("_i", "_"))},
        "showwarning": w.showwarning,
    }


def test_unload_restores_ipython_exactly(ipy):
    run(ipy, SETUP)
    state = _ipython_state(ipy)
    loaded(ipy)
    assert _ipython_state(ipy) != state
    run(ipy, "%graph x")  # puts the tutor's helpers (graph, plot, ...) in the namespace
    assert "graph" in ipy.user_ns
    run(ipy, "(x * x).sum().backward()")
    ipy.run_line_magic("unload_ext", "autograd_tutor")
    assert _ipython_state(ipy) == state
    assert run(ipy, "(x * x).sum().backward()") == ""  # no more gradient news or hints
    assert "graph" not in ipy.magics_manager.magics["line"]


def test_loading_twice_keeps_one_set_of_hooks(ipy):
    loaded(ipy)
    ipy.run_line_magic("reload_ext", "autograd_tutor")
    loaded(ipy)
    run(ipy, SETUP)
    run(ipy, "(x * x).sum().backward()")
    shown = run(ipy, "(x * x).sum().backward()")
    assert shown.count("hint grad-accumulation") == 1


def test_lesson_progress_goes_to_the_shells_store(ipy):
    loaded(ipy)
    assert "Autograd basics" in run(ipy, "%lesson autograd-basics")
    run(ipy, "%next")  # past the reading step, to the quiz
    assert "is right" in run(ipy, "%answer b")
    run(ipy, "%next")
    assert "step 3 of 15" in run(ipy, "%where")
    assert "hint 1 of 3" in run(ipy, "%hint")
    assert "still 2 hints" in run(ipy, "%solution")
    assert "step 2 of 15" in run(ipy, "%back")
    run(ipy, "%next")
    shown = run(ipy, "x.requires_grad_(True)")  # a task step answered in a cell
    assert "✓" in shown or "passed" in shown.lower() or "well done" in shown.lower(), shown
    saved = ProgressStore().lesson("autograd-basics")
    assert saved.steps["why-four-point-oh"].status == "passed"
    assert saved.steps["attach"].status == "passed"
    run(ipy, "%lesson stop")
    assert "x" not in ipy.user_ns and "In" in ipy.user_ns and "get_ipython" in ipy.user_ns


def test_tutor_reset_keeps_ipython_working(ipy):
    loaded(ipy)
    run(ipy, SETUP)
    run(ipy, "%tutor reset")
    assert "x" not in ipy.user_ns
    result = ipy.run_cell("a = 21\na * 2", store_history=True)
    assert result.success and result.result == 42
    assert ipy.user_ns["Out"][result.execution_count] == 42


def test_warnings_still_reach_the_learner_and_the_tutor(ipy):
    loaded(ipy)
    run(ipy, SETUP)
    shown = []
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = lambda message, *rest: shown.append(str(message))
        run(ipy, "import warnings\nwarnings.warn('careful')")
    assert shown == ["careful"]  # what IPython would have printed, still printed
    outcome = notebook._FRONTS[id(ipy)].session.history[-1]
    assert [w.message for w in outcome.warnings] == ["careful"]


def test_cells_run_out_of_order_are_named_by_their_execution_count(ipy):
    loaded(ipy)
    run(ipy, SETUP)  # In [1]
    run(ipy, "y = 2 * torch.dot(x, x)\ny.backward()")  # In [2]
    run(ipy, "x.grad")  # In [3]
    words = " ".join(run(ipy, "y.backward()").split())  # In [4]: the backward cell run again
    assert "already went through y's graph in In [2] and freed" in words
    words = " ".join(run(ipy, "y.backward()").split())  # In [5]: In [4] failed, so it freed nothing
    assert "graph in In [2] and freed" in words
    run(ipy, "y = 2 * torch.dot(x, x)")  # In [6]: a new graph ...
    words = " ".join(run(ipy, "y.backward()\ny.backward()").split())  # ... freed in this cell
    assert "hint double-backward" in words and "In [" not in words


def test_an_old_gradient_is_traced_to_the_cell_that_left_it(ipy):
    loaded(ipy)
    run(ipy, SETUP)  # In [1]
    run(ipy, "(x * x).sum().backward()")  # In [2]
    run(ipy, "z = x * 2")  # In [3]
    words = " ".join(run(ipy, "(x * x).sum().backward()").split())  # In [4]
    assert "x.grad went from [0, 2, 4, 6] (left by In [2]) to [0, 4, 8, 12]" in words


def test_the_shell_does_not_name_inputs(session):
    session.submit("x = torch.arange(4.0, requires_grad=True)")
    session.submit("y = 2 * torch.dot(x, x)\ny.backward()")
    hint = session.submit("y.backward()").hints[0]
    assert "already went through y's graph and freed" in hint.explanation


def test_no_cell_is_named_when_the_name_was_bound_again_since(ipy):
    loaded(ipy)
    run(ipy, SETUP)
    run(ipy, "y = (x * x).sum()\ny.backward()")  # In [2]: an older y
    run(ipy, "s = x * x\ny = s.sum()")  # In [3]: y is a new graph ...
    run(ipy, "s.sum().backward()")  # In [4]: ... freed through s, not through y
    words = " ".join(run(ipy, "y.backward()").split())
    assert "hint double-backward" in words and "In [2]" not in words


def test_lesson_answers_typed_in_cells(ipy):
    loaded(ipy)
    run(ipy, "%lesson autograd-basics")
    run(ipy, "%next")  # Jupyter does not run an empty cell, so the shell's Enter is %next here
    assert "is not it" in run(ipy, "a")  # a quiz letter on its own, as at the shell's prompt
    assert "is right" in run(ipy, "b)")
    for _ in range(12):  # on to the explain step "why-accumulate"
        run(ipy, "%skip")
    assert "why-accumulate" in ProgressStore().lesson("autograd-basics").current
    shown = run(ipy, "Because gradients from several places must add up, so I reset them before each pass.")
    assert "Your answer is saved" in shown
    saved = ProgressStore().lesson("autograd-basics").steps
    assert saved["why-four-point-oh"].status == "passed" and saved["why-accumulate"].status == "passed"
    assert saved["why-accumulate"].answer.startswith("Because gradients")
    run(ipy, "%lesson stop")
    result = ipy.run_cell("b = 1\nb", store_history=True)  # outside a lesson, cells are IPython's again
    assert result.success and result.result == 1


def test_the_bundle_text_is_the_shells_plain_text():
    from rich.text import Text

    from tutor.render import hint_renderable, plain_text
    from tutor.render_notebook import bundle
    from tutor.hints import entry
    from tutor.outcome import Hint

    e = entry("double-backward")
    parts = [Text("x.grad = tensor([1.])   "), hint_renderable(Hint("double-backward", e.title, "why " * 40,
                                                                  "y.backward()", e.section))]
    data = bundle(parts, width=60)
    assert data["text/plain"] == plain_text(parts, 60)
    assert data["text/html"].startswith("<pre") and "hint" in data["text/html"]


def _readme_transcript() -> list[tuple[str, list[str]]]:
    """(cell, lines shown under it) from the README's "In Jupyter and Colab" transcript."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## In Jupyter and Colab", 1)[1].split("\n## ", 1)[0]
    transcript = [b for b in re.findall(r"```text\n(.+?)\n```", section, re.S) if "In [1]:" in b][0]
    cells: list[tuple[list[str], list[str]]] = []
    for line in transcript.splitlines():
        if re.match(r"In \[\d+\]: ", line):
            cells.append(([line.split(": ", 1)[1]], []))
        elif line.startswith("   ...: "):
            cells[-1][0].append(line[len("   ...: "):])
        elif line.strip():
            cells[-1][1].append(line)
    return [("\n".join(cell), shown) for cell, shown in cells]


def test_the_readme_transcript_is_real_output(ipy, capsys):
    transcript = _readme_transcript()
    assert len(transcript) == 4
    for cell, expected in transcript:
        capsys.readouterr()
        shown = run(ipy, cell)
        error_lines = [line for line in expected if line.startswith("RuntimeError: ")]
        for line in error_lines:  # IPython's traceback, cut to its last line in the README
            assert line.rstrip(" .") in capsys.readouterr().out.replace("\x1b[0;31m", "").replace("\x1b[0m", "")
        assert shown.splitlines() == [line for line in expected if line not in error_lines]


def test_the_jupyter_extra_brings_ipython():
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    extras = project["project"]["optional-dependencies"]
    assert any(req.startswith("ipython") for req in extras["jupyter"])
    assert "autograd_tutor" in project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]


def test_a_failure_inside_the_tutor_never_reaches_the_cell(ipy, capsys, monkeypatch):
    front = notebook.load(ipy)
    run(ipy, SETUP)

    def broken(*args, **kwargs):
        raise ValueError("planted")

    monkeypatch.setattr(front, "_show_after_cell", broken)
    result = ipy.run_cell("a = 6 * 7\na", store_history=True)
    assert result.success and result.result == 42
    out = capsys.readouterr().out
    assert "autograd-tutor: internal error (ValueError: planted); your cell is not affected" in out
    assert "errors.log" in out
    run(ipy, "%graph x")  # puts graph() in the namespace
    ipy.run_cell("g = graph((x * 2).sum())", store_history=True)
    data, _ = ipy.display_formatter.format(ipy.user_ns["g"])  # tutor data shows as in the shell
    assert data["text/plain"].startswith("Graph of")
    ipy.run_cell("p = plot(x, torch.sin(x))", store_history=True)
    data, _ = ipy.display_formatter.format(ipy.user_ns["p"])  # a plot is drawn, not its repr
    assert "┌" in data["text/plain"] and "<" not in data["text/plain"][:1]
    monkeypatch.setattr(front, "_bundle", broken)
    data, _ = ipy.display_formatter.format(ipy.user_ns["g"])
    assert data["text/plain"] == "<Graph: autograd-tutor could not draw it (ValueError)>"


def test_helpers_defined_in_earlier_cells_are_followed_and_their_fix_is_proven(ipy):
    """A function defined in an earlier cell is the learner's own (IPython names its code after the cell,
    not `<input-N>`): diagnosis follows the call into it, names the cell, and proves a fix that edits it.
    Without the cell names, the silent `p = p - lr * p.grad` in a helper got no hint at all."""
    loaded(ipy)
    run(ipy, "import torch")
    run(ipy, "def sgd(params, lr):\n    for p in params:\n        p = p - lr * p.grad")
    run(ipy, "w = torch.tensor([1.0, -2.0], requires_grad=True)\n(w ** 2).sum().backward()")
    shown = run(ipy, "sgd([w], 0.1)")
    assert "hint update-rebinds-name" in shown and "in sgd() (defined in In [2])" in shown, shown
    assert "tried on a copy of your session in place of In [2]" in shown
    hint = notebook_front(ipy).session.history[-1].hints[0]
    assert hint.verified and list(hint.replaces) == [2] and "p -= lr * p.grad" in hint.replaces[2]
    # the proven edit, run as cells: the helper now moves w by -0.1 * grad
    run(ipy, hint.replaces[2])
    run(ipy, "sgd([w], 0.1)")
    assert ipy.user_ns["w"].tolist() == pytest.approx([1.0 - 0.1 * 2.0, -2.0 - 0.1 * -4.0])


def notebook_front(shell):
    return next(cb.__self__ for cb in shell.events.callbacks["post_run_cell"]
                if isinstance(getattr(cb, "__self__", None), notebook.NotebookFront))
