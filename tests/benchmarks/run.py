"""The tutor's benchmark: every figure against a baseline measured in the same run.

    python tests/benchmarks/run.py [--repeat N] [--json PATH] [--quick] [--only NAME ...]

Prints a table and writes it as JSON (default bench-results/latest.json). Each figure is the median
of N runs (default 5) and is set against a baseline timed in the same run, so a slow or busy machine
changes both sides alike:

  prompt      time to a visible `>>>` in a real terminal (pexpect, `python -m tutor`) vs the time
              `python -c "import torch"` takes to import torch (its exit, ~0.3 s more, is not
              counted: nothing the learner waits for)                         goal <= 0.5x
  result      time to the first result (`torch.ones(2).sum()` typed as soon as the prompt shows,
              until `tensor(2.)` arrives) vs the same baseline                  goal <= 1.3x
  per_input   `autograd-tutor run` (python -m tutor run) on scripts of 100 and of 1,000 small inputs:
              the slope (t(1,000) - t(100)) / 900, minus the same slope of plain `python` running
              the same files. A slope leaves out every fixed cost (start-up, importing torch), which
              a difference of totals over one length would spread over the inputs, making the
              per-input cost look smaller (or negative) when start-up is faster.  goal <= 3 ms
  complete    completion of `torch.` and of a tensor's attributes (`x.`), first call (fresh
              process) and warm, through the shell's NamespaceCompleter; baseline: dir() of the
              object, filtered (the least any completer does)                  goal <= 50 ms
  graph       building the %graph data of chains of 1,000 / 10,000 / 100,000 sin operations: us per
              node (linear growth) and vs torchviz's make_dot where torchviz is installed (optional,
              `pip install torchviz`). make_dot recurses, so at Python's default recursion limit it
              raises RecursionError from ~1,000 operations on (noted in the table); it is timed
              with the limit raised, on a 1 GB stack. Also: `%graph y` as a learner types it (the
              walk stops at tutor.graph.WALK_LIMIT nodes), for information.   goal: faster than make_dot
  plot        `%plot torch.sin 0 6.3` (two curves x 1,000 points) through Session.submit and drawn
              on a 100-column colour console, first call and warm; baseline: plotext alone drawing
              the same two curves                                              goal <= 100 ms
  memory      resident memory (VmRSS) of the shell back at the prompt after the first result vs a
              python that imported torch and waits                             goal <= 1.15x
  notebook    the notebook extension's added time per cell with no mistake: IPython's in-process
              shell running the same 120 cells (D2L 2.5's first example, a little arithmetic) with
              `%load_ext autograd_tutor` vs without: (with - without) / cells  goal <= 3 ms
              (also 600 cells, for information: diagnosis reads the history, so it grows)

Every figure is the median of --repeat runs (default 5), except the 100,000-operation graph, which
takes at most 3 (each run builds and frees a 100,000-node graph twice); each figure's JSON says how
many runs it took ("runs" lists them) and states its method ("method"), printed under the table.

Measurements that import torch in process run in child processes (`run.py --worker NAME`), so the
100,000-node graph (which PyTorch frees recursively; see tutor/graph.py) cannot take the whole
benchmark down. Children may write bytecode caches (PYTHONDONTWRITEBYTECODE is dropped), as an
installed package has them. `--quick` (one run, small sizes, no warm-up) is for the smoke test
(tests/test_benchmarks_smoke.py); its figures mean little.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DEFAULT_JSON = ROOT / "bench-results" / "latest.json"
FIGURES = ("prompt", "result", "per_input", "complete", "graph", "plot", "memory", "notebook", "fixes")
GRAPH_SIZES = (1_000, 10_000, 100_000)
INPUT_LENGTHS = (100, 1_000)  # per_input: the slope between these two script lengths
BIG_GRAPH_RUNS = 3  # at most this many runs for chains of 100,000 operations
TIMEOUT = 120  # seconds for any one child process

# One block of a learner's script (D2L 2.5's first example and some arithmetic), repeated.
SCRIPT_BLOCK = """\
x = torch.arange(4.0, requires_grad=True)
y = 2 * torch.dot(x, x)
y.backward()
x.grad
x.grad == 4 * x
x.grad.zero_()
a = torch.ones(3)
b = a * 2 + 1
b.sum()
n = len(b) + 1
"""


# -- helpers --------------------------------------------------------------------------------------


def median(values):
    values = [v for v in values if isinstance(v, (int, float))]
    return statistics.median(values) if values else None


def child_env(home: str | None = None) -> dict:
    env = dict(os.environ)
    env.update(PROMPT_TOOLKIT_NO_CPR="1", TERM=env.get("TERM") or "xterm-256color",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])))
    env.pop("NO_COLOR", None)
    # Cache bytecode as an installed package has it (pip compiles on install); with
    # PYTHONDONTWRITEBYTECODE set, every start would compile the tutor's modules again.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if home:
        env["AUTOGRAD_TUTOR_HOME"] = home
    return env


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def worker(name: str, *args: str) -> dict:
    """Run `run.py --worker name args` in a child process; its last stdout line is JSON."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", name, *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT * 3, env=child_env())
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        reason = proc.stderr.strip().splitlines()[-1:] or [f"exit status {proc.returncode}"]
        return {"error": f"worker {name} {' '.join(args)} failed: {reason[0]} (exit {proc.returncode})"}
    return json.loads(lines[-1])


