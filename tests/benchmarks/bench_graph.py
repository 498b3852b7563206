"""How long building the Graph of a chain takes (goal: linear in size; faster than torchviz).

    python tests/benchmarks/bench_graph.py [--sizes 1000 10000 100000] [--op sin]

For each chain of N operations (y = sin(sin(...sin(x)))) prints: build seconds, microseconds per
node, the tree view's rows and the time to draw them as plain text, and torchviz's make_dot on
the same graph when torchviz is importable (optional; `pip install torchviz`). torchviz walks
the graph recursively, so it raises RecursionError past a few hundred chained operations.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import torch  # noqa: E402

from tutor import graph as G  # noqa: E402
from tutor.render import plain_text, to_renderable  # noqa: E402
from tutor import render_autograd  # noqa: E402,F401 - registers the Graph renderer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--op", default="sin")
    parser.add_argument("--torchviz-sizes", type=int, nargs="+", default=[100, 400, 1_000])
    args = parser.parse_args()

    print(f"{'ops':>8} {'build s':>9} {'µs/node':>8} {'draw s':>8} {'lines':>6}")
    for row in G.benchmark(args.sizes, op=args.op, torchviz=False):
        x = torch.tensor(0.5, requires_grad=True)
        y = x
        for _ in range(row["ops"]):
            y = getattr(torch, args.op)(y)
        g = G.build(y, {id(x): ["x"]})
        started = time.perf_counter()
        text = plain_text([to_renderable(g)], 80)
        drawn = time.perf_counter() - started
        per_node = row["build_s"] / row["nodes"] * 1e6
        print(f"{row['ops']:>8,} {row['build_s']:>9.4f} {per_node:>8.2f} {drawn:>8.4f} "
              f"{len(text.splitlines()):>6}")

    try:
        import torchviz  # noqa: F401
    except ImportError:
        print("torchviz is not installed: no comparison (pip install torchviz to compare)")
        return
    print(f"\n{'ops':>8} {'ours s':>9} {'torchviz make_dot s':>20}")
    for row in G.benchmark(args.torchviz_sizes, op=args.op, torchviz=True):
        tv = row["torchviz_s"]
        tv = f"{tv:.4f}" if isinstance(tv, float) else str(tv)
        print(f"{row['ops']:>8,} {row['build_s']:>9.4f} {tv:>20}")


if __name__ == "__main__":
    main()
