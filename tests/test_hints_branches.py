"""Every hint on every input of the branch scripts (tests/branch_scripts/FAMILY.py), word for word.

Branch scripts are learner code written to reach the branches of the rules that the triggering cases,
the corpus and the other tests' scripts never reach (coverage of tutor/hints under the hint tests showed
~9% of its statements unreached, and every mutant there survived). Each is kept with the hints it gets
in tests/golden/branches_FAMILY.json, so a change anywhere on those paths (a clause, a culprit, a quoted
line, a fix) fails here. Each script also runs respaced (`f( x )`, tests/hints_golden.py's `respaced`):
hints quote the learner's own text, so a rule that quoted Python's rendering of the code shows up there. After an intended change: `python tests/hints_golden.py --update
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
CASES = [(family, n, script) for family in FAMILIES for n, script in enumerate(hints_golden.branch_inputs(family))]


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
    assert set(golden(family)) == set(hints_golden.branch_inputs(family))


def test_every_golden_branch_file_has_its_scripts():
    files = {p.stem for p in hints_golden.GOLDEN.glob("branches_*.json")}
    assert files == {hints_golden.branch_file(f).stem for f in FAMILIES}


@pytest.mark.parametrize("family", FAMILIES)
def test_a_respaced_twin_gets_the_same_hints_on_the_same_inputs(family):
    """`f( x )` is the same program as `f(x)`: the golden copies of a script and its twin name the same ids
    on the same inputs (their words differ only where they quote the learner's spacing)."""
    want = golden(family)

    def ids(script):
        return [(index, [h["id"] for h in hints]) for index, hints in want[script]]

    for script in hints_golden.branch_scripts(family):
        twin = hints_golden.respaced(script)
        if twin in want and twin != script:
            assert ids(twin) == ids(script), (script, twin)


def test_readme_states_how_many_branch_scripts_there_are():
    readme = " ".join((Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8").split())
    scripts = sum(len(hints_golden.branch_scripts(f)) for f in FAMILIES)
    inputs = sum(len(hints_golden.branch_inputs(f)) for f in FAMILIES)
    assert f"on the {scripts} branch scripts of `tests/branch_scripts/`" in readme
    assert f"each also respaced, {inputs} scripts in all" in readme
