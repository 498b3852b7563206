"""The scripted front: how files are cut into inputs, `run` output, `--json`, timeouts, exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from tutor.runner import run_inputs, split_inputs
from tutor.session import Session


def run_cli(*args, stdin: str | None = None, timeout: float = 120):
    return subprocess.run([sys.executable, "-m", "tutor", *args], input=stdin, capture_output=True,
                          text=True, timeout=timeout)


def test_each_top_level_statement_is_one_input():
    script = (
        "import torch\n"
        "x = torch.tensor([\n    1.0,\n    2.0,\n])\n"
        "\n# a comment\n"
        "@staticmethod\ndef f(t):\n    return t * 2\n"
        "a = 1; b = 2\n"
        "for i in range(2):\n    print(i)\n"
        "%who\n"
        "torch.ones?\n"
        "f(x)\n"
    )
    assert split_inputs(script) == [
        "import torch",
        "x = torch.tensor([\n    1.0,\n    2.0,\n])",
        "@staticmethod\ndef f(t):\n    return t * 2",
        "a = 1; b = 2",
        "for i in range(2):\n    print(i)",
        "%who",
        "torch.ones?",
        "f(x)",
    ]


def test_a_bad_line_is_one_input_and_the_rest_still_runs():
    assert split_inputs("a = 1\nb = (\nc = 3\nif a:\n    d = 4\nelse:\n    d = 5\n") == [
        "a = 1", "b = (", "c = 3", "if a:\n    d = 4\nelse:\n    d = 5",
    ]


def test_run_prints_what_the_shell_would(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("x = torch.arange(4.0, requires_grad=True)\ny = 2 * torch.dot(x, x)\n"
                      "y.backward()\nprint('done')\n")
    result = run_cli("run", str(script))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        ">>> x = torch.arange(4.0, requires_grad=True)",
        ">>> y = 2 * torch.dot(x, x)",
        ">>> y.backward()",
        "x.grad = tensor([ 0.,  4.,  8., 12.])",
        ">>> print('done')",
        "done",
    ]


def test_run_json_records_errors_prints_gradients_and_timeouts():
    script = ("x = torch.ones(2, requires_grad=True)\nprint('hi'); 1 + 1\n(x * x).sum().backward()\n"
              "while True: pass\nundefined_name\nx.grad\n")
    result = run_cli("run", "-", "--json", "--timeout", "0.5", stdin=script)
    assert result.returncode == 1, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["index"] for r in records] == [1, 2, 3, 4, 5, 6]
    keys = {"index", "input", "ok", "value", "output", "stdout", "error", "hints", "gradients", "elapsed_ms"}
    assert all(keys <= set(r) for r in records)
    assert records[1]["stdout"] == "hi\n" and records[1]["value"] == "2" and records[1]["output"] == "hi\n2"
    assert records[2]["gradients"] == {"x": [2.0, 2.0]}
    assert records[3]["error"]["type"] == "Timeout" and not records[3]["ok"]
    assert records[4]["error"] == {"type": "NameError", "message": "name 'undefined_name' is not defined"}
    assert "NameError" in records[4]["output"]
    assert records[5]["ok"] and records[5]["value"].startswith("tensor([2., 2.])")


def test_exit_status_zero_when_all_inputs_ran():
    assert run_cli("run", "-", stdin="a = 1\na + 1\n").returncode == 0


def test_unreadable_file_and_bad_usage_exit_2_with_one_line():
    missing = run_cli("run", "/nonexistent/file.py")
    assert missing.returncode == 2
    assert missing.stderr.strip() == "autograd-tutor: cannot read /nonexistent/file.py: No such file or directory"
    assert run_cli("run", "-", "--timeout", "zero", stdin="").returncode == 2
    assert run_cli("nonsense-subcommand").returncode == 2


def test_exit_in_a_script_stops_the_run():
    out = io.StringIO()
    status = run_inputs(Session(), ["a = 1", "exit()", "a = 2"], out=out)
    assert status == 0 and out.getvalue().splitlines() == [">>> a = 1", ">>> exit()"]


@pytest.mark.parametrize("width", [40, 100])
def test_plain_output_respects_the_width(width):
    out = io.StringIO()
    run_inputs(Session(), ["raise ValueError('" + "word " * 40 + "')"], out=out, width=width, echo=False)
    assert max(len(line) for line in out.getvalue().splitlines()) <= width


@pytest.mark.parametrize("argv", [["--timeout", "0.3", "run", "-"], ["run", "-", "--timeout", "0.3"]])
def test_timeout_before_or_after_the_subcommand(argv):
    result = run_cli(*argv, stdin="while True: pass\n", timeout=60)
    assert result.returncode == 1 and "stopped after 0.3 s" in result.stdout
