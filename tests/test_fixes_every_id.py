"""Every hint id, on every triggering script of tests/hints_cases.py: when the hint shows code under
fix:, the test applies the hint's `replaces` to the learner's own inputs, runs them again from the
start in a fresh session, and the mistake must be gone without a new error (issue 10: "for every hint
id, situations in which the shown fix is executed by the test on the same state"). And every catalog
id has at least one case whose fix was verified, so no id quietly falls back to words everywhere.

The V/W table (verified fix / words only) per case: `python tests/fix_table.py`."""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import hints_golden  # noqa: E402
import tutor.hints as hints_pkg  # noqa: E402
from fix_replay import assert_the_fix_clears_the_mistake, assert_the_shown_fix_is_the_edit, new_session  # noqa: E402
from hints_cases import CASES  # noqa: E402
from tutor.hints import IDS  # noqa: E402
from tutor.runner import split_inputs  # noqa: E402

# Ids for which no case shows a verified fix, each with the reason words are the honest answer there.
# Reviewed: keep it empty unless no code can be proven on a copy of the learner's state.
WORDS_ONLY: dict[str, str] = {}


@pytest.fixture(autouse=True)
def strict(monkeypatch):
    monkeypatch.setattr(hints_pkg, "STRICT", True)


def timeout_of(opts: dict) -> float:
    """The case's time limit per input, at least 1 s: a runaway loop's limit also covers the diagnosis of
    the stopped input (its own phase), and on a loaded machine 0.3 s can run out there, in the tutor's own
    code (seen: a Timeout inside ast.parse, which CPython 3.11 reports as a SystemError)."""
    return max(opts.get("timeout", 5.0), 1.0)


@lru_cache(maxsize=None)
def hint_of(n: int):
    """The hint CASES[n] is about, on the last of its inputs (computed once per test run)."""
    hint_id, script, opts = CASES[n]
    session = new_session(timeout_of(opts))
    last = [session.submit(text) for text in split_inputs(script)][-1]
    return next((h for h in last.hints if h.id == hint_id), None)


@pytest.mark.parametrize("n", range(len(CASES)), ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_a_shown_fix_applied_to_the_learners_inputs_clears_the_mistake(n):
    hint_id, script, opts = CASES[n]
    hint = hint_of(n)
    assert hint is not None, hint_id
    if not hint.verified:  # words only: no code is shown, and the words say what to change
        assert hint.fix == "" and hint.replaces == {} and hint.fix_words, (hint.fix, hint.replaces)
        return
    assert_the_shown_fix_is_the_edit(hint)
    assert_the_fix_clears_the_mistake(split_inputs(script), hint, hint_id, timeout_of(opts))


def test_every_id_has_a_case_with_a_verified_fix():
    assert {c[0] for c in CASES} == set(IDS)
    verified = {c[0] for n, c in enumerate(CASES) if (h := hint_of(n)) is not None and h.verified}
    assert sorted(set(IDS) - verified - set(WORDS_ONLY)) == []
    stale = sorted(set(WORDS_ONLY) & verified)
    assert stale == [], f"these ids now show a verified fix: remove them from WORDS_ONLY in {__file__}: {stale}"


GOLDEN = hints_golden.load(hints_golden.CASES_FILE)


@pytest.mark.parametrize("n", range(len(CASES)), ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_the_hint_is_the_reviewed_one_word_for_word(n):
    """Its id, title, explanation, fix, words and where the fix goes, as tests/golden/hints_cases.json holds
    them (`python tests/hints_golden.py --update` after an intended change; review the diff)."""
    key = hints_golden.case_key(CASES[n])
    assert key in GOLDEN, f"no golden copy for this case: run `python tests/hints_golden.py --update`"
    hint = hint_of(n)
    got = hints_golden.record(hint) if hint is not None else None
    if got != GOLDEN[key]:  # a fix tried under a wall-clock limit may have run out on a loaded machine
        hint_of.cache_clear()
        hint = hint_of(n)
        got = hints_golden.record(hint) if hint is not None else None
    assert got == GOLDEN[key], "\n".join(hints_golden.differences(GOLDEN[key], got))


def test_the_golden_copy_has_no_stale_case():
    assert set(GOLDEN) == {hints_golden.case_key(c) for c in CASES}
