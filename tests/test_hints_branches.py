"""Every hint on every input of the branch scripts (tests/branch_scripts/FAMILY.py), word for word.

Branch scripts are learner code written to reach the branches of the rules that the triggering cases,
the corpus and the other tests' scripts never reach (coverage of tutor/hints under the hint tests showed
~9% of its statements unreached, and every mutant there survived). Each is kept with the hints it gets
in tests/golden/branches_FAMILY.json, so a change anywhere on those paths (a clause, a culprit, a quoted
line, a fix) fails here. After an intended change: `python tests/hints_golden.py --update
branches_FAMILY`, then review `git diff tests/golden/`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hints_golden  # noqa: E402
import tutor.hints as hints_pkg  # noqa: E402

FAMILIES = hints_golden.branch_families()
CASES = [(family, n, script) for family in FAMILIES for n, script in enumerate(hints_golden.branch_scripts(family))]


@pytest.fixture(autouse=True)
def strict(monkeypatch):
    monkeypatch.setattr(hints_pkg, "STRICT", True)


def golden(family: str) -> dict:
    return hints_golden.load(hints_golden.branch_file(family))


@pytest.mark.parametrize("family,n,script", CASES, ids=[f"{f}-{n}" for f, n, _ in CASES])
def test_every_hint_of_the_branch_script_is_the_reviewed_one(family, n, script):
    want = golden(family)
    assert script in want, f"no golden copy: run `python tests/hints_golden.py --update branches_{family}`"
    got = hints_golden.script_entry(script)
    if got != want[script]:  # a fix tried under a wall-clock limit may have run out on a loaded machine
        got = hints_golden.script_entry(script)
    assert got == want[script], "\n".join(hints_golden.differences(want[script], got))


@pytest.mark.parametrize("family", FAMILIES)
def test_each_golden_copy_holds_exactly_its_scripts(family):
    assert set(golden(family)) == set(hints_golden.branch_scripts(family))


def test_every_golden_branch_file_has_its_scripts():
    files = {p.stem for p in hints_golden.GOLDEN.glob("branches_*.json")}
    assert files == {hints_golden.branch_file(f).stem for f in FAMILIES}
