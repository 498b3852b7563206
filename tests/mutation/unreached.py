"""Which lines of tutor/hints do the hint tests never reach? (A mutant there survives every test.)

    python tests/mutation/unreached.py [FILE_GLOB ...]   # e.g. tutor/hints/rules/control.py; default: all

Runs the tests that cover hints-core in tests/mutation/run.py (the hint tests, the branch scripts) under coverage.py with
branch coverage, candidate fixes replayed in the process as the mutation copies do (verify.USE_FORK =
False: code run only in a forked copy is invisible to coverage, as it is to mutmut), and prints each file's
unreached lines and branches (`coverage report --show-missing`). About two minutes. Needs coverage
(installed with mutmut).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from run import test_args  # noqa: E402

PLUGIN = '''
import tutor.hints as _hints
import tutor.verify as _verify
_verify.LIMIT = 10.0
_verify.try_fix.__kwdefaults__["limit"] = 10.0
_verify.USE_FORK = False
_hints.VERIFY_BUDGET = 30.0
'''


def main(argv: list[str]) -> int:
    include = ",".join(argv) if argv else "tutor/hints/*"
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "inprocess_verify.py").write_text(PLUGIN, encoding="utf-8")
        env = dict(os.environ, PYTHONPATH=tmp, AUTOGRAD_TUTOR_HOME=str(Path(tmp) / "home"),
                   COVERAGE_FILE=str(Path(tmp) / ".coverage"))
        run = subprocess.run([sys.executable, "-m", "coverage", "run", "--branch", "--source=tutor/hints", "-m",
                              "pytest", "-q", "-p", "no:cacheprovider", "-p", "inprocess_verify",
                              *test_args("hints-core")], cwd=ROOT, env=env,
                             capture_output=True, text=True)
        print((run.stdout.strip().splitlines() or [""])[-1], run.stderr[-2000:] if run.returncode else "")
        report = subprocess.run([sys.executable, "-m", "coverage", "report", "--show-missing", f"--include={include}"],
                                cwd=ROOT, env=env, capture_output=True, text=True)
        print(report.stdout or report.stderr)
        return run.returncode or report.returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