def say(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


# -- 1, 2, 7: the real terminal -------------------------------------------------------------------


def time_import_torch() -> tuple[float, float]:
    """Seconds until `python -c "import torch"` has imported torch, and until it has exited.

    The first is the baseline: the interpreter's shutdown after the import (~0.3 s with torch) is
    not something the tutor's prompt or first result waits for.
    """
    import pexpect

    started = time.perf_counter()
    child = pexpect.spawn(sys.executable, ["-c", "import torch; print('imported', flush=True)"],
                          env=child_env(), timeout=TIMEOUT)
    child.expect_exact("imported")
    imported = time.perf_counter() - started
    child.expect(pexpect.EOF)
    exited = time.perf_counter() - started
    child.close()
    return imported, exited


def torch_rss() -> float:
    """Resident MB of a python that imported torch and waits."""
    import pexpect

    code = "import sys, torch; print('ready', flush=True); sys.stdin.readline()"
    child = pexpect.spawn(sys.executable, ["-c", code], env=child_env(), timeout=TIMEOUT)
    child.expect_exact("ready")
    time.sleep(0.2)  # as long as the tutor's child has to settle after its result
    rss = rss_mb(child.pid)
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    return rss


def tutor_terminal() -> dict:
    """Seconds to the prompt and to the first result, and resident MB at the next prompt."""
    import pexpect

    with tempfile.TemporaryDirectory(prefix="bench-home-") as home:
        started = time.perf_counter()
        child = pexpect.spawn(sys.executable, ["-m", "tutor"], env=child_env(home),
                              dimensions=(40, 100), timeout=TIMEOUT)
        child.delaybeforesend = None
        child.expect_exact(">>>")  # prompt_toolkit draws ">>>" then moves the cursor past the space
        prompt = time.perf_counter() - started
        child.send("torch.ones(2).sum()\r")
        child.expect_exact("tensor(2.)")
        result = time.perf_counter() - started
        child.expect_exact(">>>")  # back at the prompt, torch loaded
        time.sleep(0.2)
        rss = rss_mb(child.pid)
        child.sendcontrol("d")
        child.expect(pexpect.EOF)
        child.close()
    return {"prompt_s": prompt, "result_s": result, "rss_mb": rss}


def measure_terminal(repeat: int, warmup: bool) -> dict:
    if warmup:  # the first start of anything reads files from disk
        time_import_torch()
        tutor_terminal()
    runs = {"import_torch_s": [], "import_torch_exit_s": [], "prompt_s": [], "result_s": [],
            "rss_mb": [], "torch_rss_mb": []}
    for _ in range(repeat):  # interleaved, so drift hits both sides
        imported, exited = time_import_torch()
        runs["import_torch_s"].append(imported)
        runs["import_torch_exit_s"].append(exited)
        tutor = tutor_terminal()
        for key, value in tutor.items():
            runs[key].append(value)
        runs["torch_rss_mb"].append(torch_rss())
    med = {key: median(values) for key, values in runs.items()}
    base = med["import_torch_s"]
    timed = (f"median of {repeat} starts in a 100x40 pseudo-terminal (pexpect), interleaved with the "
             f"baseline's; value = tutor median / baseline median")
    return {
        "prompt": {
            "title": "time to a visible prompt", "value": med["prompt_s"] / base, "unit": "x",
            "goal": 0.5, "tutor": med["prompt_s"], "baseline": base, "tutor_unit": "s",
            "baseline_name": 'python -c "import torch" (until imported)', "runs": runs["prompt_s"],
            "baseline_runs": runs["import_torch_s"], "baseline_with_exit": med["import_torch_exit_s"],
            "method": "seconds from spawn to '>>>' on screen; " + timed,
        },
        "result": {
            "title": "time to the first result", "value": med["result_s"] / base, "unit": "x",
            "goal": 1.3, "tutor": med["result_s"], "baseline": base, "tutor_unit": "s",
            "baseline_name": 'python -c "import torch" (until imported)', "runs": runs["result_s"],
            "baseline_runs": runs["import_torch_s"], "baseline_with_exit": med["import_torch_exit_s"],
            "method": "seconds from spawn to 'tensor(2.)' on screen, input typed at the first prompt; " + timed,
        },
        "memory": {
            "title": "resident memory at the prompt", "value": med["rss_mb"] / med["torch_rss_mb"],
            "unit": "x", "goal": 1.15, "tutor": med["rss_mb"], "baseline": med["torch_rss_mb"],
            "tutor_unit": "MB", "baseline_name": "python that imported torch", "runs": runs["rss_mb"],
            "baseline_runs": runs["torch_rss_mb"],
            "method": (f"VmRSS 0.2 s after the prompt is back (tutor) or after torch is imported "
                       f"(baseline); median of {repeat}; value = tutor / baseline"),
        },
    }


# -- 3: per-input overhead of `run` ---------------------------------------------------------------


def make_script(inputs: int) -> str:
    block = SCRIPT_BLOCK.splitlines(keepends=True)
    lines = ["import torch\n"] + [block[i % len(block)] for i in range(inputs - 1)]
    return "".join(lines)


def measure_per_input(repeat: int, lengths: tuple[int, int], warmup: bool) -> dict:
    short_n, long_n = lengths
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        env = child_env(str(Path(tmp) / "home"))
        scripts = {}
        for n in lengths:
            scripts[n] = Path(tmp) / f"inputs{n}.py"
            scripts[n].write_text(make_script(n))
            check = subprocess.run([sys.executable, "-m", "tutor", "run", str(scripts[n]), "--json"],
                                   capture_output=True, text=True, env=env, timeout=TIMEOUT)
            records = [json.loads(line) for line in check.stdout.splitlines()]
            failed = [r["input"] for r in records if not r["ok"]]
            if len(records) != n or failed:
                raise RuntimeError(f"the benchmark script did not run cleanly: {len(records)} records, "
                                   f"failed: {failed[:3]}")

        def timed(cmd) -> float:
            started = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                           timeout=TIMEOUT, check=True)
            return time.perf_counter() - started

        commands = {(who, n): ([sys.executable, str(scripts[n])] if who == "python"
                               else [sys.executable, "-m", "tutor", "run", str(scripts[n])])
                    for who in ("python", "tutor") for n in lengths}
        if warmup:
            for cmd in commands.values():
                timed(cmd)
        runs: dict = {key: [] for key in commands}
        for _ in range(repeat):  # interleaved, so drift hits every side
            for key, cmd in commands.items():
                runs[key].append(timed(cmd))
    return {"per_input": per_input_figure(runs, lengths)}


