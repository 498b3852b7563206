"""Time limits measured by the wall clock, and the `run --json` record checked field by field.

A time limit is only honoured if the input really stops near it: these tests time the call with
time.perf_counter() (generous bounds: a loaded machine may be slow, but not 10x slow on a timer),
besides reading the message. Every JSON field is asserted by type and by value.
"""

from __future__ import annotations

import json
import time

import pytest

from tutor import cli
from tutor.session import Session

LIMIT = 0.3
# The limit must be honoured: not stopped before it, and stopped well before 10x it.
LOW, HIGH = LIMIT * 0.9, LIMIT * 10


def timed(func):
    started = time.perf_counter()
    result = func()
    return result, time.perf_counter() - started


@pytest.mark.parametrize("source", ["while True: pass",
                                    "import time\ntime.sleep(30)",
                                    "def spin():\n    while True:\n        pass\nspin()"])
def test_session_timeout_stops_the_input_near_the_limit(source):
    session = Session(timeout=LIMIT)
    outcome, elapsed = timed(lambda: session.submit(source))
    assert LOW <= elapsed < HIGH, elapsed
    assert outcome.ok is False
    assert outcome.error.type == "Timeout"
    assert outcome.error.message == "stopped after 0.3 s (time limit)"
    assert LOW <= outcome.elapsed <= elapsed  # what the outcome reports is what happened
    # the session goes on
    assert session.submit("1 + 1").value == 2


def test_no_limit_lets_a_slow_input_finish():
    session = Session(timeout=None)
    outcome, elapsed = timed(lambda: session.submit("import time\ntime.sleep(0.4)\n'done'"))
    assert outcome.ok and outcome.value == "done" and elapsed >= 0.39


def run_json(capsys, tmp_path, script: str, *options: str) -> tuple[int, list[dict], float]:
    path = tmp_path / "inputs.py"
    path.write_text(script)
    status, elapsed = timed(lambda: cli.main(["run", str(path), "--json", *options]))
    lines = capsys.readouterr().out.splitlines()
    return status, [json.loads(line) for line in lines], elapsed


def test_run_timeout_option_is_honoured_by_the_clock(capsys, tmp_path):
    session = Session()
    session.ensure_torch()  # torch's first import is not part of what is timed
    status, records, elapsed = run_json(capsys, tmp_path, "while True: pass\n'after'\n", "--timeout", "0.3")
    assert status == 1
    assert [r["ok"] for r in records] == [False, True]
    assert records[0]["error"] == {"type": "Timeout", "message": "stopped after 0.3 s (time limit)"}
    assert records[1]["value"] == "'after'"
    assert LOW <= elapsed < HIGH, elapsed
    assert LOW * 1000 <= records[0]["elapsed_ms"] < HIGH * 1000


SCRIPT = """\
import warnings
warnings.warn("watch out")
import time; time.sleep(0.2)
x = torch.tensor([1.0, 2.0], requires_grad=True)
(x * x).sum().backward()
1/0
print("hi"); 6*7
"""


def test_every_json_field_by_type_and_value(capsys, tmp_path):
    status, records, _ = run_json(capsys, tmp_path, SCRIPT)
    assert status == 1  # one input failed
    assert len(records) == 7
    keys = {"index", "input", "ok", "value", "output", "stdout", "stderr", "error", "warnings", "hints",
            "gradients", "elapsed_ms"}
    for i, record in enumerate(records, start=1):
        assert keys <= set(record), set(record) ^ keys
        assert type(record["index"]) is int and record["index"] == i
        assert type(record["input"]) is str and record["input"] == SCRIPT.splitlines()[i - 1]
        assert type(record["ok"]) is bool
        assert type(record["output"]) is str and type(record["stdout"]) is str
        assert type(record["stderr"]) is str and record["stderr"] == ""
        assert type(record["warnings"]) is list and type(record["hints"]) is list
        assert type(record["gradients"]) is dict
        assert type(record["elapsed_ms"]) is float and record["elapsed_ms"] >= 0
    imp, warn, sleep, make, back, div, show = records
    # warnings: one record per warning, category and message
    assert warn["warnings"] == [{"category": "UserWarning", "message": "watch out"}]
    assert warn["output"] == "⚠ UserWarning: watch out"
    assert all(r["warnings"] == [] for r in records if r is not warn)
    # elapsed_ms is milliseconds: a 0.2 s sleep is about 200
    assert 195 <= sleep["elapsed_ms"] < 2000, sleep["elapsed_ms"]
    assert all(r["elapsed_ms"] < 2000 for r in (warn, make, back, div, show))
    # gradients: the new .grad of each tensor that changed, as lists (d/dx sum x² = 2x)
    assert back["gradients"] == {"x": [2.0, 4.0]} and back["output"] == "x.grad = tensor([2., 4.])"
    assert all(r["gradients"] == {} for r in records if r is not back)
    # errors: type and message; ok false
    assert div["ok"] is False and div["value"] is None
    assert div["error"] == {"type": "ZeroDivisionError", "message": "division by zero"}
    assert all(r["error"] is None and r["ok"] is True for r in records if r is not div)
    # values are the shown text; stdout is what was printed
    assert show["value"] == "42" and show["stdout"] == "hi\n" and show["output"] == "hi\n42"
    assert all(r["value"] is None for r in (imp, warn, sleep, make, back))
    assert all(r["stdout"] == "" for r in records if r is not show)
    assert all(r["hints"] == [] for r in records)


def test_json_hints_are_ids_in_order(capsys, tmp_path):
    status, records, _ = run_json(capsys, tmp_path, "x = torch.arange(4)\nx.requires_grad_()\n")
    assert status == 1
    assert [h["id"] for h in records[1]["hints"]] == ["int-requires-grad"]
    assert records[1]["error"]["type"] == "RuntimeError"
    assert "hint int-requires-grad" in records[1]["output"]
