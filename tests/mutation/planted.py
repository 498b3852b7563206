"""The nine bugs of issue 17, planted one at a time: does the normal suite catch each, every time?

    python tests/mutation/planted.py                 # each bug, its test files, 10 runs each
    python tests/mutation/planted.py --runs 3 --only tangent-sign json-record

Each bug is a small textual edit of one source file (the edit must apply exactly, or the script says
the bug no longer fits the code and fails). The project is copied to a temporary folder, the bug is
planted there, and the test files that cover that part of the tutor run `--runs` times (pytest -x -q,
each run in a fresh process and a fresh AUTOGRAD_TUTOR_HOME). A bug is caught when every run fails.
The whole suite would catch them too; the files named here are the part of it that does, so ten runs
take minutes, not hours. Not part of `python -m pytest`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# name: (file, the original text, the planted text, test files that must catch it)
BUGS: dict[str, tuple[str, str, str, list[str]]] = {
    "shape-check": (
        "tutor/lesson.py",
        "    if a.shape != e.shape:\n        return False, f\"shape",
        "    if False:\n        return False, f\"shape",
        ["tests/test_lesson_api.py", "tests/test_tolerances.py", "tests/test_lesson_checks_pinned.py"]),
    "check-tolerance": (
        "tutor/calculus.py",
        '    "float64": (1e-6, 1e-9),\n    "float32": (1e-4, 1e-6),',
        '    "float64": (1e-3, 1e-6),\n    "float32": (1e-1, 1e-3),',
        ["tests/test_calculus.py", "tests/test_tolerances.py", "tests/test_calculus_pinned.py"]),
    "timer-20x": (
        "tutor/guard.py",
        "        self.when = time.monotonic() + self.seconds\n",
        "        self.when = time.monotonic() + 20 * self.seconds\n",
        ["tests/test_limits_and_records.py"]),
    "json-record": (
        "tutor/runner.py",
        '        "elapsed_ms": round(outcome.elapsed * 1000, 3),',
        '        "elapsed_ms": round(outcome.elapsed, 3),',
        ["tests/test_runner.py", "tests/test_runner_pinned.py", "tests/test_limits_and_records.py"]),
    "json-warnings": (
        "tutor/runner.py",
        '        "warnings": [{"category": w.category, "message": w.message} for w in outcome.warnings],',
        '        "warnings": [],',
        ["tests/test_runner.py", "tests/test_runner_pinned.py", "tests/test_limits_and_records.py"]),
    "generic-hint-text": (
        "tutor/hints/rules/backward.py",
        'f"{what}: {needs} needs a single number{why}."',
        'f"the output: {needs} needs a single number."',
        ["tests/test_hints_names.py", "tests/test_hints_pinned.py"]),
    "busy-timeout-0": (
        "tutor/progress.py",
        "BUSY_TIMEOUT_MS = 2_000",
        "BUSY_TIMEOUT_MS = 0",
        ["tests/test_progress_busy.py", "tests/test_progress.py", "tests/test_progress_pinned.py"]),
    "accumulation-inverted": (
        "tutor/hints/rules/accumulation.py",
        '        if change.name in resets or "*" in resets:\n            continue',
        '        if change.name not in resets and "*" not in resets:\n            continue',
        ["tests/test_hints.py", "tests/test_fixes.py"]),
    "grad-version-ignored": (
        "tutor/gradwatch.py",
        "        if grad is old.grad and (grad is None or grad._version == old.version):",
        "        if grad is old.grad:",
        ["tests/test_gradwatch_pinned.py", "tests/test_session.py"]),
    "tangent-sign": (
        "tutor/commands/plot.py",
        "        intercept = fx0 - slope * x0",
        "        intercept = fx0 + slope * x0",
        ["tests/test_plot.py"]),
}


def plant(name: str, work: Path) -> None:
    path, old, new, _ = BUGS[name]
    target = work / path
    text = target.read_text(encoding="utf-8")
    if text.count(old) != 1:
        raise SystemExit(f"{name}: the original text is not in {path} exactly once: the bug no longer fits")
    target.write_text(text.replace(old, new), encoding="utf-8")


def copy_project(work: Path) -> None:
    for name in ("tutor", "lessons", "tests", "autograd_tutor", "pyproject.toml", "README.md", "constraints.txt"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, work / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".mutation"))
        elif src.exists():
            shutil.copy2(src, work / name)
    shared = (ROOT.parent / "shared").resolve()
    if shared.is_dir() and not (work.parent / "shared").exists():
        (work.parent / "shared").symlink_to(shared)


def run_once(work: Path, tests: list[str]) -> bool:
    """True when the tests failed (the bug was caught)."""
    env = dict(os.environ, PYTHONPATH=str(work), AUTOGRAD_TUTOR_HOME=tempfile.mkdtemp())
    done = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                          cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return done.returncode != 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--only", nargs="+", choices=sorted(BUGS), default=None)
    args = parser.parse_args(argv)
    missed = 0
    print(f"{'bug':<24} {'caught':>8}  seconds  tests")
    for name in args.only or list(BUGS):
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp) / "project"
            work.mkdir()
            copy_project(work)
            # the unplanted copy must pass, or a "catch" would mean nothing
            if run_once(work, BUGS[name][3]):
                raise SystemExit(f"{name}: the tests fail without the bug; fix them first")
            plant(name, work)
            started = time.perf_counter()
            caught = sum(run_once(work, BUGS[name][3]) for _ in range(args.runs))
            elapsed = time.perf_counter() - started
        missed += caught != args.runs
        print(f"{name:<24} {caught:>3}/{args.runs:<4} {elapsed:>8.1f}  {' '.join(BUGS[name][3])}", flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
