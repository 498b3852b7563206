"""Every hint on every input of the scripts the other hint tests type, word for word (tests/hints_golden.py).

Those tests check one thing each (an id, a name, a shown fix that works); this one pins the whole text
of every hint those scripts get, so a changed clause, culprit, quoted line or fix anywhere fails here.
After an intended change: `python tests/hints_golden.py --update`, then review `git diff tests/golden/`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hints_golden  # noqa: E402
import tutor.hints as hints_pkg  # noqa: E402

SCRIPTS = hints_golden.test_scripts()
GOLDEN = hints_golden.load(hints_golden.SCRIPTS_FILE)


@pytest.fixture(autouse=True)
def strict(monkeypatch):
    monkeypatch.setattr(hints_pkg, "STRICT", True)


@pytest.mark.parametrize("key,script", SCRIPTS, ids=[f"{k.split(chr(10))[0]}-{i}" for i, (k, _) in enumerate(SCRIPTS)])
def test_every_hint_of_the_script_is_the_reviewed_one(key, script):
    assert key in GOLDEN, "no golden copy: run `python tests/hints_golden.py --update` and review it"
    got = hints_golden.script_entry(script)
    if got != GOLDEN[key]:  # a fix tried under a wall-clock limit may have run out on a loaded machine
        got = hints_golden.script_entry(script)
    assert got == GOLDEN[key], "\n".join(hints_golden.differences(GOLDEN[key], got))


def test_the_golden_copy_has_no_stale_script():
    assert set(GOLDEN) == {key for key, _ in SCRIPTS}


def test_readme_states_how_many_scripts_the_golden_copies_hold():
    readme = " ".join((Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8").split())
    cases = len(hints_golden.load(hints_golden.CASES_FILE))
    corpus = len(hints_golden.load(hints_golden.CORPUS_FILE))
    assert f"on the {cases} triggering scripts" in readme
    assert f"on every input of the {corpus} corpus snippets" in readme
    assert f"on the {len(GOLDEN)} scripts the other hint tests type" in readme


def test_respacing_a_script_changes_no_diagnosis():
    """`f( x )` is the same program as `f(x)`: every triggering script, respaced, gets the same hint ids on
    the same inputs as typed plainly. Their words then quote the learner's own spacing, which the golden
    copy pins."""
    from hints_cases import CASES
    from tutor.runner import split_inputs

    def ids(script):
        return [(index, [h["id"] for h in hints]) for index, hints in hints_golden.script_entry(script)]

    broken = []
    for hint_id, script, _opts in CASES:
        spaced = hints_golden.respaced(script)
        assert spaced != script and len(split_inputs(spaced)) == len(split_inputs(script))
        plain, respaced = ids(script), ids(spaced)
        if respaced != plain or not plain or hint_id not in plain[-1][1]:
            broken.append((hint_id, spaced, plain, respaced))
    assert broken == [], broken