def slope_ms(totals: dict, lengths: tuple[int, int]) -> float:
    """Milliseconds per extra input between two script lengths: fixed costs cancel out."""
    short_n, long_n = lengths
    return (totals[long_n] - totals[short_n]) / (long_n - short_n) * 1000


def per_input_figure(runs: dict, lengths: tuple[int, int]) -> dict:
    """The per_input figure from runs[(who, length)] = [seconds, ...], who in ("tutor", "python")."""
    short_n, long_n = lengths
    extra = long_n - short_n
    repeat = len(runs["tutor", long_n])
    med = {key: median(values) for key, values in runs.items()}
    tutor_slope = slope_ms({n: med["tutor", n] for n in lengths}, lengths)
    python_slope = slope_ms({n: med["python", n] for n in lengths}, lengths)
    return {
        "title": f"per-input overhead of run (slope, {short_n:,} to {long_n:,} inputs)",
        "value": tutor_slope - python_slope, "unit": "ms", "goal": 3.0,
        "tutor": tutor_slope, "baseline": python_slope, "tutor_unit": "ms",
        "baseline_name": "python running the same files (its own slope)",
        "method": (f"median time of {repeat} runs at {short_n:,} and at {long_n:,} inputs; "
                   f"slope = (t({long_n:,}) - t({short_n:,})) / {extra:,}; value = tutor slope - python slope"),
        "lengths": list(lengths), "tutor_totals_s": {str(n): med["tutor", n] for n in lengths},
        "python_totals_s": {str(n): med["python", n] for n in lengths},
        "runs": {str(n): runs["tutor", n] for n in lengths},
        "baseline_runs": {str(n): runs["python", n] for n in lengths},
    }


# -- 4: completion --------------------------------------------------------------------------------


