"""How long a plot of two curves × 1,000 points takes to render (goal: under 100 ms).

    python tests/benchmarks/bench_plot.py [--repeat N]

Prints the median and the worst of N runs for:
  draw     plotext building the plot area only (Plot.text at 100 × 25, colour);
  render   cleaning the data (make_plot) and printing it to a 100-column colour console;
  plain    the same, as plain text (what `run` and JSON output get);
  %plot    `%plot torch.sin 0 6.3` through Session.submit: autograd derivative and render.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np  # noqa: E402
from rich.console import Console  # noqa: E402

from tutor.plot import Curve, make_plot  # noqa: E402
from tutor.render import outcome_renderables, plain_text, to_renderable  # noqa: E402

GOAL_MS = 100.0


def two_curves():
    x = np.linspace(-5, 5, 1000)
    return [Curve(x, np.sin(x), "f(x)"), Curve(x, np.cos(x), "f'(x) (autograd)")]


def timed(func, repeat: int) -> list[float]:
    func()  # warm up (imports, plotext's first build)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    repeat = parser.parse_args().repeat
    curves = two_curves()

    def draw():
        make_plot(curves).text(100, 25, color=True)

    def render():
        console = Console(file=io.StringIO(), width=100, color_system="256", force_terminal=True)
        console.print(to_renderable(make_plot(curves, title="sin and cos", xlabel="x")))

    def plain():
        plain_text([to_renderable(make_plot(curves, title="sin and cos", xlabel="x"))], 100)

    from tutor.session import Session

    session = Session()
    session.ensure_torch()

    def command():
        out = session.submit("%plot torch.sin 0 6.3")
        assert out.error is None, out.error
        console = Console(file=io.StringIO(), width=100, color_system="256", force_terminal=True)
        for part in outcome_renderables(out):
            console.print(part)

    print(f"two curves × 1,000 points, {repeat} runs each (goal: under {GOAL_MS:.0f} ms)")
    worst_median = 0.0
    for name, func in (("draw", draw), ("render", render), ("plain", plain), ("%plot", command)):
        times = timed(func, repeat)
        median = statistics.median(times)
        worst_median = max(worst_median, median)
        print(f"  {name:<7} median {median:6.1f} ms   worst {max(times):6.1f} ms")
    verdict = "met" if worst_median < GOAL_MS else "MISSED"
    print(f"goal {verdict}: slowest median {worst_median:.1f} ms")
    return 0 if worst_median < GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
