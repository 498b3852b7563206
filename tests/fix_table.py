"""Which hints show a verified fix, per triggering script of tests/hints_cases.py (a review aid, not a test).

    python tests/fix_table.py              # one row per hint id: V (code, tried on a copy) or W (words only)
    python tests/fix_table.py -v [id ...]  # also the fix, its edit, and the candidates that were rejected

tests/test_fixes_every_id.py asserts what this prints: every V is applied again by the test in a fresh
session, and every id has at least one V.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import tutor.hints as hints_pkg  # noqa: E402
from hints_cases import CASES  # noqa: E402
from tutor.runner import split_inputs  # noqa: E402
from tutor.session import Session  # noqa: E402


def main(argv: list[str]) -> int:
    hints_pkg.STRICT = True
    verbose = "-v" in argv
    only = [a for a in argv if not a.startswith("-")]
    rows: dict[str, list[str]] = {}
    started = time.perf_counter()
    for hint_id, script, opts in CASES:
        if only and hint_id not in only:
            continue
        session = Session(timeout=max(opts.get("timeout", 5.0), 1.0))
        session.ensure_torch()
        last = [session.submit(text) for text in split_inputs(script)][-1]
        hint = next((h for h in last.hints if h.id == hint_id), None)
        mark = "?" if hint is None else "V" if hint.verified else "W"
        rows.setdefault(hint_id, []).append(mark)
        if verbose and hint is not None:
            print(f"== {hint_id} {mark}: {script.splitlines()[-1]!r}")
            print(f"   fix: {hint.fix!r} {hint.replaces}" if hint.verified else f"   words: {hint.fix_words}")
            for code, why in hint.tried:
                print(f"   rejected: {code!r}: {why}")
    for hint_id, marks in rows.items():
        print(f"{hint_id:32s} {' '.join(marks)}")
    n = sum(len(m) for m in rows.values())
    v = sum(m.count("V") for m in rows.values())
    print(f"{v} of {n} scripts show a verified fix ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