def worker_complete(warm_repeat: int) -> dict:
    """In a fresh process: first and warm completion of `torch.` and `x.` (ms), ours and bare dir()."""
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from tutor.complete import NamespaceCompleter
    from tutor.session import Session
    from tutor.shell import Shell

    session = Session()
    session.ensure_torch()
    outcome = session.submit("x = torch.ones(3, requires_grad=True)")
    assert outcome.ok, outcome.error
    completer = NamespaceCompleter(lambda text: session.namespace, Shell._command_names)
    event = CompleteEvent(completion_requested=True)

    def ours(text):
        return [c.text for c in completer.get_completions(Document(text), event)]

    def theirs(text):  # the least any completer does: dir() of the object, filtered
        base, _, prefix = text.rpartition(".")
        obj = eval(base, session.namespace)
        return sorted(n for n in dir(obj) if n.startswith(prefix) and not n.startswith("_"))

    result = {}
    for name, func in (("ours", ours), ("dir", theirs)):
        for text in ("torch.", "x."):
            started = time.perf_counter()
            found = func(text)
            first = (time.perf_counter() - started) * 1000
            warm = []
            for _ in range(warm_repeat):
                started = time.perf_counter()
                func(text)
                warm.append((time.perf_counter() - started) * 1000)
            result[f"{name} {text} first"] = first
            result[f"{name} {text} warm"] = median(warm)
            result[f"{name} {text} count"] = len(found)
    return result


def measure_complete(repeat: int) -> dict:
    warm_calls = 20 if repeat > 1 else 3
    runs = [worker("complete", str(warm_calls)) for _ in range(repeat)]
    errors = [r["error"] for r in runs if "error" in r]
    if errors:
        raise RuntimeError(errors[0])
    med = {key: median([r[key] for r in runs]) for key in runs[0]}
    cases = {}
    for text in ("torch.", "x."):
        for when in ("first", "warm"):
            cases[f"{text} {when}"] = {
                "ms": med[f"ours {text} {when}"], "baseline_ms": med[f"dir {text} {when}"],
                "completions": med[f"ours {text} count"],
            }
    worst = max(case["ms"] for case in cases.values())
    worst_key = max(cases, key=lambda k: cases[k]["ms"])
    return {"complete": {
        "title": "completion latency (slowest case)", "value": worst, "unit": "ms", "goal": 50.0,
        "tutor": worst, "baseline": cases[worst_key]["baseline_ms"], "tutor_unit": "ms",
        "baseline_name": f"dir() of the object, filtered ({worst_key})", "cases": cases,
        "method": (f"{repeat} fresh processes; in each, the first call and the median of {warm_calls} warm "
                   f"calls; medians over the processes; value = the slowest of the four cases"),
        "runs": len(runs),
    }}


# -- 5: %graph ------------------------------------------------------------------------------------


def _chain(torch, n: int):
    x = torch.tensor(0.5, requires_grad=True)
    y = x
    for _ in range(n):
        y = torch.sin(y)
    return x, y


def _big_stack(func):
    """Run func() in a thread with a 1 GB stack; return its result or raise its exception."""
    import threading

    box: dict = {}

    def target():
        try:
            box["value"] = func()
        except BaseException as exc:  # noqa: BLE001 - passed to the caller
            box["error"] = exc

    old = threading.stack_size(1 << 30)
    try:
        thread = threading.Thread(target=target)
        thread.start()
    finally:
        threading.stack_size(old)
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def _release(holder: list) -> None:
    """Free a walked graph on a big stack (tutor/graph.py), and any cycles that still reach it.

    make_dot's recursive closure keeps every node it saw in a reference cycle; left to the garbage
    collector, that cycle would be freed on the main thread's stack, recursively, and crash."""
    import gc

    from tutor import graph as G

    G.release_on_big_stack(holder)
    _big_stack(gc.collect)


