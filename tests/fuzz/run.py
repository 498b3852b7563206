"""The long fuzz run: internal errors and hangs per N inputs to `Session.submit`.

    nice -n 15 python tests/fuzz/run.py --count 10000 [--seed 1] [--timeout 1]

Inputs come from tests/fuzz_inputs.py (valid tensor code, autograd calls, malformed Python, every %
command with garbage arguments, objects whose dunders raise or loop), drawn by hypothesis. An input is
an internal error when the Outcome is a TutorError, and a hang when it takes longer than its time
limit twice over (evaluation and diagnosis each have one) plus 2 s. Prints one JSON line of counts and
the first few offenders. Not part of `python -m pytest` (it takes an hour or so for 10,000).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), os.path.dirname(os.path.dirname(HERE))]

from hypothesis import HealthCheck, given, settings  # noqa: E402

from fuzz_inputs import inputs  # noqa: E402
from tutor import stack  # noqa: E402
from tutor.session import Session  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=1.0)
    args = parser.parse_args()
    stack.raise_limit()
    state = {"session": None, "n": 0, "internal": [], "hangs": [], "started": time.monotonic()}

    @settings(max_examples=args.count, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(inputs)
    def one(text):
        if state["session"] is None:
            state["session"] = Session(timeout=args.timeout)
            state["session"].ensure_torch()
        s = state["session"]
        started = time.monotonic()
        outcome = s.submit(text)
        elapsed = time.monotonic() - started
        state["n"] += 1
        if outcome.error is not None and outcome.error.type == "TutorError":
            state["internal"].append({"input": text, "error": outcome.error.message[:300]})
        if elapsed > 2 * args.timeout + 2:
            state["hangs"].append({"input": text, "seconds": round(elapsed, 2)})
        if outcome.exit_requested or len(s.history) > 60:
            state["session"] = None

    import random

    random.seed(args.seed)
    one()
    n = state["n"]
    print(json.dumps({"inputs": n, "internal_errors": len(state["internal"]), "hangs": len(state["hangs"]),
                      "per_10000": {"internal_errors": round(len(state["internal"]) * 10_000 / max(n, 1), 1),
                                    "hangs": round(len(state["hangs"]) * 10_000 / max(n, 1), 1)},
                      "seconds": round(time.monotonic() - state["started"], 1),
                      "first_internal": state["internal"][:5], "first_hangs": state["hangs"][:5]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
