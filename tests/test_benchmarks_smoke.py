"""The benchmark command still runs: `python tests/benchmarks/run.py --quick` prints its table and
writes JSON with every figure. No timing is asserted here (timings belong to the benchmark itself)."""

from __future__ import annotations

import importlib.util
import json
import math
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "tests" / "benchmarks" / "run.py"
FIGURES = ("prompt", "result", "per_input", "complete", "graph", "plot", "memory", "notebook", "fixes")

pytest.importorskip("pexpect")


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "results.json"
    proc = subprocess.run([sys.executable, str(RUN), "--quick", "--json", str(out)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    return proc, out


def test_quick_run_exits_cleanly_and_prints_the_table(quick_run):
    proc, out = quick_run
    assert proc.returncode == 0, proc.stdout + proc.stderr  # 1 when any measurement failed
    lines = proc.stdout.splitlines()
    assert lines[0].split()[:7] == ["figure", "what", "tutor", "baseline", "result", "goal", "status"]
    table = lines[2:lines.index(next(line for line in lines if line.startswith("baselines: ")))]
    shown = {line.split()[0] for line in table}
    assert shown == set(FIGURES)
    assert f"written to {out}" in proc.stdout


def test_json_has_every_figure_with_numbers_and_a_method(quick_run):
    proc, out = quick_run
    report = json.loads(out.read_text())
    assert report["quick"] is True and report["repeat"] == 1
    figures = report["figures"]
    assert set(figures) == set(FIGURES)
    assert not [key for key, fig in figures.items() if "error" in fig]
    for key in ("prompt", "result", "per_input", "plot", "memory", "complete"):
        fig = figures[key]
        assert _number(fig["value"]) and _number(fig["goal"]), (key, fig)
        assert fig["met"] is (fig["value"] <= fig["goal"]), (key, fig)
        assert _number(fig["tutor"]) and _number(fig["baseline"])
    # every figure states its method, and the printed table shows it
    for key, fig in figures.items():
        assert isinstance(fig["method"], str) and len(fig["method"]) > 30, key
        assert f"  {key}: {fig['method']}" in proc.stdout.splitlines(), key
    # "median of N runs" is true: each figure kept exactly --repeat runs (1 here) and shows their median
    for key in ("prompt", "result", "memory"):
        fig = figures[key]
        assert len(fig["runs"]) == 1 and len(fig["baseline_runs"]) == 1
        assert fig["tutor"] == statistics.median(fig["runs"])
        assert fig["baseline"] == statistics.median(fig["baseline_runs"])
        assert fig["tutor"] > 0 and fig["baseline"] > 0
    per_input = figures["per_input"]
    assert per_input["lengths"] == [20, 100]
    assert "(slope, 20 to 100 inputs)" in per_input["title"]
    for n in ("20", "100"):
        assert len(per_input["runs"][n]) == 1 and len(per_input["baseline_runs"][n]) == 1
        assert per_input["tutor_totals_s"][n] == per_input["runs"][n][0] > 0
        assert per_input["python_totals_s"][n] == per_input["baseline_runs"][n][0] > 0
    assert set(figures["complete"]["cases"]) == {"torch. first", "torch. warm", "x. first", "x. warm"}
    graph = figures["graph"]
    assert [row["ops"] for row in graph["sizes"]] == [200, 1000]
    for row in graph["sizes"]:
        assert row["nodes"] == row["ops"] + 1  # one node per sin, plus the leaf
        assert row["runs"] == 1 and len(row["build_runs"]) == 1 and row["build_s"] == row["build_runs"][0]
        assert _number(row["build_s"]) and _number(row["command_s"])
    assert all(_number(v) for v in graph["us_per_node"].values()) and _number(graph["growth"])
    assert report["table"] and all(len(row) == 7 for row in report["table"])
    notebook = figures["notebook"]  # the extension's added time per clean cell: with minus without
    assert notebook["value"] == pytest.approx(notebook["tutor"] - notebook["baseline"])  # one run in --quick
    assert notebook["goal"] == 3.0 and notebook["met"] in (True, False) and notebook["long"]["cells"] == 24


def _bench_module():
    spec = importlib.util.spec_from_file_location("bench_run", RUN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_per_input_is_a_slope_that_ignores_fixed_costs():
    bench = _bench_module()
    # hand math: 1.0 s at 100 inputs and 1.9 s at 1,000 is 0.9 s for 900 more inputs, 1 ms each;
    # python takes 0.2 s and 0.29 s, 0.1 ms each: the overhead is 0.9 ms per input
    runs = {("tutor", 100): [1.0, 5.0, 0.9], ("tutor", 1000): [1.9, 1.8, 9.0],
            ("python", 100): [0.2, 0.2, 0.2], ("python", 1000): [0.29, 0.3, 0.28]}
    fig = bench.per_input_figure(runs, (100, 1000))
    assert fig["tutor"] == pytest.approx(1.0) and fig["baseline"] == pytest.approx(0.1)
    assert fig["value"] == pytest.approx(0.9)
    assert fig["tutor_totals_s"] == {"100": 1.0, "1000": 1.9}  # medians, not means (5.0 and 9.0 are outliers)
    assert "median time of 3 runs at 100 and at 1,000 inputs" in fig["method"]
    # a start-up that is 0.4 s faster (the frozen-GC import) does not change the figure;
    # the old (tutor total - python total) / N did: it came out negative
    faster = {key: [t - 0.4 for t in ts] if key[0] == "tutor" else ts for key, ts in runs.items()}
    assert bench.per_input_figure(faster, (100, 1000))["value"] == pytest.approx(0.9)