def worker_graph(n: int, repeat: int, with_make_dot: bool) -> dict:
    """Build the Graph of a chain of n sin operations (a fresh chain each run); the same with make_dot."""
    import torch

    from tutor import graph as G
    from tutor.render import outcome_text
    from tutor.session import Session

    try:
        from torchviz import make_dot
    except ImportError:
        make_dot = None
    x, y = _chain(torch, 10)  # warm-up: first-call costs (lazy imports, caches) on both sides
    G.build(y, {id(x): ["x"]}, title="y", walk_limit=None)
    if make_dot is not None:
        make_dot(y, params={"x": x})
    del x, y

    keep: list = []  # every graph we walked, freed on a big stack at the end (see tutor/graph.py)
    build, nodes = [], 0
    for _ in range(repeat):
        x, y = _chain(torch, n)
        started = time.perf_counter()
        g = G.build(y, {id(x): ["x"]}, title="y", walk_limit=None)
        build.append(time.perf_counter() - started)
        nodes = len(g.nodes)
        keep.append([x, y, g])
        del x, y, g
        _release(keep.pop())

    # The whole %graph command as a learner types it: walk (up to WALK_LIMIT), tree, plain text.
    session = Session()
    session.ensure_torch()
    command = []
    for _ in range(repeat):
        x, y = _chain(torch, n)
        session.namespace.update(x=x, y=y)
        del x, y
        started = time.perf_counter()
        outcome = session.submit("%graph y")
        text = outcome_text(outcome, 100)
        command.append(time.perf_counter() - started)
        if not outcome.ok or not text:
            raise RuntimeError(f"%graph y failed: {outcome.error}")
        holder = [session.namespace.pop("x"), session.namespace.pop("y"), outcome]
        session.history.clear()
        del outcome
        _release(holder)

    result = {"ops": n, "nodes": nodes, "build_s": median(build), "build_runs": build,
              "command_s": median(command), "walk_limit": G.WALK_LIMIT}
    if make_dot is None:
        result["make_dot"] = "torchviz is not installed"
        return result

    # make_dot as it comes (Python's recursion limit): RecursionError on long chains.
    holder = list(_chain(torch, n))
    try:
        started = time.perf_counter()
        make_dot(holder[1], params={"x": holder[0]})
        result["make_dot_default_s"] = time.perf_counter() - started
    except RecursionError:
        result["make_dot_default_s"] = "RecursionError"
    _release(holder)
    if not with_make_dot:
        return result

    # make_dot with the recursion limit raised, on a 1 GB stack, so it finishes at every size.
    times = []
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 4 * n + 1000))
    try:
        for _ in range(repeat):
            holder = list(_chain(torch, n))  # [x, y]; nothing else may keep them

            def run():
                started = time.perf_counter()
                make_dot(holder[1], params={"x": holder[0]})
                return time.perf_counter() - started

            times.append(_big_stack(run))
            _release(holder)
    finally:
        sys.setrecursionlimit(limit)
    result["make_dot_s"] = median(times)
    result["make_dot_runs"] = times
    return result


def measure_graph(repeat: int, sizes) -> dict:
    rows = []
    for n in sizes:
        say(f"  graph: chain of {n:,}")
        runs = repeat if n < 100_000 else min(repeat, BIG_GRAPH_RUNS)
        row = worker("graph", str(n), str(runs), "1")
        if "error" in row:
            row = {"ops": n, **row}
        row["runs"] = runs
        rows.append(row)
    per_node = {r["ops"]: r["build_s"] / r["nodes"] * 1e6 for r in rows if "build_s" in r}
    ratios = {r["ops"]: r["build_s"] / r["make_dot_s"] for r in rows
              if isinstance(r.get("make_dot_s"), float) and "build_s" in r}
    small, large = min(per_node), max(per_node)
    growth = per_node[large] / per_node[small]
    worst_ratio = max(ratios.values()) if ratios else None
    return {"graph": {
        "title": "%graph build vs make_dot (slowest size)", "value": worst_ratio, "unit": "x",
        "goal": 1.0, "goal_strict": True, "us_per_node": per_node,
        "growth": growth, "growth_note": f"us/node at {large:,} ÷ us/node at {small:,}",
        "vs_make_dot": ratios, "sizes": rows, "baseline_name": "torchviz make_dot",
        "method": (f"per size, median of {repeat} builds of a fresh chain (at most {BIG_GRAPH_RUNS} at "
                   f"100,000 ops) and of as many make_dot calls; value = the largest build / make_dot ratio"),
    }}


# -- 6: %plot -------------------------------------------------------------------------------------


def worker_plot(repeat: int) -> dict:
    """`%plot torch.sin 0 6.3` through Session.submit and onto a 100-column colour console (ms)."""
    import io

    import numpy as np
    from rich.console import Console

    from tutor.render import outcome_renderables
    from tutor.session import Session

    session = Session()
    session.ensure_torch()

    def ours():
        outcome = session.submit("%plot torch.sin 0 6.3")
        if not outcome.ok:
            raise RuntimeError(f"%plot failed: {outcome.error}")
        console = Console(file=io.StringIO(), width=100, color_system="256", force_terminal=True)
        for part in outcome_renderables(outcome):
            console.print(part)
        session.history.clear()

    x = np.linspace(0, 6.3, 1000)
    y1, y2 = np.sin(x).tolist(), np.cos(x).tolist()
    xs = x.tolist()

    def plotext_alone():
        import plotext as plt

        plt.clear_figure()
        plt.theme("clear")
        plt.plotsize(100, 30)
        plt.plot(xs, y1, marker="braille")
        plt.plot(xs, y2, marker="braille")
        plt.build()
        plt.clear_figure()

    result = {}
    for name, func in (("ours", ours), ("plotext", plotext_alone)):
        started = time.perf_counter()
        func()
        result[f"{name} first"] = (time.perf_counter() - started) * 1000
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            func()
            times.append((time.perf_counter() - started) * 1000)
        result[f"{name} warm"] = median(times)
        result[f"{name} runs"] = times
    return result


