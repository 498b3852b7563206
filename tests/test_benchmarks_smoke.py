"""The benchmark command still runs: `python tests/benchmarks/run.py --quick` prints its table and
writes JSON with every figure. No timing is asserted here (timings belong to the benchmark itself)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "tests" / "benchmarks" / "run.py"
FIGURES = ("prompt", "result", "per_input", "complete", "graph", "plot", "memory")

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
    shown = {line.split()[0] for line in lines[2:] if line.strip() and not line.startswith(("baselines", "written"))}
    assert shown == set(FIGURES)
    assert f"written to {out}" in proc.stdout


def test_json_has_every_figure_with_numbers(quick_run):
    proc, out = quick_run
    report = json.loads(out.read_text())
    assert report["quick"] is True and report["repeat"] == 1
    figures = report["figures"]
    assert set(figures) == set(FIGURES)
    assert not [key for key, fig in figures.items() if "error" in fig]
    for key in ("prompt", "result", "per_input", "plot", "memory", "complete"):
        fig = figures[key]
        assert _number(fig["value"]) and _number(fig["goal"]), (key, fig)
        assert fig["met"] in (True, False), (key, fig)
        assert _number(fig["tutor"]) and fig["tutor"] > 0 and _number(fig["baseline"]) and fig["baseline"] > 0
    # ratios are the tutor's figure over the baseline measured in the same run
    for key in ("prompt", "result", "memory"):
        fig = figures[key]
        assert fig["value"] == pytest.approx(fig["tutor"] / fig["baseline"])
    per_input = figures["per_input"]
    assert per_input["value"] == pytest.approx((per_input["tutor"] - per_input["baseline"]) / per_input["inputs"] * 1000)
    assert set(figures["complete"]["cases"]) == {"torch. first", "torch. warm", "x. first", "x. warm"}
    graph = figures["graph"]
    assert [row["ops"] for row in graph["sizes"]] == [200, 1000]
    for row in graph["sizes"]:
        assert row["nodes"] == row["ops"] + 1  # one node per sin, plus the leaf
        assert _number(row["build_s"]) and _number(row["command_s"])
    assert all(_number(v) for v in graph["us_per_node"].values()) and _number(graph["growth"])
    assert report["table"] and all(len(row) == 7 for row in report["table"])