def measure_plot(repeat: int) -> dict:
    data = worker("plot", str(max(repeat * 4, 1)))
    if "error" in data:
        raise RuntimeError(data["error"])
    return {"plot": {
        "title": "%plot, 2 curves x 1,000 points (warm)", "value": data["ours warm"], "unit": "ms",
        "goal": 100.0, "tutor": data["ours warm"], "baseline": data["plotext warm"], "tutor_unit": "ms",
        "baseline_name": "plotext alone, same curves", "first_ms": data["ours first"],
        "baseline_first_ms": data["plotext first"], "runs": data["ours runs"],
        "baseline_runs": data["plotext runs"],
        "method": (f"one process: the first call once, then the median of {len(data['ours runs'])} warm "
                   f"calls (Session.submit + drawing on a 100-column console); value = warm median"),
    }}


# -- 8: the notebook extension ---------------------------------------------------------------------

NOTEBOOK_CELLS = [  # one block of clean cells (no hint), repeated
    "x = torch.arange(4.0, requires_grad=True)",
    "y = 2 * torch.dot(x, x)\ny.backward()",
    "x.grad",
    "x.grad.zero_()\na = torch.ones(3)\nb = a * 2 + 1",
    "b.sum()",
    "n = len(b) + 1\nprint(n)",
]


def worker_notebook(repeat: int, blocks: int) -> dict:
    """Per-cell ms of IPython's in-process shell running the same cells without and with the extension."""
    import contextlib
    import io

    from IPython.core.displaypub import CapturingDisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    cells = NOTEBOOK_CELLS * blocks

    def shell(extension: bool):
        config = Config()
        config.HistoryManager.hist_file = ":memory:"
        ip = InteractiveShell(config=config)
        ip.display_pub = CapturingDisplayPublisher()
        ip.run_cell("import torch", store_history=True)
        if extension:
            ip.run_line_magic("load_ext", "autograd_tutor")
        return ip

    def per_cell(extension: bool) -> float:
        ip = shell(extension)
        with contextlib.redirect_stdout(io.StringIO()):
            started = time.perf_counter()
            for cell in cells:
                ip.run_cell(cell, store_history=True)
            elapsed = time.perf_counter() - started
        if extension:
            shown = "\n".join(o["data"].get("text/plain", "") for o in ip.display_pub.outputs)
            if "hint " in shown:
                raise RuntimeError(f"a clean cell got a hint: {shown[:200]}")
            from tutor import notebook

            notebook.unload(ip)
        return elapsed / len(cells) * 1000

    per_cell(True)  # warm-up: imports, first rendering
    plain, tutor = [], []
    for _ in range(repeat):
        plain.append(per_cell(False))
        tutor.append(per_cell(True))
    return {"plain": median(plain), "tutor": median(tutor), "added": median([t - p for t, p in zip(tutor, plain)]),
            "cells": len(cells), "plain runs": plain, "tutor runs": tutor}


def measure_notebook(repeat: int, blocks: int, long_blocks: int) -> dict:
    data = worker("notebook", str(repeat), str(blocks))
    long = worker("notebook", str(max(repeat // 2, 1)), str(long_blocks))
    for d in (data, long):
        if "error" in d:
            raise RuntimeError(d["error"])
    return {"notebook": {
        "title": f"notebook extension, added time per clean cell ({data['cells']:,} cells)",
        "value": data["added"], "unit": "ms", "goal": 3.0, "tutor": data["tutor"], "baseline": data["plain"],
        "tutor_unit": "ms", "baseline_name": "IPython without the extension, same cells",
        "runs": data["tutor runs"], "baseline_runs": data["plain runs"],
        "long": {"cells": long["cells"], "added": long["added"], "tutor": long["tutor"], "plain": long["plain"]},
        "method": (f"one process, {repeat} rounds after a warm-up; each round runs the same {data['cells']:,} "
                   "cells in a fresh in-process IPython shell without, then with, the extension; the figure "
                   "is the median over rounds of (with - without) per cell"),
    }}


# -- the table ------------------------------------------------------------------------------------


def _num(value, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "ms":
        return f"{value:.1f} ms" if value >= 1 else f"{value:.2f} ms"
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "us":
        return f"{value:.2f} µs"
    return f"{value:.3g}"


def judge(fig: dict) -> None:
    value, goal = fig.get("value"), fig.get("goal")
    if value is None or goal is None:
        fig["met"] = None
    elif fig.get("goal_strict"):
        fig["met"] = value < goal
    else:
        fig["met"] = value <= goal


def table_rows(figures: dict) -> list[list[str]]:
    rows = []

    def status(met):
        return {True: "met", False: "MISSED", None: "n/a"}[met]

    def ratio(a, b):
        return f"{a / b:.2f}x" if isinstance(a, float) and isinstance(b, float) and b else "-"

    for key in FIGURES:
        fig = figures.get(key)
        if fig is None:
            continue
        if "error" in fig:
            rows.append([key, fig.get("title", key), "-", "-", "error", "-", fig["error"][:60]])
            continue
        if key == "complete":
            for case, c in fig["cases"].items():
                rows.append([key, f"completion `{case}`", _num(c["ms"], "ms"),
                             f"dir() {_num(c['baseline_ms'], 'ms')}", _num(c["ms"], "ms"),
                             "<= 50 ms", status(c["ms"] <= fig["goal"])])
            continue
        if key == "graph":
            for row in fig["sizes"]:
                n = row["ops"]
                if "error" in row:
                    rows.append([key, f"%graph build, {n:,} ops", "-", "-", "error", "-", row["error"][:60]])
                    continue
                md = row.get("make_dot_s")
                default = row.get("make_dot_default_s")
                note = "" if not isinstance(default, str) else " (default: RecursionError)"
                base = (f"make_dot {_num(md * 1000, 'ms')}{note}" if isinstance(md, float)
                        else str(row.get("make_dot")))
                per = fig["us_per_node"][n]
                rows.append([key, f"%graph build, {n:,} ops", f"{_num(row['build_s'] * 1000, 'ms')} "
                             f"({per:.2f} µs/node)", base, ratio(row["build_s"], md), "< 1x",
                             status(row["build_s"] < md if isinstance(md, float) else None)])
            for row in fig["sizes"]:
                if "command_s" in row:
                    walked = min(row["nodes"], row["walk_limit"])
                    rows.append([key, f"%graph y as typed, {row['ops']:,} ops ({walked:,} nodes walked)",
                                 _num(row["command_s"] * 1000, "ms"), "-", "-", "-", "info"])
            rows.append([key, "%graph growth (µs/node, largest ÷ smallest)", f"{fig['growth']:.2f}",
                         "-", f"{fig['growth']:.2f}", "linear (~1)", "info"])
            continue
        if key == "plot":
            rows.append([key, "%plot, first call (imports plotext)", _num(fig["first_ms"], "ms"),
                         _num(fig["baseline_first_ms"], "ms"), _num(fig["first_ms"], "ms"), "<= 100 ms",
                         status(fig["first_ms"] <= fig["goal"])])
        if key == "notebook" and "long" in fig:  # a long notebook: diagnosis reads the whole history
            long = fig["long"]
            rows.append([key, f"notebook extension, added time per clean cell ({long['cells']:,} cells)",
                         _num(long["tutor"], "ms"), _num(long["plain"], "ms"), _num(long["added"], "ms"), "-",
                         "info"])
        if key == "fixes":
            rows.append([key, "failing input to its hint with a verified fix (worst)", _num(fig["worst_ms"], "ms"),
                         "-", _num(fig["worst_ms"], "ms"), "<= 500 ms", status(fig["worst_ms"] <= 500)])
        unit = fig["unit"]
        goal = f"<= {fig['goal']:g} {unit}" if unit != "x" else f"<= {fig['goal']:g}x"
        rows.append([key, fig["title"], _num(fig["tutor"], fig["tutor_unit"]),
                     f"{_num(fig['baseline'], fig['tutor_unit'])}", _num(fig["value"], unit), goal,
                     status(fig["met"])])
    return rows


def print_table(figures: dict, out=sys.stdout) -> None:
    head = ["figure", "what", "tutor", "baseline", "result", "goal", "status"]
    rows = table_rows(figures)
    widths = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
    line = "  ".join(h.ljust(w) for h, w in zip(head, widths))
    print(line, file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip(), file=out)
    baselines = sorted({f"{k}: {f['baseline_name']}" for k, f in figures.items() if f.get("baseline_name")})
    print("baselines: " + "; ".join(baselines), file=out)
    methods = [(k, f["method"]) for k, f in figures.items() if f.get("method")]
    if methods:
        print("methods:", file=out)
        for key, method in methods:
            print(f"  {key}: {method}", file=out)


def machine() -> dict:
    info = {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count()}
    try:
        import importlib.metadata as md

        for name in ("torch", "prompt_toolkit", "rich", "plotext", "torchviz"):
            try:
                info[name] = md.version(name)
            except md.PackageNotFoundError:
                info[name] = None
    except ImportError:
        pass
    return info


# -- main -----------------------------------------------------------------------------------------


def _at_least_one(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("at least 1 run is needed")
    return value


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=_at_least_one, default=None,
                        help="runs per figure (default 5; 1 with --quick)")
    parser.add_argument("--json", default=str(DEFAULT_JSON), metavar="PATH",
                        help="where to write the results (default bench-results/latest.json)")
    parser.add_argument("--quick", action="store_true",
                        help="one run, small sizes, no warm-up: checks the benchmark works, not the tutor")
    parser.add_argument("--only", nargs="+", choices=FIGURES, default=None, help="measure only these")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("worker_args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        return run_worker(args.worker, args.worker_args)

    quick = args.quick
    repeat = args.repeat or (1 if quick else 5)
    sizes = (200, 1_000) if quick else GRAPH_SIZES
    lengths = (20, 100) if quick else INPUT_LENGTHS
    only = set(args.only or FIGURES)
    figures: dict = {}
    started = time.perf_counter()

    def step(name, keys, func, *a):
        if not only & set(keys):
            return
        say(f"measuring {name} …")
        try:
            figures.update(func(*a))
        except Exception as exc:  # noqa: BLE001 - one failed measurement does not stop the others
            for key in keys:
                figures[key] = {"title": key, "error": f"{type(exc).__name__}: {exc}"}

    step("the terminal: prompt, first result, memory", ("prompt", "result", "memory"),
         measure_terminal, repeat, not quick)
    step("per-input overhead of run", ("per_input",), measure_per_input, repeat, lengths, not quick)
    step("completion", ("complete",), measure_complete, repeat)
    step("%graph", ("graph",), measure_graph, repeat, sizes)
    step("%plot", ("plot",), measure_plot, repeat)
    step("the notebook extension", ("notebook",), measure_notebook, repeat, *((2, 4) if quick else (20, 100)))
    step("time to a hint with a verified fix", ("fixes",), measure_fixes, repeat)
    figures = {k: v for k, v in figures.items() if k in only}
    for fig in figures.values():
        if "error" not in fig:
            judge(fig)

    print_table(figures)
    report = {
        "command": " ".join(["python tests/benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])]),
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "quick": quick, "repeat": repeat, "seconds": round(time.perf_counter() - started, 1),
        "machine": machine(), "figures": figures, "table": table_rows(figures),
    }
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"written to {path}")
    return 1 if any("error" in f for f in figures.values()) else 0


# -- 9: time to a hint with a verified fix ------------------------------------------------------------


def worker_fixes(repeat: int) -> dict:
    """Submit each situation of tests/test_fixes.py; time the failing input (evaluation, diagnosis and
    trying the candidate fixes on forked copies) until its hint with a verified fix is there."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from test_fixes import SITUATIONS

    from tutor.runner import split_inputs
    from tutor.session import Session

    times, unverified = [], []
    for _ in range(repeat):
        for hint_id, script, what in SITUATIONS:
            session = Session(timeout=5.0)
            session.ensure_torch()
            inputs = split_inputs(script)
            for text in inputs[:-1]:
                session.submit(text)
            started = time.perf_counter()
            outcome = session.submit(inputs[-1])
            elapsed = (time.perf_counter() - started) * 1000
            hint = next((h for h in outcome.hints if h.id == hint_id), None)
            if hint is None or not hint.verified:
                unverified.append(f"{hint_id}: {what}")
            times.append(elapsed)
    times.sort()
    return {"median": median(times), "worst": times[-1], "runs": [round(t, 1) for t in times],
            "situations": len(SITUATIONS), "unverified": sorted(set(unverified))}


def measure_fixes(repeat: int) -> dict:
    data = worker("fixes", str(max(repeat // 2, 1)))
    if "error" in data:
        raise RuntimeError(data["error"])
    return {"fixes": {
        "title": "failing input to its hint with a verified fix (median; worst below)", "value": data["median"],
        "unit": "ms", "goal": 150.0, "tutor": data["median"], "baseline": None, "tutor_unit": "ms",
        "worst_ms": data["worst"], "worst_goal_ms": 500.0, "runs": data["runs"],
        "unverified": data["unverified"],
        "method": (f"one process; each of the {data['situations']} situations of tests/test_fixes.py in a fresh "
                   f"Session: the earlier inputs, then Session.submit of the failing one timed (evaluation, "
                   f"diagnosis, candidate fixes tried on forked copies); value = median over situations x runs"),
    }}


def run_worker(name: str, args: list[str]) -> int:
    from tutor import stack

    stack.raise_limit()  # as `autograd-tutor` does at start-up: %graph walks as far as the learner's shell
    if name == "complete":
        result = worker_complete(int(args[0]))
    elif name == "graph":
        result = worker_graph(int(args[0]), int(args[1]), args[2] == "1")
    elif name == "plot":
        result = worker_plot(int(args[0]))
    elif name == "notebook":
        result = worker_notebook(int(args[0]), int(args[1]))
    elif name == "fixes":
        result = worker_fixes(int(args[0]))
    else:
        raise SystemExit(f"unknown worker {name}")
    print(json.dumps(result), flush=True)
    os._exit(0)  # skip freeing what is left (graphs walked by Python are freed recursively)


if __name__ == "__main__":
    sys.exit(main())
